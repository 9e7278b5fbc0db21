package dev.portrait.synth;

/**
 * A discrete distribution over 0..n-1, drawn by inversion of its running sums. A guide table
 * (Chen and Asau's indexed search) says where each of n equal slices of [0, total) starts, so a
 * draw scans a step or two from there instead of binary-searching a table too big for the
 * cache: this was the generator's biggest single cost per product view.
 */
final class CumulativeWeights {
    private final double[] cumulative;
    private final int[] guide;

    CumulativeWeights(double[] weights) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("a distribution needs at least one weight");
        }
        cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("weight " + i + " is " + weights[i]);
            }
            sum += weights[i];
            cumulative[i] = sum;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("weights sum to " + sum);
        }
        guide = new int[weights.length];
        int i = 0;
        for (int slice = 0; slice < guide.length; slice++) {
            double start = sum * slice / guide.length;
            while (i < cumulative.length - 1 && cumulative[i] <= start) {
                i++;
            }
            guide[slice] = i;
        }
    }

    int size() {
        return cumulative.length;
    }

    double total() {
        return cumulative[cumulative.length - 1];
    }

    /** The index whose share of the total covers {@code u} in [0, 1). */
    int sample(double u) {
        double target = u * total();
        int i = guide[Math.min(guide.length - 1, (int) (u * guide.length))];
        // Rounding may put the target an ulp before its slice's start.
        while (i > 0 && cumulative[i - 1] > target) {
            i--;
        }
        while (i < cumulative.length - 1 && cumulative[i] <= target) {
            i++;
        }
        return i;
    }
}
