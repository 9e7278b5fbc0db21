package dev.portrait.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One changed value of a profile, as the changelog keeps it.
 *
 * @param sequence  the log sequence of the event that caused it (0 for a change no event caused, such as
 *                  a window sliding under a timer)
 * @param eventTime the event time of the change (epoch ms); retention is measured in these
 * @param field     {@code features.<name>}, {@code traits.<name>} or {@code segments.<name>}
 * @param oldValue  the value before, as JSON text ({@code null} is the four bytes {@code null})
 * @param newValue  the value after, as JSON text
 * @param messageId the event that caused it, or the runtime's marker for a timer or a merge
 */
public record ChangeRecord(long sequence, long eventTime, String field, byte[] oldValue, byte[] newValue,
                           String messageId) {
    private static final byte[] JSON_NULL = "null".getBytes(StandardCharsets.UTF_8);

    public ChangeRecord {
        if (sequence < 0) {
            throw new IllegalArgumentException("change sequence must be 0 or a log sequence, got " + sequence);
        }
        if (field == null || field.isEmpty()) {
            throw new IllegalArgumentException("change at sequence " + sequence + " needs a field, got " + field);
        }
        if (messageId == null || messageId.isEmpty()) {
            throw new IllegalArgumentException("change of " + field + " at sequence " + sequence
                    + " needs a messageId, got " + messageId);
        }
        oldValue = oldValue == null || oldValue.length == 0 ? JSON_NULL : oldValue;
        newValue = newValue == null || newValue.length == 0 ? JSON_NULL : newValue;
    }

    /** The old value as JSON text. */
    public String oldJson() {
        return new String(oldValue, StandardCharsets.UTF_8);
    }

    /** The new value as JSON text. */
    public String newJson() {
        return new String(newValue, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChangeRecord c && sequence == c.sequence && eventTime == c.eventTime
                && field.equals(c.field) && messageId.equals(c.messageId) && Arrays.equals(oldValue, c.oldValue)
                && Arrays.equals(newValue, c.newValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, eventTime, field, messageId, Arrays.hashCode(oldValue), Arrays.hashCode(newValue));
    }

    @Override
    public String toString() {
        // Values may be personal data: their sizes only.
        return "ChangeRecord[" + sequence + ", " + field + ", " + oldValue.length + " -> " + newValue.length
                + " bytes, " + messageId + "]";
    }
}
