package dev.portrait.store;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Events the cleaner rejected, kept with their reason so a person can read why and re-drive them
 * once the cause is fixed. Raw events may hold personal data, so they are encrypted at rest (under
 * the store's quarantine key) and deleted after {@link StoreOptions#quarantineRetention()}; forgetting
 * a person also deletes the quarantined events that mention any of their identifiers
 * ({@link PortraitStore#forgetProfile}).
 *
 * <p>Listing is oldest first (ascending id), the order in which a re-drive should re-ingest them.
 */
public interface Quarantine {
    /** Quarantines one event durably; returns its id. */
    default long add(byte[] rawEvent, String code, String message, String path, long receivedAt) {
        return addAll(List.of(new QuarantineRecord(rawEvent, code, message, path, receivedAt)))[0];
    }

    /** Quarantines events in one durable write; returns their ids in order. */
    long[] addAll(List<QuarantineRecord> records);

    /**
     * A page of quarantined events, oldest first.
     *
     * @param cursor {@code null} for the first page, else a previous page's {@link Page#nextCursor()}
     * @param limit  at most this many (1 or more)
     */
    Page<QuarantinedEvent> list(String cursor, int limit);

    /**
     * Removes events (after a re-drive has re-ingested them). Unknown ids are ignored.
     *
     * @return how many were removed
     */
    int remove(Collection<Long> ids);

    /** How many events are held, per rejection code. */
    Map<String, Long> countByCode();

    /** How many events are held. */
    long count();

    /**
     * Deletes events received more than the retention before {@code now} (epoch ms).
     *
     * @return how many were deleted
     */
    long purgeExpired(long now);
}
