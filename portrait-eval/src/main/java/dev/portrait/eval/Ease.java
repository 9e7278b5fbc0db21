package dev.portrait.eval;

import java.util.List;

/**
 * Offline EASE (Steck, "Embarrassingly shallow autoencoders for sparse data", WWW 2019): the closed
 * form {@code P = (XᵀX + λI)⁻¹}, {@code B = I − P · diagMat(1 / diag(P))}, so {@code B_ij = −P_ij / P_jj}
 * off the diagonal and {@code diag(B) = 0}; a user's scores are {@code x_u B}.
 */
final class Ease {
    private final double[][] b;

    Ease(int items, List<int[]> userItems, double lambda) {
        double[][] p = Gram.cooccurrence(items, userItems);
        for (int i = 0; i < items; i++) {
            p[i][i] += lambda;
        }
        Gram.invertInPlace(p);
        double[] diag = new double[items];
        for (int j = 0; j < items; j++) {
            diag[j] = p[j][j];
        }
        for (int i = 0; i < items; i++) {
            double[] row = p[i];
            for (int j = 0; j < items; j++) {
                row[j] = i == j ? 0.0 : -row[j] / diag[j];
            }
        }
        this.b = p;
    }

    double[] scores(int[] ratedItems, int items) {
        double[] out = new double[items];
        for (int i : ratedItems) {
            double[] row = b[i];
            for (int j = 0; j < items; j++) {
                out[j] += row[j];
            }
        }
        return out;
    }
}
