package dev.portrait.eval;

import java.util.List;

/** Dense linear algebra the offline baselines need, hand-written because it is this small (n ≈ 1,700). */
final class Gram {
    private Gram() {
    }

    /** {@code XᵀX} of the binary user-item matrix whose rows are {@code userItems} (distinct ids each). */
    static double[][] cooccurrence(int items, List<int[]> userItems) {
        double[][] g = new double[items][items];
        for (int[] row : userItems) {
            for (int a : row) {
                double[] ga = g[a];
                for (int b : row) {
                    ga[b] += 1;
                }
            }
        }
        return g;
    }

    /**
     * Inverts a symmetric positive-definite matrix in place by Gauss-Jordan elimination without
     * pivoting (pivots of an SPD matrix stay positive, so none is needed). About {@code n³} multiply-adds:
     * a few seconds at n = 1,682. A linear-algebra library would be faster, but one inverse does not
     * justify a dependency.
     */
    static void invertInPlace(double[][] a) {
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double[] rk = a[k];
            double pivot = rk[k];
            if (!(pivot > 0)) {
                throw new IllegalArgumentException("matrix is not positive definite at pivot " + k + ": " + pivot);
            }
            double inv = 1.0 / pivot;
            rk[k] = 1.0;
            for (int j = 0; j < n; j++) {
                rk[j] *= inv;
            }
            for (int i = 0; i < n; i++) {
                if (i == k) {
                    continue;
                }
                double[] ri = a[i];
                double f = ri[k];
                if (f == 0) {
                    continue;
                }
                ri[k] = 0.0;
                for (int j = 0; j < n; j++) {
                    ri[j] -= f * rk[j];
                }
            }
        }
    }
}
