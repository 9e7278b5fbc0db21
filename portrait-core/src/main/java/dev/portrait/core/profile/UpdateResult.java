package dev.portrait.core.profile;

import dev.portrait.core.segment.SegmentTransition;

import java.util.List;
import java.util.Objects;

/**
 * What folding one event (or a merge, or the passing of time) did to a profile.
 *
 * @param profile     the profile after
 * @param changes     each feature or trait value that changed, old and new
 * @param transitions each segment the profile entered or left
 * @param withheld    feature and trait updates the event would have made but the person's consent to their
 *                    purposes withheld (counted, never silent)
 */
public record UpdateResult(Profile profile, List<Change> changes, List<SegmentTransition> transitions, int withheld) {
    public UpdateResult {
        Objects.requireNonNull(profile, "profile");
        // owned by the result: wrapped, not copied (the fold builds a fresh list per event)
        changes = changes.isEmpty() ? List.of() : java.util.Collections.unmodifiableList(changes);
        transitions = transitions.isEmpty() ? List.of() : java.util.Collections.unmodifiableList(transitions);
        if (withheld < 0) {
            throw new IllegalArgumentException("withheld must not be negative, got " + withheld);
        }
    }

    /** The same result with {@code more} withheld updates counted (the models', withheld by the engine). */
    public UpdateResult plusWithheld(int more) {
        return new UpdateResult(profile, changes, transitions, withheld + more);
    }

    /** A result that withheld nothing (merges, timers). */
    public UpdateResult(Profile profile, List<Change> changes, List<SegmentTransition> transitions) {
        this(profile, changes, transitions, 0);
    }
}
