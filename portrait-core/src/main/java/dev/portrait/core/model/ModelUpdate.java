package dev.portrait.core.model;

import dev.portrait.core.event.Event;

import java.util.List;

/**
 * What one step of the engine asks of the shared models (state that belongs to no one person: item
 * co-occurrence, centroids, weights). The per-person part is already done in the profile; these are
 * applied to {@link SharedModels} in step order, so a replay of the same events rebuilds the same
 * shared state.
 */
public sealed interface ModelUpdate {
    /** An interaction with items, with the person's recent history before it. */
    record Interaction(Event event, List<RecentItem> history) implements ModelUpdate {
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
}
