package dev.portrait.core.model;

import java.util.Arrays;

/**
 * Eigenvalues and eigenvectors of a small real symmetric matrix by the cyclic Jacobi method (Golub
 * and Van Loan, <i>Matrix Computations</i>, 4th ed., §8.5, algorithms 8.5.1 and 8.5.3): sweep over
 * every off-diagonal pair {@code (p, q)} in row order and annihilate it with the plane rotation that
 * diagonalises the 2 × 2 block, until the off-diagonal mass is rounding noise.
 *
 * <p><b>Why hand-written.</b> The core may not depend on a linear-algebra library (CoreIsPureTest:
 * JDK, Jackson, CEL and sketch libraries only), and the matrices here are a model's feature covariance,
 * {@code d ≤ 64}. Jacobi is the right method at that size: about {@code 3d³} flops a sweep and
 * quadratic convergence (a handful of sweeps), every rotation orthogonal, so the vectors come out
 * orthonormal to rounding and small eigenvalues keep high relative accuracy; and it is thirty lines,
 * where the faster tridiagonal QR is several hundred. The sweep order is fixed, so the same matrix
 * gives bit-identical results.
 *
 * <p>Eigenvalues are sorted largest first (ties keep their diagonal order); each eigenvector's
 * largest-magnitude entry (the first, on a tie) is made positive, so recomputing after more data does
 * not flip a component's sign for no reason.
 */
final class SymmetricEigen {
    private static final int MAX_SWEEPS = 60;

    private final double[] values;
    private final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /** Decomposes {@code matrix}, which must be square, finite and symmetric; it is not modified. */
    static SymmetricEigen of(double[][] matrix) {
        int n = matrix.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            if (matrix[i].length != n) {
                throw new IllegalArgumentException("a symmetric matrix must be square, row " + i + " has "
                        + matrix[i].length + " entries, not " + n);
            }
            a[i] = matrix[i].clone();
        }
        double frobenius2 = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (!Double.isFinite(a[i][j]) || a[i][j] != a[j][i]) {
                    throw new IllegalArgumentException("the matrix must be finite and symmetric, got " + a[i][j]
                            + " at (" + i + ", " + j + ") and " + a[j][i] + " at (" + j + ", " + i + ")");
                }
                frobenius2 += a[i][j] * a[i][j];
            }
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1.0;
        }
        // off-diagonal mass below (1e-15 ‖A‖)² is rounding: a further sweep would only stir it
        double tolerance = 1e-30 * frobenius2;
        for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(a) > tolerance; sweep++) {
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(a, v, p, q);
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int k = 0; k < n; k++) {
            int c = order[k];
            values[k] = a[c][c];
            int largest = 0;
            for (int i = 0; i < n; i++) {
                vectors[k][i] = v[i][c];
                if (Math.abs(v[i][c]) > Math.abs(v[largest][c])) {
                    largest = i;
                }
            }
            if (vectors[k][largest] < 0) {
                for (int i = 0; i < n; i++) {
                    vectors[k][i] = -vectors[k][i];
                }
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /** {@code A ← Jᵀ A J} and {@code V ← V J} with the rotation that zeroes {@code A[p][q]} (GVL 8.5.1). */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double apq = a[p][q];
        if (apq == 0) {
            return;
        }
        double tau = (a[q][q] - a[p][p]) / (2 * apq);
        // the smaller root of t² + 2τt − 1 = 0, so the rotation angle is at most π/4; 1/(2τ) once τ² overflows
        double t = Math.abs(tau) > 1e150 ? 1 / (2 * tau)
                : Math.signum(tau == 0 ? 1 : tau) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        double c = 1 / Math.sqrt(1 + t * t);
        double s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        // exactly zero, and exactly symmetric, instead of what rounding left
        a[p][q] = 0;
        a[q][p] = 0;
        for (int k = 0; k < n; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }

    private static double offDiagonal(double[][] a) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = i + 1; j < a.length; j++) {
                sum += 2 * a[i][j] * a[i][j];
            }
        }
        return sum;
    }

    int size() {
        return values.length;
    }

    /** The {@code k}-th largest eigenvalue. */
    double value(int k) {
        return values[k];
    }

    /** A unit eigenvector of {@link #value(int) value(k)}, a copy. */
    double[] vector(int k) {
        return vectors[k].clone();
    }
}
