package dev.portrait.core.experiment;

/**
 * The mixture sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis and Walsh,
 * "Always Valid Inference: Continuous Monitoring of A/B Tests" (Operations Research, 2022), for the
 * difference θ of two means under the normal approximation.
 *
 * <p>Given the estimate θ̂ with variance V (the sum of the two means' variances), the likelihood ratio
 * of "θ ~ N(0, τ²)" against "θ = 0" is
 * <pre>  Λ = sqrt(V / (V + τ²)) · exp(τ² θ̂² / (2 V (V + τ²)))</pre>
 * Under θ = 0 it is a martingale with mean 1, so by Ville's inequality P(sup Λ ≥ 1/α) ≤ α: the
 * running minimum of 1/Λ over every update is a p-value that stays valid however often people look
 * and whenever they stop. We chose it over alpha spending (O'Brien–Fleming, Pocock) because spending
 * needs the number and timing of looks fixed in advance, and people look every day, ad hoc; the
 * price is some power: a fixed-horizon test run once at its planned size rejects a true effect
 * sooner. τ is the scale of effects the test is tuned to find (the definition's {@code tau}).
 *
 * <p>The matching always-valid confidence interval is θ̂ ± sqrt(V (V + τ²) / τ² · (2 ln(1/α) +
 * ln((V + τ²) / V))). Pure functions; the caller keeps the running minimum.
 */
public final class MixtureSequentialTest {
    private MixtureSequentialTest() {
    }

    /** 1/Λ for the estimate and its variance; 1 when the variance is not yet positive. */
    public static double inverseLikelihoodRatio(double estimate, double variance, double tau) {
        if (!(variance > 0) || !Double.isFinite(estimate)) {
            return 1;
        }
        double t2 = tau * tau;
        double logLambda = 0.5 * Math.log(variance / (variance + t2))
                + t2 * estimate * estimate / (2 * variance * (variance + t2));
        return Math.min(1, Math.exp(-logLambda));
    }

    /** The half-width of the always-valid (1 − α) interval around the estimate; infinite without variance. */
    public static double halfWidth(double variance, double tau, double alpha) {
        if (!(variance > 0)) {
            return Double.POSITIVE_INFINITY;
        }
        double t2 = tau * tau;
        return Math.sqrt(variance * (variance + t2) / t2 * (2 * Math.log(1 / alpha) + Math.log((variance + t2) / variance)));
    }
}
