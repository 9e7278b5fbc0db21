package dev.portrait.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * An event the cleaner rejected, on its way into the {@link Quarantine}.
 *
 * @param rawEvent   the bytes as received (may be anything, including personal data)
 * @param code       the rejection code ({@code malformed_json}, {@code missing_identity}, …)
 * @param message    what a person reads about why
 * @param path       where in the event the problem is, or {@code null}
 * @param receivedAt when it was received (epoch ms); retention is measured in these
 */
public record QuarantineRecord(byte[] rawEvent, String code, String message, String path, long receivedAt) {
    public QuarantineRecord {
        Objects.requireNonNull(rawEvent, "rawEvent");
        if (code == null || code.isEmpty()) {
            throw new IllegalArgumentException("a quarantined event needs a rejection code, got " + code);
        }
        message = message == null ? "" : message;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuarantineRecord q && receivedAt == q.receivedAt && code.equals(q.code)
                && message.equals(q.message) && Objects.equals(path, q.path) && Arrays.equals(rawEvent, q.rawEvent);
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, message, path, receivedAt, Arrays.hashCode(rawEvent));
    }

    @Override
    public String toString() {
        return "QuarantineRecord[" + code + ", " + rawEvent.length + " bytes, receivedAt=" + receivedAt + "]";
    }
}
