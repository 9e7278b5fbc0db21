package dev.portrait.server.port;

import dev.portrait.core.PortraitException;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.core.segment.AudienceSpec;
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

    /**
     * Waits until the reads that follow include everything up to log position {@code position} (the
     * {@code position} of an ingest answer): read-your-writes on request. Reads never wait otherwise.
     * A runtime without log positions has nothing to wait for.
     *
     * @throws PortraitException {@code unavailable} (503) when the position is not reached within a bound
     */
    default void awaitPosition(long position) {
    }

    /**
     * Like {@link #awaitPosition}, for reads that replay a person's history ({@code ?at=}, changes): the
     * history includes the position once it is written back, a little later than it is published.
     */
    default void awaitHistory(long position) {
        awaitPosition(position);
    }

    /**
     * How many people are in the audience now.
     *
     * @throws PortraitException {@code unknown_segment} (404) naming the list entry, {@code invalid_audience}
     *         (400) naming {@code where}
     */
    default AudienceCount countAudience(AudienceSpec spec) {
        throw new PortraitException("not_supported", "this runtime does not count audiences", null);
    }

    /**
     * The audience's members in a stable order, cursor paged, each with its identifiers of the types
     * asked for (none: the profile id only).
     */
    default Page<AudienceMember> audienceMembers(AudienceSpec spec, List<String> identifierTypes, String cursor, int limit) {
        throw new PortraitException("not_supported", "this runtime does not list audiences", null);
    }
}
