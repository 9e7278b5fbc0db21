package dev.portrait.server.port;

import dev.portrait.core.model.FeedbackCounts;
import dev.portrait.core.model.ServedRecommendations;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the models answer: recommendations, personas, and each profile's scores. Kept apart from
 * {@link QueryPort} so a runtime without models (or a test double) need not pretend to have them.
 */
public interface ModelPort {
    /**
     * An answer for the profile holding this identifier, to be shown at {@code placement}: the top {@code k}
     * items, best first, each with a reason, under the settings of the person's experiment variant, and the
     * answer's recommendation id (the feedback loop joins Shown / Clicked events to it); empty when nobody
     * holds the identifier.
     *
     * @throws dev.portrait.core.PortraitException {@code unknown_identifier_type} (400)
     */
    Optional<ServedRecommendations> recommendations(String idType, String id, int k, String placement);

    /**
     * The feedback loop's totals (answers shown, clicked, converted per model, placement and experiment
     * variant) and the shown or clicked events that did not join, by model and reason; empty without a
     * {@code feedback:} section. Includes every event folded before the call (read-your-writes).
     */
    Feedback feedback();

    /**
     * As {@link #feedback()}, but as far as the models have absorbed, without waiting behind updates still
     * queued: for a scrape, which must not wait for a backlog.
     */
    Feedback feedbackSoFar();

    /** The feedback loop's totals; {@code declared} is false when the definition has no feedback section. */
    record Feedback(boolean declared, List<FeedbackCounts.Row> rows, Map<String, Map<String, Long>> unjoined) {
        public Feedback {
            rows = List.copyOf(rows);
            unjoined = Map.copyOf(unjoined);
        }
    }

    /** Every persona (empty until the first mini-batch has seeded them). */
    List<PersonaView> personas();

    /** The profile's persona, propensity and bot score; empty when nobody holds the identifier. */
    Optional<ProfileScores> scores(String idType, String id);

    /**
     * As {@link #scores(String, String)}; with {@code ownWrites} (the read carried a position and waited for it)
     * the scores also include what the models learned from the events up to that position, as
     * {@code QueryPort.profile(…, ownWrites)} does.
     */
    default Optional<ProfileScores> scores(String idType, String id, boolean ownWrites) {
        return scores(idType, id);
    }

    /** How well the models do, for {@code /metrics}. */
    ModelQuality quality();

    /**
     * The propensity model's calibration curve over {@code buckets} equal-width buckets of predicted
     * probability, from its prequential figures (every labelled example, scored before it was learned);
     * empty until labels arrived. {@code declared} is false when the definition has no propensity model.
     */
    default Calibration calibration(int buckets) {
        throw new dev.portrait.core.PortraitException("not_supported", "this runtime keeps no model quality figures",
                null);
    }

    /** See {@link #calibration}. */
    record Calibration(boolean declared, long examples, long positives,
                       List<dev.portrait.core.model.PrequentialMetrics.CalibrationBucket> buckets) {
        public Calibration {
            buckets = List.copyOf(buckets);
        }
    }

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
