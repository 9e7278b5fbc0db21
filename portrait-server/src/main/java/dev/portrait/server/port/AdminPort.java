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

    /** What a redrive did. */
    record RedriveReport(long stored, long duplicates, long stillQuarantined) {
    }
}
