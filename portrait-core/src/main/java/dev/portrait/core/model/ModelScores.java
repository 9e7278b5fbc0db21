package dev.portrait.core.model;

import java.util.List;

/**
 * One profile's model outputs at a time. {@code persona} is -1 and {@code personaDistance} NaN when
 * personas are not declared or not yet seeded; {@code propensity} is the probability of the target
 * event within the horizon (0 without a propensity model); {@code predicted} the regression's
 * expected outcome (NaN without one); {@code botScore} is in [0, 1]; {@code segments} lists model
 * segments such as {@code suspected_bots}; {@code components} the profile's coordinates on the
 * principal components (empty without them).
 */
public record ModelScores(String profileId, int persona, double personaDistance, double propensity, double predicted,
                          double botScore, List<String> segments, List<Double> components) {
    public ModelScores {
        if (profileId == null || !(botScore >= 0 && botScore <= 1) || !(propensity >= 0 && propensity <= 1)) {
            throw new IllegalArgumentException("scores of " + profileId + " out of range: propensity " + propensity
                    + ", bot score " + botScore);
        }
        segments = List.copyOf(segments);
        components = List.copyOf(components);
    }
}
