package dev.portrait.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Arrays;
import java.util.List;

/**
 * The offline reference for the incremental PCA: all vectors at once, two passes (means, then the
 * correlation matrix of the standardised features, as the online model standardises), and EJML's
 * symmetric eigen-decomposition. Gives the share of variance of the leading components.
 */
final class BatchPca {
    private BatchPca() {
    }

    /** The cumulative share of variance of the first 1, 2, … components, largest first. */
    static double[] cumulativeRatios(List<double[]> vectors) {
        int d = vectors.get(0).length;
        int n = vectors.size();
        double[] mean = new double[d];
        for (double[] v : vectors) {
            for (int j = 0; j < d; j++) {
                mean[j] += v[j] / n;
            }
        }
        DMatrixRMaj cov = new DMatrixRMaj(d, d);
        for (double[] v : vectors) {
            for (int r = 0; r < d; r++) {
                for (int c = 0; c < d; c++) {
                    cov.add(r, c, (v[r] - mean[r]) * (v[c] - mean[c]));
                }
            }
        }
        double[] sd = new double[d];
        for (int j = 0; j < d; j++) {
            sd[j] = Math.sqrt(cov.get(j, j) / n);
            // a constant feature's two-pass variance is rounding (its mean is a sum of n parts), not spread
            if (sd[j] <= 1e-12 * (1 + Math.abs(mean[j]))) {
                sd[j] = 0;
            }
        }
        DMatrixRMaj corr = new DMatrixRMaj(d, d);
        for (int r = 0; r < d; r++) {
            for (int c = 0; c < d; c++) {
                // a feature that never varies carries no variance, as online
                corr.set(r, c, sd[r] == 0 || sd[c] == 0 ? 0.0 : cov.get(r, c) / n / (sd[r] * sd[c]));
            }
        }
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, true);
        if (!eig.decompose(corr)) {
            throw new IllegalStateException("the eigen-decomposition of a " + d + "x" + d + " correlation matrix failed");
        }
        double[] values = new double[d];
        double total = 0;
        for (int i = 0; i < d; i++) {
            values[i] = Math.max(0, eig.getEigenvalue(i).getReal());
            total += values[i];
        }
        Arrays.sort(values);
        double[] cumulative = new double[d];
        double sum = 0;
        for (int i = 0; i < d; i++) {
            sum += values[d - 1 - i];
            cumulative[i] = total == 0 ? 0 : sum / total;
        }
        return cumulative;
    }
}
