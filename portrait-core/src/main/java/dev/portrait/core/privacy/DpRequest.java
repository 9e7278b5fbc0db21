package dev.portrait.core.privacy;

import java.util.Objects;

/**
 * A reader's request for a differentially private answer: which mechanism and how much privacy loss
 * the whole answer may cost (an answer of several numbers shares it).
 */
public record DpRequest(Mechanism mechanism, double epsilon, double delta) {
    /** The noise. */
    public enum Mechanism {
        /** Discrete Laplace for counts, snapped Laplace for sums: pure ε-DP. The default. */
        LAPLACE,
        /** Gaussian, for counts only: (ε, δ)-DP, less noise when many counts are released at once. */
        GAUSSIAN
    }

    public DpRequest {
        Objects.requireNonNull(mechanism, "mechanism");
        PrivacyCost.requireEpsilon(epsilon);
        PrivacyCost.requireDelta(delta);
        if (mechanism == Mechanism.LAPLACE && delta != 0) {
            throw new IllegalArgumentException("the Laplace mechanism takes no delta, got " + delta);
        }
        if (mechanism == Mechanism.GAUSSIAN && !(delta > 0 && epsilon < 1)) {
            throw new IllegalArgumentException("the Gaussian mechanism needs epsilon below 1 and delta above 0, got epsilon "
                    + epsilon + " and delta " + delta);
        }
    }

    public static DpRequest laplace(double epsilon) {
        return new DpRequest(Mechanism.LAPLACE, epsilon, 0);
    }
}
