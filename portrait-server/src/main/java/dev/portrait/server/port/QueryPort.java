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

    /**
     * As {@link #profile(String, String, Instant)}; {@code ownWrites} when the caller has waited for its
     * position ({@link #awaitPosition}): then the profile's model section also includes what the models
     * learned from the events up to it. Without it the section is read from the models as last frozen for
     * readers (a fraction of a second behind their learning), so a read never queues behind the models. A
     * runtime whose models are not learned behind a queue reads the same either way.
     */
    default Optional<ProfileView> profile(String idType, String id, Instant at, boolean ownWrites) {
        return profile(idType, id, at);
    }

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

    /**
     * A live saved audience with its backfill's progress; empty when none has the name.
     *
     * @throws PortraitException {@code not_supported} (501) in a runtime without saved audiences
     */
    default Optional<SavedAudienceView> savedAudience(String name) {
        throw new PortraitException("not_supported", "this runtime keeps no saved audiences", null);
    }

    /**
     * The segments (definition segments and saved audiences) the person is in or has left, with when they last
     * entered and left each, from the transitions a replay of their history derives (as {@link #changes}); empty
     * when no profile holds the identifier.
     */
    default Optional<List<SegmentStay>> segmentStays(String idType, String id) {
        throw new PortraitException("not_supported", "this runtime does not replay a person's history", null);
    }

    /** The definition's purposes and the fields each serves, for reads limited to some purposes (consent). */
    default dev.portrait.core.definition.Purposes purposes() {
        return dev.portrait.core.definition.Purposes.NONE;
    }

    /**
     * A numeric feature over the audience now: members with a number for it, and their sum, each value
     * clamped to {@code [lower, upper]} when those are given (both or neither).
     *
     * @throws PortraitException {@code unknown_feature} (400) naming {@code feature}, and as {@link #countAudience}
     */
    default AudienceStatistics audienceStatistics(AudienceSpec spec, String feature, Double lower, Double upper) {
        throw new PortraitException("not_supported", "this runtime does not compute audience statistics", null);
    }

    /**
     * The merges the profile holding this identifier won, oldest first, as written back (at most one write-back
     * interval behind); empty when nobody holds it.
     */
    default Optional<java.util.List<MergeView>> merges(String idType, String id) {
        throw new dev.portrait.core.PortraitException("not_supported", "this runtime keeps no merge log", null);
    }
}
