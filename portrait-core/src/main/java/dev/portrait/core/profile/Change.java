package dev.portrait.core.profile;

import java.util.Objects;

/**
 * One value of a profile that an event (or a merge) changed.
 *
 * @param field     {@code features.<name>} or {@code traits.<name>}
 * @param oldValue  the value before (at the same profile time), or {@code null}
 * @param newValue  the value after, or {@code null}
 * @param messageId the event that caused it, or {@code "merge:<loser profile id>"}
 */
public record Change(String field, Object oldValue, Object newValue, String messageId) {
    public Change {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(messageId, "messageId");
    }
}
