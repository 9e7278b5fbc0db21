package dev.portrait.server.port;

import java.util.Collection;

/** What the admin API does. */
public interface AdminPort {
    /**
     * Forgets the person holding this identifier: their profile, identities, changelog, and their
     * events in the log made unreadable. Returns false when nobody holds it.
     */
    boolean forget(String idType, String id);

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
