package dev.portrait.core.privacy;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Differentially private answers to the aggregate queries a reader may ask: a count of people, the
 * counts of several segments at once, and count / sum / mean of a bounded feature over an audience.
 *
 * <p>Adjacency is person-level: two data sets are neighbours when one has one more person than the
 * other, with all of that person's events. A count of people moves by at most 1; k segment sizes move by
 * at most 1 each (L1 sensitivity k, L2 √k); a sum of values clamped to {@code [lower, upper]} by at
 * most {@code max(|lower|, |upper|)}.
 *
 * <p>Small counts are suppressed by looking at the <em>noisy</em> count: suppression is then
 * post-processing of a private answer and costs nothing, where a threshold on the exact count would
 * itself leak whether it was crossed.
 *
 * <p>The randomness comes in as a parameter: a {@code SecureRandom} when serving (a predictable noise
 * source lets anyone subtract the noise), a seeded generator in tests.
 */
public final class AggregateReleases {
    /**
     * A public bound on a sum's absolute value, in units of the largest clamped value: no audience
     * holds more than 2³¹ people (profile numbers are ints). Snapping needs such a bound.
     */
    static final double MAX_PEOPLE = 0x1p31;

    private AggregateReleases() {
    }

    /** What {@link #count} and {@link #counts} charge: the request's ε (and δ), whatever the number of counts. */
    public static PrivacyCost countCost(DpRequest request) {
        return new PrivacyCost(request.epsilon(), request.delta());
    }

    /** How many people, noisy. */
    public static NoisyCount count(long exact, DpRequest request, long suppressBelow, RandomGenerator random) {
        return counts(new long[] {exact}, request, suppressBelow, random).get(0);
    }

    /** Several counts (segment sizes) a person may all belong to, sharing the request's ε. */
    public static List<NoisyCount> counts(long[] exact, DpRequest request, long suppressBelow, RandomGenerator random) {
        List<NoisyCount> out = new ArrayList<>(exact.length);
        if (exact.length == 0) {
            return out;
        }
        if (request.mechanism() == DpRequest.Mechanism.LAPLACE) {
            GeometricMechanism m = GeometricMechanism.of(request.epsilon(), exact.length);
            for (long e : exact) {
                out.add(suppressed(m.release(e, random), suppressBelow, Math.sqrt(m.variance())));
            }
        } else {
            GaussianMechanism m = GaussianMechanism.of(request.epsilon(), request.delta(), Math.sqrt(exact.length));
            for (long e : exact) {
                out.add(suppressed(m.release(e, random), suppressBelow, m.sigma()));
            }
        }
        return out;
    }

    /** What {@link #statistics} charges: half of ε for the count, half for the sum plus snapping's excess. */
    public static PrivacyCost statisticsCost(DpRequest request, double lower, double upper) {
        requireLaplace(request);
        return PrivacyCost.pure(request.epsilon() / 2 + sumMechanism(request, lower, upper).epsilon());
    }

    /**
     * Count, sum and mean of a feature over an audience.
     *
     * @param count      members with a value
     * @param clampedSum the sum of their values, each clamped to {@code [lower, upper]}
     */
    public static NoisyStatistics statistics(long count, double clampedSum, double lower, double upper, DpRequest request,
                                             long suppressBelow, RandomGenerator random) {
        requireLaplace(request);
        GeometricMechanism counting = GeometricMechanism.of(request.epsilon() / 2, 1);
        LaplaceMechanism summing = sumMechanism(request, lower, upper);
        long noisyCount = counting.release(count, random);
        double noisySum = summing.release(clampedSum, random);
        double countStdDev = Math.sqrt(counting.variance());
        double sumStdDev = Math.sqrt(summing.variance());
        if (noisyCount < Math.max(1, suppressBelow)) {
            return new NoisyStatistics(null, null, null, true, countStdDev, sumStdDev);
        }
        double mean = Math.max(lower, Math.min(upper, noisySum / noisyCount));
        return new NoisyStatistics(noisyCount, noisySum, mean, false, countStdDev, sumStdDev);
    }

    /** The sensitivity of a sum of values clamped to {@code [lower, upper]}. */
    public static double sumSensitivity(double lower, double upper) {
        if (!(lower <= upper) || Double.isInfinite(lower) || Double.isInfinite(upper)) {
            throw new IllegalArgumentException("bounds must be finite with lower ≤ upper, got [" + lower + ", " + upper + "]");
        }
        double s = Math.max(Math.abs(lower), Math.abs(upper));
        if (s == 0) {
            throw new IllegalArgumentException("bounds [0, 0] leave nothing to sum");
        }
        return s;
    }

    private static LaplaceMechanism sumMechanism(DpRequest request, double lower, double upper) {
        double sensitivity = sumSensitivity(lower, upper);
        return LaplaceMechanism.of(request.epsilon() / 2, sensitivity, sensitivity * MAX_PEOPLE);
    }

    private static void requireLaplace(DpRequest request) {
        if (request.mechanism() != DpRequest.Mechanism.LAPLACE) {
            throw new IllegalArgumentException("feature statistics are released with the Laplace mechanism only");
        }
    }

    private static NoisyCount suppressed(long noisy, long suppressBelow, double stdDev) {
        long shown = Math.max(0, noisy); // post-processing: a count of people is never negative
        return shown < suppressBelow ? new NoisyCount(null, true, stdDev) : new NoisyCount(shown, false, stdDev);
    }
}
