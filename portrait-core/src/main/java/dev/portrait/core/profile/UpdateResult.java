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
 */
public record UpdateResult(Profile profile, List<Change> changes, List<SegmentTransition> transitions) {
    public UpdateResult {
        Objects.requireNonNull(profile, "profile");
        // owned by the result: wrapped, not copied (the fold builds a fresh list per event)
        changes = changes.isEmpty() ? List.of() : java.util.Collections.unmodifiableList(changes);
        transitions = transitions.isEmpty() ? List.of() : java.util.Collections.unmodifiableList(transitions);
    }
}
