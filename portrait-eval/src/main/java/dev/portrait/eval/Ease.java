package dev.portrait.eval;

import java.util.List;

/**
 * Offline EASE (Steck, "Embarrassingly shallow autoencoders for sparse data", WWW 2019): the closed
 * form {@code P = (XᵀX + λI)⁻¹}, {@code B = I − P · diagMat(1 / diag(P))}, so {@code B_ij = −P_ij / P_jj}
 * off the diagonal and {@code diag(B) = 0}; a user's scores are {@code x_u B}. The inverse is {@link
 * Gram}'s (Cholesky, in place), so the model is one n × n array.
 */
public final class Ease {
    private final int items;
    /** B, row-major. */
    private final double[] b;

    /**
     * Fits EASE on {@code userItems} (each user's distinct item ids, {@code 0 <= id < items}).
     *
     * @param lambda the L2 weight on B, positive
     */
    public Ease(int items, List<int[]> userItems, double lambda) {
        if (!(lambda > 0)) {
            throw new IllegalArgumentException("EASE's λ must be positive, not " + lambda);
        }
        double[] p = Gram.cooccurrence(items, userItems);
        for (int i = 0; i < items; i++) {
            p[i * items + i] += lambda;
        }
        Gram.invertSymmetricPositiveDefinite(p, items);
        double[] diag = new double[items];
        for (int j = 0; j < items; j++) {
            diag[j] = p[j * items + j];
        }
        for (int i = 0; i < items; i++) {
            int row = i * items;
            for (int j = 0; j < items; j++) {
                p[row + j] = i == j ? 0.0 : -p[row + j] / diag[j];
            }
        }
        this.items = items;
        this.b = p;
    }

    /** The scores of every item for a user who has {@code ratedItems}: the sum of their rows of B. */
    public double[] scores(int[] ratedItems, int items) {
        if (items != this.items) {
            throw new IllegalArgumentException("this model has " + this.items + " items, not " + items);
        }
        double[] out = new double[items];
        for (int i : ratedItems) {
            int row = i * items;
            for (int j = 0; j < items; j++) {
                out[j] += b[row + j];
            }
        }
        return out;
    }
}
