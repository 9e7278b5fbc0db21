package dev.portrait.store;

import java.util.Objects;

/**
 * An event held in the {@link Quarantine}.
 *
 * @param id     its id, increasing in the order events were quarantined
 * @param record what was quarantined
 */
public record QuarantinedEvent(long id, QuarantineRecord record) {
    public QuarantinedEvent {
        if (id < 1) {
            throw new IllegalArgumentException("quarantine ids start at 1, got " + id);
        }
        Objects.requireNonNull(record, "record");
    }

    public byte[] rawEvent() {
        return record.rawEvent();
    }

    public String code() {
        return record.code();
    }

    public String message() {
        return record.message();
    }

    public String path() {
        return record.path();
    }

    public long receivedAt() {
        return record.receivedAt();
    }

    @Override
    public String toString() {
        return "QuarantinedEvent[" + id + ", " + record + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuarantinedEvent q && id == q.id && record.equals(q.record);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, record);
    }
}
