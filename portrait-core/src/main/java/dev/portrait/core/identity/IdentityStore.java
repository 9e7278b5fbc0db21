package dev.portrait.core.identity;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the identity graph keeps its state: two keyed indexes (identifier → profile id, profile id →
 * its identifiers) and one record per profile (its creation time). Runtimes implement it on RocksDB
 * and on Flink state; {@link InMemoryIdentityStore} is the reference.
 *
 * <p>The {@link IdentityGraph} is the only writer and keeps both indexes consistent: it never
 * attaches an identifier that another profile holds, never attaches to or deletes a profile that does
 * not exist, and detaches every identifier of a profile before deleting it. Implementations may check
 * these preconditions (the in-memory store does, and throws {@link IllegalStateException}) but need
 * not pay a read for them.
 *
 * <p>Nothing in the graph depends on the order in which a store lists identifiers, so stores are free
 * to return them in their natural key order.
 */
public interface IdentityStore {
    /** The profile that holds this identifier, if any. */
    Optional<String> profileOf(Identifier identifier);

    /** The identifiers a profile holds, with the time each was attached; empty for an unknown profile. */
    List<AttachedIdentifier> identifiersOf(String profileId);

    /** When the profile was created (event time, epoch ms); empty when no such profile exists. */
    OptionalLong createdAt(String profileId);

    /** Whether a profile record with this id exists. */
    default boolean exists(String profileId) {
        return createdAt(profileId).isPresent();
    }

    /** Creates an empty profile record. */
    void createProfile(String profileId, long createdAt);

    /** Deletes a profile record that holds no identifiers any more. */
    void deleteProfile(String profileId);

    /** Gives an identifier that no profile holds to this profile. */
    void attach(String profileId, Identifier identifier, long attachedAt);

    /** Takes an identifier away from the profile that holds it. */
    void detach(String profileId, Identifier identifier);
}
