package dev.portrait.eval;

import java.util.Arrays;
import java.util.List;

/**
 * Offline ItemKNN, the classic baseline (Sarwar et al. 2001; as configured by Dacrema et al. 2019):
 * binary user-item matrix, cosine similarity between item columns, each item keeping its {@code k}
 * most similar items, and a user's score for item {@code j} the sum of {@code sim(i, j)} over the items
 * {@code i} the user has among {@code j}'s neighbours.
 */
final class ItemKnn {
    private final int items;
    /** neighbour lists per target item j: item ids and similarities. */
    private final int[][] neighbours;
    private final double[][] sims;

    ItemKnn(int items, List<int[]> userItems, int k) {
        this.items = items;
        double[] co = Gram.cooccurrence(items, userItems);
        this.neighbours = new int[items][];
        this.sims = new double[items][];
        Integer[] order = new Integer[items];
        double[] row = new double[items];
        for (int j = 0; j < items; j++) {
            for (int i = 0; i < items; i++) {
                double d = Math.sqrt(co[i * items + i] * co[j * items + j]);
                row[i] = i == j || d == 0 ? 0 : co[i * items + j] / d;
                order[i] = i;
            }
            final double[] r = row;
            Arrays.sort(order, (a, b) -> r[a] != r[b] ? Double.compare(r[b], r[a]) : Integer.compare(a, b));
            int m = 0;
            while (m < k && m < items && row[order[m]] > 0) {
                m++;
            }
            neighbours[j] = new int[m];
            sims[j] = new double[m];
            for (int x = 0; x < m; x++) {
                neighbours[j][x] = order[x];
                sims[j][x] = row[order[x]];
            }
        }
    }

    double[] scores(boolean[] rated) {
        double[] out = new double[items];
        for (int j = 0; j < items; j++) {
            double s = 0;
            for (int x = 0; x < neighbours[j].length; x++) {
                if (rated[neighbours[j][x]]) {
                    s += sims[j][x];
                }
            }
            out[j] = s;
        }
        return out;
    }
}
