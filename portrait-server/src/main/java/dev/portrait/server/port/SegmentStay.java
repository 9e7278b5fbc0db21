package dev.portrait.server.port;

import java.time.Instant;

/**
 * A person and one segment: whether they are in it, when they last entered and, if they are out, when they last left
 * (null when the replay of their history does not hold such a transition).
 */
public record SegmentStay(String segment, boolean member, Instant enteredAt, Instant leftAt) {
}
