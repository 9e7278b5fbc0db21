package dev.portrait.server.port;

import java.util.Collection;

/** What the admin API does. */
public interface AdminPort {
    /**
     * Forgets the person holding this identifier: their profile, identities, changelog, and their
     * events in the log made unreadable. Returns false when nobody holds it.
     */
    boolean forget(String idType, String id);

    /**
     * Starts forgetting the person holding this identifier and answers once it is durable: their
     * profile, identities, history and quarantined events deleted, the data keys of every subject their
     * events were sealed under shredded, their identifiers suppressed; a compaction then removes the
     * bytes physically ({@link ForgetStatus#done()}). Returns null when nobody holds it.
     *
     * @param actor who asks (a key id, never the key), for the audit log
     */
    default ForgetStatus startForget(String idType, String id, String actor) {
        if (!forget(idType, id)) {
            return null;
        }
        throw new dev.portrait.core.PortraitException("not_supported", "this runtime forgot the person but keeps no "
                + "forget status", null);
    }

    /** A forget's status, or empty when the id is unknown (statuses are kept until the process stops). */
    default java.util.Optional<ForgetStatus> forgetStatus(String forgetId) {
        throw new dev.portrait.core.PortraitException("not_supported", "this runtime keeps no forget statuses", null);
    }

    /**
     * Lets events carrying this identifier in again after its person was forgotten. Returns false when it
     * was not suppressed.
     */
    default boolean liftSuppression(String idType, String id, String actor) {
        throw new dev.portrait.core.PortraitException("not_supported", "this runtime keeps no suppression list", null);
    }

    /**
     * Makes an online, consistent backup of the data directory into {@code to} (an absolute path on the
     * server's machine, new or empty), without the forget journal. Recorded in the audit log under {@code actor}.
     */
    default BackupCopy backup(java.nio.file.Path to, String actor) {
        throw new dev.portrait.core.PortraitException("not_supported", "this runtime keeps no data directory to back "
                + "up", null);
    }

    /**
     * Saves an audience as a segment people enter and leave as their profiles change; the people who match now
     * become members in a backfill that runs behind ({@link QueryPort#savedAudience} shows it). Saving the same body
     * under a live name again changes nothing. Recorded in the audit log under {@code actor}.
     *
     * @return the audience, and whether it was created (false: already saved with this body)
     * @throws dev.portrait.core.PortraitException {@code segment_exists}, {@code audience_exists} (409),
     *         {@code audience_cycle}, {@code invalid_audience} (400), {@code unknown_segment} (404),
     *         {@code not_supported} (501) in a runtime without saved audiences
     */
    default AudienceSave saveAudience(String name, dev.portrait.core.segment.AudienceSpec spec, String actor) {
        throw new dev.portrait.core.PortraitException("not_supported", "saved audiences need the embedded runtime's "
                + "event log and worker; this runtime keeps none", null);
    }

    /**
     * Deletes a saved audience: its members leave it at once. Recorded in the audit log under {@code actor}.
     *
     * @throws dev.portrait.core.PortraitException {@code unknown_audience} (404), {@code audience_in_use} (409)
     */
    default void deleteAudience(String name, String actor) {
        throw new dev.portrait.core.PortraitException("not_supported", "saved audiences need the embedded runtime's "
                + "event log and worker; this runtime keeps none", null);
    }

    /**
     * Reverses the merge {@code mergeId} (the loser's profile id, as {@link QueryPort#merges} lists it) of the
     * profile holding this identifier: both people become profiles of their own again, each with their own
     * identifiers and events. Only the profile's latest merge. Durable when it returns; recorded in the audit log
     * under {@code actor}. Returns null when nobody holds the identifier.
     *
     * @throws dev.portrait.core.PortraitException {@code merge_not_found} (404), {@code merge_not_latest},
     *         {@code merge_not_reversible} (409), {@code not_supported} (501) in a runtime without the worker
     */
    default ReversedMerge reverseMerge(String idType, String id, String mergeId, String actor) {
        throw new dev.portrait.core.PortraitException("not_supported", "reversing a merge needs the embedded "
                + "runtime's event log and worker; this runtime keeps none", null);
    }

    /** As {@link #quarantine(String, int)}, recorded in the audit log under {@code actor}. */
    default Page<QuarantineView> quarantine(String cursor, int limit, String actor) {
        return quarantine(cursor, limit);
    }

    Page<QuarantineView> quarantine(String cursor, int limit);

    /**
     * Cleans the given quarantined events again (under the current definition) and ingests those that
     * pass; those that still fail stay quarantined. {@code ids} empty means all.
     */
    RedriveReport redrive(Collection<Long> ids);

    /** A saved audience, and whether this call created it (false: the same body was already saved). */
    record AudienceSave(SavedAudienceView audience, boolean created) {
    }

    /** What a redrive did. */
    record RedriveReport(long stored, long duplicates, long stillQuarantined) {
    }
}
