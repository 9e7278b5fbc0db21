package dev.portrait.core.synth;

/** A discrete distribution over 0..n-1 drawn by binary search in its running sums. */
final class CumulativeWeights {
    private final double[] cumulative;

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
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > target) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
