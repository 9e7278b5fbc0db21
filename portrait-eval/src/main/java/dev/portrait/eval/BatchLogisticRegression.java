package dev.portrait.eval;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import java.util.List;
import java.util.Map;

/**
 * The offline reference for the online models: L2-regularised logistic regression fitted by Newton's
 * method (iteratively reweighted least squares) on all training examples at once, over standardised
 * features with an intercept. With a dozen features the Hessian is tiny, so each step is exact.
 */
final class BatchLogisticRegression {
    private final List<String> names;
    private final double[] mean;
    private final double[] scale;
    private final double[] w;

    private BatchLogisticRegression(List<String> names, double[] mean, double[] scale, double[] w) {
        this.names = names;
        this.mean = mean;
        this.scale = scale;
        this.w = w;
    }

    /** Fits on examples (missing and NaN features count as 0 before standardising). */
    static BatchLogisticRegression fit(List<String> names, List<Map<String, Double>> xs, List<Boolean> ys, double l2) {
        int d = names.size();
        int n = xs.size();
        double[][] raw = new double[n][];
        for (int i = 0; i < n; i++) {
            raw[i] = vector(names, xs.get(i));
        }
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (double[] x : raw) {
            for (int j = 0; j < d; j++) {
                mean[j] += x[j] / n;
            }
        }
        for (double[] x : raw) {
            for (int j = 0; j < d; j++) {
                scale[j] += (x[j] - mean[j]) * (x[j] - mean[j]) / n;
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = scale[j] > 0 ? Math.sqrt(scale[j]) : 1.0;
        }
        int p = d + 1;
        double[][] z = new double[n][p];
        for (int i = 0; i < n; i++) {
            z[i][0] = 1.0;
            for (int j = 0; j < d; j++) {
                z[i][j + 1] = (raw[i][j] - mean[j]) / scale[j];
            }
        }
        double[] w = new double[p];
        for (int iteration = 0; iteration < 50; iteration++) {
            double[][] h = new double[p][p];
            double[] g = new double[p];
            for (int i = 0; i < n; i++) {
                double prob = sigmoid(dot(w, z[i]));
                double r = prob - (ys.get(i) ? 1 : 0);
                double s = Math.max(prob * (1 - prob), 1e-12);
                for (int a = 0; a < p; a++) {
                    g[a] += r * z[i][a];
                    for (int b = 0; b < p; b++) {
                        h[a][b] += s * z[i][a] * z[i][b];
                    }
                }
            }
            for (int a = 1; a < p; a++) {
                g[a] += l2 * w[a];
                h[a][a] += l2;
            }
            h[0][0] += 1e-9;
            // the Newton step solves H δ = g; H is symmetric positive definite (the L2 term and the intercept's nudge)
            DMatrixRMaj delta = new DMatrixRMaj(p, 1);
            if (!CommonOps_DDRM.solveSPD(new DMatrixRMaj(h), DMatrixRMaj.wrap(p, 1, g), delta)) {
                throw new IllegalStateException("the Hessian is not positive definite at iteration " + iteration);
            }
            double step = 0;
            for (int a = 0; a < p; a++) {
                w[a] -= delta.data[a];
                step = Math.max(step, Math.abs(delta.data[a]));
            }
            if (step < 1e-8) {
                break;
            }
        }
        return new BatchLogisticRegression(List.copyOf(names), mean, scale, w);
    }

    double predict(Map<String, Double> features) {
        double[] x = vector(names, features);
        double m = w[0];
        for (int j = 0; j < x.length; j++) {
            m += w[j + 1] * (x[j] - mean[j]) / scale[j];
        }
        return sigmoid(m);
    }

    private static double[] vector(List<String> names, Map<String, Double> features) {
        double[] x = new double[names.size()];
        for (int j = 0; j < x.length; j++) {
            Double v = features.get(names.get(j));
            x[j] = v == null || v.isNaN() ? 0.0 : v;
        }
        return x;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double sigmoid(double m) {
        m = Math.max(-35, Math.min(35, m));
        return 1.0 / (1.0 + Math.exp(-m));
    }
}
