package dev.portrait.core.privacy;

import java.util.random.RandomGenerator;

/**
 * The discrete Laplace (two-sided geometric) mechanism of Ghosh, Roughgarden and Sundararajan (2009),
 * for integer queries such as counts: it adds an integer {@code Z} with
 * {@code P(Z = z) = (1 - α) / (1 + α) · α^|z|}, {@code α = exp(-ε / Δ)}, which is ε-differentially
 * private for a query of L1 sensitivity {@code Δ}.
 *
 * <p>Why not the continuous Laplace mechanism rounded: Mironov (2012, "On significance of the least
 * significant bits for differential privacy") showed that a floating-point Laplace sample added to a
 * count leaks the count through which doubles can come out at all. Here the answer is an integer and
 * every integer is reachable from every count, so the output carries no floating-point fine
 * structure. The sampler draws each geometric variate by inversion, {@code G = ⌊-ln U · Δ / ε⌋}, which
 * is exact up to the rounding of one {@code log} (relative error about 1e-16 in each probability);
 * an exact sampler over rationals (Canonne, Kamath and Steinke 2020) would remove even that, at the cost
 * of taking ε as a fraction.
 */
public final class GeometricMechanism {
    private final double epsilon;
    private final long sensitivity;
    private final double alpha;

    private GeometricMechanism(double epsilon, long sensitivity) {
        this.epsilon = epsilon;
        this.sensitivity = sensitivity;
        this.alpha = Math.exp(-epsilon / sensitivity);
    }

    /**
     * @param epsilon     the privacy loss this release may cost, positive and finite
     * @param sensitivity how much one person can change the exact answer (1 for a count of people)
     */
    public static GeometricMechanism of(double epsilon, long sensitivity) {
        PrivacyCost.requireEpsilon(epsilon);
        if (sensitivity < 1) {
            throw new IllegalArgumentException("sensitivity must be at least 1, got " + sensitivity);
        }
        return new GeometricMechanism(epsilon, sensitivity);
    }

    /** The exact answer plus discrete Laplace noise. */
    public long release(long exact, RandomGenerator random) {
        return exact + noise(random);
    }

    /** One draw of the noise alone. */
    public long noise(RandomGenerator random) {
        return geometric(random) - geometric(random);
    }

    /** Failures before the first success, success probability {@code 1 - α}. */
    private long geometric(RandomGenerator random) {
        double u = 1.0 - random.nextDouble(); // (0, 1]: ln u is finite
        // -ln u / (ε/Δ) rather than ln u / ln α: no rounding of α for small ε
        return (long) Math.floor(-Math.log(u) * sensitivity / epsilon);
    }

    /** {@code P(noise = z)}. */
    public double probability(long z) {
        return (1 - alpha) / (1 + alpha) * Math.pow(alpha, Math.abs((double) z));
    }

    /** {@code P(noise ≤ z)}. */
    public double cumulative(long z) {
        // P(Z ≤ z) = α^(-z) / (1 + α) for z < 0, and 1 - α^(z+1) / (1 + α) for z ≥ 0
        return z < 0 ? Math.pow(alpha, -(double) z) / (1 + alpha) : 1 - Math.pow(alpha, z + 1.0) / (1 + alpha);
    }

    /** The noise's variance, {@code 2α / (1 - α)²}. */
    public double variance() {
        return 2 * alpha / ((1 - alpha) * (1 - alpha));
    }

    public double epsilon() {
        return epsilon;
    }

    public long sensitivity() {
        return sensitivity;
    }
}
