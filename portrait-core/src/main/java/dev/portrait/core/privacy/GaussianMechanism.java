package dev.portrait.core.privacy;

import java.util.random.RandomGenerator;

/**
 * The Gaussian mechanism with the classic calibration (Dwork and Roth 2014, Theorem A.1):
 * {@code σ = Δ₂ · √(2 ln(1.25/δ)) / ε} is (ε, δ)-differentially private for ε &lt; 1. Its use here is a
 * vector of counts (every segment's size at once): one person moves each of k counts by at most one, so
 * the L2 sensitivity is √k where the L1 sensitivity the Laplace mechanism needs is k.
 *
 * <p>Counts are released rounded to whole numbers. That takes the low-order bits Mironov's attack reads
 * out of the answer, but unlike {@link LaplaceMechanism}'s snapping it comes with no proof for the
 * floating-point sampler; an exact discrete Gaussian (Canonne, Kamath and Steinke 2020) would. Laplace
 * (the default) is the mechanism to use when that matters.
 */
public final class GaussianMechanism {
    private final double epsilon;
    private final double delta;
    private final double sigma;

    private GaussianMechanism(double epsilon, double delta, double sigma) {
        this.epsilon = epsilon;
        this.delta = delta;
        this.sigma = sigma;
    }

    /**
     * @param epsilon       below 1, where the classic calibration holds
     * @param delta         the probability of a larger loss, in (0, 1)
     * @param l2Sensitivity how far (Euclidean) one person can move the exact answer vector
     */
    public static GaussianMechanism of(double epsilon, double delta, double l2Sensitivity) {
        PrivacyCost.requireEpsilon(epsilon);
        if (!(epsilon < 1)) {
            throw new IllegalArgumentException("the Gaussian mechanism's calibration holds for epsilon below 1, got "
                    + epsilon);
        }
        PrivacyCost.requireDelta(delta);
        if (!(delta > 0)) {
            throw new IllegalArgumentException("the Gaussian mechanism needs a delta above 0");
        }
        if (!(l2Sensitivity > 0) || Double.isInfinite(l2Sensitivity)) {
            throw new IllegalArgumentException("sensitivity must be positive and finite, got " + l2Sensitivity);
        }
        return new GaussianMechanism(epsilon, delta, l2Sensitivity * Math.sqrt(2 * Math.log(1.25 / delta)) / epsilon);
    }

    /** The exact count plus Gaussian noise, rounded to a whole number. */
    public long release(long exact, RandomGenerator random) {
        return Math.round(exact + noise(random));
    }

    public double noise(RandomGenerator random) {
        return sigma * random.nextGaussian();
    }

    public double sigma() {
        return sigma;
    }

    public double epsilon() {
        return epsilon;
    }

    public double delta() {
        return delta;
    }
}
