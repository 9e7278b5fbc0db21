package dev.portrait.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import java.util.List;
import java.util.Map;

/**
 * The offline reference for the online linear regression: ordinary least squares with an intercept,
 * solved once over all training examples through the normal equations ({@code (XᵀX + λI) w = Xᵀy},
 * the intercept unpenalised) with EJML's SPD solver. Missing features count as 0, as online.
 */
final class BatchLeastSquares {
    private final List<String> names;
    private final double[] w; // intercept first

    private BatchLeastSquares(List<String> names, double[] w) {
        this.names = names;
        this.w = w;
    }

    static BatchLeastSquares fit(List<String> names, List<Map<String, Double>> xs, List<Double> ys, double l2) {
        int d = names.size() + 1;
        DMatrixRMaj a = new DMatrixRMaj(d, d);
        DMatrixRMaj b = new DMatrixRMaj(d, 1);
        double[] row = new double[d];
        for (int i = 0; i < xs.size(); i++) {
            row[0] = 1.0;
            for (int j = 1; j < d; j++) {
                Double v = xs.get(i).get(names.get(j - 1));
                row[j] = v == null || v.isNaN() ? 0.0 : v;
            }
            double y = ys.get(i);
            for (int r = 0; r < d; r++) {
                b.add(r, 0, row[r] * y);
                for (int c = 0; c < d; c++) {
                    a.add(r, c, row[r] * row[c]);
                }
            }
        }
        for (int j = 1; j < d; j++) {
            a.add(j, j, l2);
        }
        DMatrixRMaj w = new DMatrixRMaj(d, 1);
        if (!CommonOps_DDRM.solveSPD(a, b, w)) {
            throw new IllegalStateException("the normal equations of " + xs.size() + " examples are singular");
        }
        return new BatchLeastSquares(names, w.data.clone());
    }

    double predict(Map<String, Double> x) {
        double sum = w[0];
        for (int j = 0; j < names.size(); j++) {
            Double v = x.get(names.get(j));
            sum += w[j + 1] * (v == null || v.isNaN() ? 0.0 : v);
        }
        return sum;
    }
}
