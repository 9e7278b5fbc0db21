package dev.portrait.server.port;

import dev.portrait.core.profile.ProfileView;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What the query API reads. Identifier types are the definition's, plus {@code profile_id}. */
public interface QueryPort {
    /**
     * The profile that holds this identifier; {@code at} null means now, otherwise the profile as it
     * was at that time (rebuilt from the event log up to it).
     *
     * @throws dev.portrait.core.PortraitException {@code unknown_identifier_type} (400) for a type the
     *         definition does not have
     */
    Optional<ProfileView> profile(String idType, String id, Instant at);

    /** The profile's changelog, newest first; empty when no profile holds the identifier. */
    Optional<Page<ChangeView>> changes(String idType, String id, String cursor, int limit);

    List<SegmentSummary> segments();

    /**
     * Profile ids in a segment, cursor paged.
     *
     * @throws dev.portrait.core.PortraitException {@code unknown_segment} (404)
     */
    Page<String> segmentMembers(String segment, String cursor, int limit);
}
