package dev.portrait.core.privacy;

import java.util.random.RandomGenerator;

/**
 * The Laplace mechanism for real-valued queries (sums of bounded values), in the snapping form that
 * Mironov (2012) gave as the repair of the textbook one: the textbook mechanism adds a floating-point
 * Laplace sample to the exact answer, and which doubles can come out depends on the exact answer, so
 * an observer can tell neighbouring inputs apart from one output (with probability near 1 in his
 * experiments). Snapping clamps the answer to {@code [-B, B]}, adds the noise, rounds the result to a
 * multiple of {@code Λ} (the smallest power of two at least the scale {@code λ = Δ / ε}) and clamps
 * again. The rounded outputs no longer reveal the input's low bits.
 *
 * <p>The price is a slightly larger privacy loss: {@code ε' = ε · (1 + 2^-49 · B / Δ)} (Mironov's
 * Theorem 1, scaled to sensitivity Δ), valid for {@code λ < B < 2^46 λ}. {@link #epsilon()} reports
 * that ε', and it is what a budget is charged.
 */
public final class LaplaceMechanism {
    private static final double TWO_POW_46 = 0x1p46;
    private static final double TWO_POW_MINUS_49 = 0x1p-49;

    private final double requestedEpsilon;
    private final double sensitivity;
    private final double bound;
    private final double scale;
    private final double granularity;

    private LaplaceMechanism(double requestedEpsilon, double sensitivity, double bound) {
        this.requestedEpsilon = requestedEpsilon;
        this.sensitivity = sensitivity;
        this.bound = bound;
        this.scale = sensitivity / requestedEpsilon;
        this.granularity = powerOfTwoAtLeast(scale);
    }

    /**
     * @param epsilon     the privacy loss asked for (the charge is a hair more, see {@link #epsilon()})
     * @param sensitivity how much one person can change the exact answer (the largest absolute value
     *                    the clamp lets through, for a sum)
     * @param bound       a public bound on the answer's absolute value; outputs are clamped to it
     */
    public static LaplaceMechanism of(double epsilon, double sensitivity, double bound) {
        PrivacyCost.requireEpsilon(epsilon);
        if (!(sensitivity > 0) || Double.isInfinite(sensitivity)) {
            throw new IllegalArgumentException("sensitivity must be positive and finite, got " + sensitivity);
        }
        double scale = sensitivity / epsilon;
        if (!(bound > scale) || !(bound < TWO_POW_46 * scale)) {
            throw new IllegalArgumentException("the snapping bound must lie between the scale " + scale
                    + " and 2^46 times it, got " + bound);
        }
        return new LaplaceMechanism(epsilon, sensitivity, bound);
    }

    /** The exact answer, clamped, plus Laplace noise, snapped to a multiple of {@link #granularity()}, clamped. */
    public double release(double exact, RandomGenerator random) {
        double noisy = clamp(exact) + noise(random);
        // dividing and multiplying by a power of two is exact; only rint rounds
        return clamp(Math.rint(noisy / granularity) * granularity);
    }

    /** One draw of the continuous Laplace noise before snapping, {@code λ · S · ln U}. */
    public double noise(RandomGenerator random) {
        double u = 1.0 - random.nextDouble(); // (0, 1]
        double sign = random.nextBoolean() ? 1 : -1;
        return sign * scale * Math.log(u);
    }

    /** {@code P(noise ≤ x)} of the continuous noise. */
    public double cumulative(double x) {
        return x < 0 ? 0.5 * Math.exp(x / scale) : 1 - 0.5 * Math.exp(-x / scale);
    }

    private double clamp(double x) {
        return Math.max(-bound, Math.min(bound, x));
    }

    /** The privacy loss this mechanism really costs: the one asked for plus snapping's small excess. */
    public double epsilon() {
        return requestedEpsilon * (1 + TWO_POW_MINUS_49 * bound / sensitivity);
    }

    /** λ = Δ / ε. */
    public double scale() {
        return scale;
    }

    /** Λ, the grid outputs lie on. */
    public double granularity() {
        return granularity;
    }

    /** The continuous noise's variance, 2λ² (snapping adds at most Λ²/12 more). */
    public double variance() {
        return 2 * scale * scale;
    }

    static double powerOfTwoAtLeast(double x) {
        double p = Math.scalb(1.0, Math.getExponent(x));
        return p < x ? p * 2 : p;
    }
}
