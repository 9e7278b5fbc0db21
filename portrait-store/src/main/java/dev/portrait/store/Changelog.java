package dev.portrait.store;

import java.util.List;

/**
 * Per profile, what changed, old → new, caused by which event; encrypted under the profile's data
 * key because values may be personal data. Listed newest first (the order in which they were
 * appended, newest first). Kept for {@link StoreOptions#changelogRetention()}, measured by event time.
 *
 * <p>{@link #append} is durable at once. Changes that must be exactly-once across a crash go through
 * {@link WriteBack#appendChanges} with the profiles they belong to: a replay after a crash re-derives
 * changes for the events after the applied position, and only the write-back makes those the same
 * changes that were lost.
 */
public interface Changelog {
    void append(String profileId, List<ChangeRecord> changes);

    /**
     * A page of the profile's changes, newest first.
     *
     * @param cursor {@code null} for the newest page, else a previous page's {@link Page#nextCursor()}
     * @param limit  at most this many (1 or more)
     */
    Page<ChangeRecord> list(String profileId, String cursor, int limit);

    /** Deletes every change of the profile. */
    void deleteProfile(String profileId);

    /**
     * Deletes changes whose event time is more than the retention before {@code now} (epoch ms).
     *
     * @return how many were deleted
     */
    long purgeExpired(long now);
}
