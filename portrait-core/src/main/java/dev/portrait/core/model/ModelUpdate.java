package dev.portrait.core.model;

import dev.portrait.core.event.Event;
import dev.portrait.core.feature.Feature;

import java.util.List;

/**
 * What one step of the engine asks of the shared models (state that belongs to no one person: item
 * co-occurrence, centroids, weights). The per-person part is already done in the profile; these are
 * applied to {@link SharedModels} in step order, so a replay of the same events rebuilds the same
 * shared state.
 */
public sealed interface ModelUpdate {
    /**
     * An interaction with items, with the person's recent history. The history is kept as a copy of
     * the {@code last_n} feature's state and read only when the shared models learn: reading it (a list
     * of maps) cost more than the rest of a step's model work, and the learning runs one queue behind.
     */
    final class Interaction implements ModelUpdate {
        private final Event event;
        private final Feature<Object> recentFeature;
        private final Object recentState;

        Interaction(Event event, Feature<Object> recentFeature, Object recentState) {
            this.event = event;
            this.recentFeature = recentFeature;
            this.recentState = recentState;
        }

        public Event event() {
            return event;
        }

        /** The person's recent items as of the interaction (empty without a recent-items feature). */
        public List<RecentItem> history() {
            return recentFeature == null ? List.of() : RecentItem.fromLastN(recentFeature.read(recentState, event.time()));
        }
    }

    /** A propensity example whose label the stream settled. */
    record Labelled(LabelledExample example) implements ModelUpdate {
    }

    /** A regression example whose outcome the stream settled. */
    record Settled(DelayedOutcomes.Outcome outcome) implements ModelUpdate {
    }

    /** A person's persona features at {@code time}, at most once a day per person. */
    record Sample(double[] vector, long time) implements ModelUpdate {
    }

    /** A person's vector for the principal components at {@code time}, at most once a day per person. */
    record PcaSample(double[] vector, long time) implements ModelUpdate {
    }

    /** A person became ({@code +1}) or stopped being ({@code -1}) a suspected bot. */
    record SuspectedBots(int delta) implements ModelUpdate {
    }

    /**
     * What an account learns from the step ({@link dev.portrait.core.account.Accounts}): accounts ride
     * the models' queue and checkpoint because, like them, they are state over many people.
     */
    record ForAccount(dev.portrait.core.account.AccountUpdate update) implements ModelUpdate {
        public ForAccount {
            java.util.Objects.requireNonNull(update, "update");
        }
    }

    /** What an experiment's results learn from the step ({@link dev.portrait.core.experiment.ExperimentResults}). */
    record ForExperiment(dev.portrait.core.experiment.ExperimentUpdate update) implements ModelUpdate {
        public ForExperiment {
            java.util.Objects.requireNonNull(update, "update");
        }
    }

    /**
     * What the feedback join counted ({@link RecommendationFeedback}): answers of a model at a placement,
     * served under an experiment's variant ("" for none), newly shown, clicked or converted. Negative when
     * a merge takes back a double count.
     */
    record Feedback(String model, String placement, String experiment, String variant, long shown, long clicked,
                    long converted) implements ModelUpdate {
        public Feedback {
            java.util.Objects.requireNonNull(model, "model");
            java.util.Objects.requireNonNull(placement, "placement");
            java.util.Objects.requireNonNull(experiment, "experiment");
            java.util.Objects.requireNonNull(variant, "variant");
        }
    }

    /** A shown or clicked event the join could not match ({@code unknown_id}, {@code expired}, {@code forgotten}). */
    record FeedbackUnjoined(String model, String reason) implements ModelUpdate {
        public FeedbackUnjoined {
            java.util.Objects.requireNonNull(model, "model");
            java.util.Objects.requireNonNull(reason, "reason");
        }
    }
}
