package dev.portrait.eval;

import java.util.Arrays;

/** Exact ROC AUC (ties count one half) and precision at a recall, for scores against binary labels. */
final class BinaryRanking {
    private BinaryRanking() {
    }

    static double auc(double[] scores, boolean[] labels) {
        Integer[] order = order(scores);
        double rankSumPositives = 0;
        long positives = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1; // ascending ranks, ties share their mean rank
            for (int k = i; k <= j; k++) {
                if (labels[order[k]]) {
                    rankSumPositives += midRank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = scores.length - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (rankSumPositives - positives * (positives + 1) / 2.0) / (positives * (double) negatives);
    }

    /**
     * The precision at the highest threshold whose recall reaches {@code recall}: flag every score at
     * or above it. Tied scores are flagged together, as a threshold would.
     */
    static double precisionAtRecall(double[] scores, boolean[] labels, double recall) {
        Integer[] order = order(scores);
        long positives = 0;
        for (boolean l : labels) {
            if (l) {
                positives++;
            }
        }
        if (positives == 0) {
            return Double.NaN;
        }
        long tp = 0;
        long flagged = 0;
        int i = order.length - 1;
        while (i >= 0) {
            int j = i;
            while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) {
                j--;
            }
            for (int k = j; k <= i; k++) {
                flagged++;
                if (labels[order[k]]) {
                    tp++;
                }
            }
            if (tp >= recall * positives) {
                return tp / (double) flagged;
            }
            i = j - 1;
        }
        return tp / (double) flagged;
    }

    private static Integer[] order(double[] scores) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        return order;
    }
}
