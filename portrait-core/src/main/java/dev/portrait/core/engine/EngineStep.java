package dev.portrait.core.engine;

import dev.portrait.core.identity.IdentityMerge;
import dev.portrait.core.identity.Resolution;
import dev.portrait.core.model.ModelUpdate;
import dev.portrait.core.profile.Change;
import dev.portrait.core.profile.MergeLogEntry;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.UpdateResult;
import dev.portrait.core.segment.SegmentTransition;

import java.util.ArrayList;
import java.util.List;

/**
 * What one step of the {@link ProfileEngine} did: the profile the event went to, the merges it made
 * (each with what undoes it), the fold's changes and segment transitions, and what the shared models
 * were asked to learn.
 *
 * @param profileId    the profile the event was folded into; null when the event carried no usable
 *                     identifier (then {@code resolution.notices()} says why and nothing else happened)
 * @param resolution   identity's decision, or null for steps without an event (timers, transfers)
 * @param merges       the merges, in the order they were applied
 * @param fold         the event's (or the timer's) effect on the profile, or null when unattributed
 * @param modelUpdates what the shared models learned from this step, in order
 */
public record EngineStep(String profileId, Resolution resolution, List<Merge> merges, UpdateResult fold,
                         List<ModelUpdate> modelUpdates) {
    public EngineStep {
        merges = List.copyOf(merges);
        modelUpdates = List.copyOf(modelUpdates);
    }

    /**
     * One merge of the step.
     *
     * @param identity the identity side, or null when a runtime merged two states it moved itself
     * @param undo     both profiles as they were before (for a reversal), or null with no identity side
     * @param result   the merged profile, the changes against the winner and the transitions
     * @param time     the merged profile's time (the later of the two clocks)
     */
    public record Merge(IdentityMerge identity, MergeLogEntry undo, UpdateResult result, long time) {
    }

    /** The profile after the step, or null when unattributed. */
    public Profile profile() {
        return fold == null ? null : fold.profile();
    }

    /** Every change of the step: the merges' first, then the fold's. */
    public List<Change> changes() {
        List<Change> out = new ArrayList<>();
        for (Merge m : merges) {
            out.addAll(m.result().changes());
        }
        if (fold != null) {
            out.addAll(fold.changes());
        }
        return out;
    }

    /** Every segment transition of the step: the merges' first, then the fold's. */
    public List<SegmentTransition> transitions() {
        List<SegmentTransition> out = new ArrayList<>();
        for (Merge m : merges) {
            out.addAll(m.result().transitions());
        }
        if (fold != null) {
            out.addAll(fold.transitions());
        }
        return out;
    }
}
