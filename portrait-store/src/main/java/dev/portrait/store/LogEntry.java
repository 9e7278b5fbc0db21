package dev.portrait.store;

import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventBinaryCodec;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record of the {@link EventLog} as read back.
 *
 * @param sequence   its position in the log (1, 2, 3, … with no gaps)
 * @param receivedAt when the server received it (epoch ms)
 * @param event      the event's binary form ({@link EventBinaryCodec}), or {@code null} when its subject was forgotten and its data
 *                   key shredded
 */
public record LogEntry(long sequence, long receivedAt, byte[] event) {
    public LogEntry {
        if (sequence < 1) {
            throw new IllegalArgumentException("log sequences start at 1, got " + sequence);
        }
    }

    /** Whether the event's subject was forgotten, so its bytes can no longer be read. */
    public boolean forgotten() {
        return event == null;
    }

    /** The event itself. */
    public Event decode() {
        if (event == null) {
            throw new IllegalStateException("log record " + sequence + " was forgotten and cannot be decoded");
        }
        return EventBinaryCodec.decode(event);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogEntry e && sequence == e.sequence && receivedAt == e.receivedAt
                && Arrays.equals(event, e.event);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sequence, receivedAt, Arrays.hashCode(event));
    }

    @Override
    public String toString() {
        return "LogEntry[" + sequence + ", receivedAt=" + receivedAt + ", "
                + (event == null ? "forgotten" : event.length + " bytes") + "]";
    }
}
