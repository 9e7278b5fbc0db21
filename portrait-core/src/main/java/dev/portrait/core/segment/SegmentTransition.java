package dev.portrait.core.segment;

import java.util.Objects;

/**
 * A profile entering or leaving a segment.
 *
 * @param profileId the profile
 * @param segment   the segment name
 * @param entered   true when it entered, false when it left
 * @param time      the profile time (epoch ms) at which the condition was evaluated
 * @param cause     the message id of the event that caused it, or {@code "time"} when a window slid
 *                  or a value aged with no event, or {@code "merge"} for an identity merge
 */
public record SegmentTransition(String profileId, String segment, boolean entered, long time, String cause) {
    public SegmentTransition {
        Objects.requireNonNull(profileId, "profileId");
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(cause, "cause");
    }
}
