package dev.portrait.core.profile;

import java.util.Objects;

/**
 * One value of a profile that an event (or a merge) changed.
 *
 * <p>For features whose value is a collection keyed by what events carry (decayed scores, last-N,
 * frequent items), {@code oldValue} and {@code newValue} hold only the entries the event touched
 * (the category it scored, the item it added), not the whole map or list twice.
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
