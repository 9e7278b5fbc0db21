package dev.portrait.server.port;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a forget stands. A forget is durable (nothing of the person can be read through the runtime)
 * when it is answered; it is {@code done} once a compaction has also rewritten the files it touched, so
 * the deleted bytes and the shredded keys have physically left the data directory.
 *
 * @param id          the forget's own id: random, naming no one
 * @param done        whether the compaction that physically removes the data has finished
 * @param requestedAt when it was asked for
 * @param deadline    by when the compaction should have finished (the runtime's setting)
 * @param doneAt      when it was done, or null
 * @param identifiers identifiers taken off the identity indexes
 * @param dataKeys    data keys shredded (the profile's and every subject its events were sealed under)
 * @param quarantined quarantined events deleted because they mention the person
 */
public record ForgetStatus(String id, boolean done, Instant requestedAt, Instant deadline, Instant doneAt,
                           int identifiers, int dataKeys, int quarantined) {
    public ForgetStatus {
        Objects.requireNonNull(id, "forget id");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(deadline, "deadline");
        if (done != (doneAt != null)) {
            throw new IllegalArgumentException("forget " + id + ": doneAt is set exactly when it is done, got done="
                    + done + ", doneAt=" + doneAt);
        }
    }

    /** Whether the deadline passed without the data leaving the files. */
    public boolean overdue(Instant now) {
        return !done && now.isAfter(deadline);
    }
}
