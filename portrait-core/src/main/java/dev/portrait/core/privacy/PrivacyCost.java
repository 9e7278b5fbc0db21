package dev.portrait.core.privacy;

/**
 * A privacy loss (ε, δ): what a release costs, what has been spent, or what may be spent. Costs add up
 * (basic sequential composition), which overstates the loss of many releases a little and never
 * understates it.
 */
public record PrivacyCost(double epsilon, double delta) {
    public static final PrivacyCost NONE = new PrivacyCost(0, 0);

    public PrivacyCost {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be zero or more and finite, got " + epsilon);
        }
        requireDelta(delta);
    }

    public static PrivacyCost pure(double epsilon) {
        return new PrivacyCost(epsilon, 0);
    }

    static void requireEpsilon(double epsilon) {
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be positive and finite, got " + epsilon);
        }
    }

    static void requireDelta(double delta) {
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be at least 0 and below 1, got " + delta);
        }
    }
}
