package dev.portrait.server.port;

import dev.portrait.core.model.Recommendation;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the models answer: recommendations, personas, and each profile's scores. Kept apart from
 * {@link QueryPort} so a runtime without models (or a test double) need not pretend to have them.
 */
public interface ModelPort {
    /**
     * The top {@code k} items for the profile holding this identifier, best first, each with a reason;
     * empty when nobody holds it.
     *
     * @throws dev.portrait.core.PortraitException {@code unknown_identifier_type} (400)
     */
    Optional<List<Recommendation>> recommendations(String idType, String id, int k);

    /** Every persona (empty until the first mini-batch has seeded them). */
    List<PersonaView> personas();

    /** The profile's persona, propensity and bot score; empty when nobody holds the identifier. */
    Optional<ProfileScores> scores(String idType, String id);

    /** How well the models do, for {@code /metrics}. */
    ModelQuality quality();

    /**
     * A persona: its centroid described by its strongest standardised features, and how many
     * profiles it holds now.
     */
    record PersonaView(int persona, long size, List<Map<String, Object>> strongest, Map<String, Double> center) {
        public PersonaView {
            if (persona < 0 || size < 0) {
                throw new IllegalArgumentException("a persona needs an index and a size >= 0, got " + persona + ", " + size);
            }
            strongest = List.copyOf(strongest);
            center = Map.copyOf(center);
        }
    }

    /**
     * One profile's model outputs. {@code persona} is -1 and {@code personaDistance} NaN until personas
     * are seeded; {@code propensity} is the probability of the definition's target event within its
     * delay; {@code botScore} is in [0, 1], and {@code segments} lists model segments such as
     * {@code suspected_bots}.
     */
    record ProfileScores(String profileId, int persona, double personaDistance, double propensity, double botScore,
                         List<String> segments) {
        public ProfileScores {
            if (profileId == null || !(botScore >= 0 && botScore <= 1) || !(propensity >= 0 && propensity <= 1)) {
                throw new IllegalArgumentException("scores of " + profileId + " out of range: propensity " + propensity
                        + ", bot score " + botScore);
            }
            segments = List.copyOf(segments);
        }
    }

    /**
     * Prequential AUC and log-loss of the propensity model, prequential RMSE of the regression model and of
     * its running-mean baseline (NaN without one), and the sizes of the model state.
     */
    record ModelQuality(double propensityAuc, double propensityLogLoss, long labelledExamples, int items,
                        long suspectedBots, double regressionRmse, double regressionBaselineRmse) {
    }
}
