package dev.portrait.server.runtime.read;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.server.port.IdentifierTypes;
import dev.portrait.server.runtime.worker.PublishedState;
import dev.portrait.store.PortraitStore;

import java.util.List;

/**
 * Profiles and identities as readers see them: what the worker published since the last committed
 * write-back ({@link PublishedState}), over the store for everything else. Runs on the caller's thread,
 * never asks the worker, never waits for folding, unless the caller passes a log position it must see
 * ({@link #awaitPosition}).
 *
 * <p>The profile's identifiers come with its published bytes; for a profile read from the store they
 * are read from the store's identity index, which may already hold an identifier attached in the batch
 * being folded (the profile's bytes never are ahead: they are either published or committed).
 */
public final class PublishedProfiles {
    /** How long a read carrying a position waits for it to be published before answering 503. */
    public static final long POSITION_WAIT_MILLIS = 5_000;

    private final ProfileDefinition definition;
    private final PublishedState published;
    private final PortraitStore store;
    private final ProfileCodec codec;

    /** A profile read for one request: a private copy, the caller may use it as it likes. */
    public record Found(String profileId, Profile profile, List<AttachedIdentifier> identifiers) {
    }

    public PublishedProfiles(ProfileDefinition definition, PublishedState published, PortraitStore store, ProfileCodec codec) {
        this.definition = definition;
        this.published = published;
        this.store = store;
        this.codec = codec;
    }

    /**
     * Waits until everything up to log position {@code position} is published, at most
     * {@link #POSITION_WAIT_MILLIS}.
     *
     * @throws PortraitException {@code unavailable} when it is not reached in time
     */
    public void awaitPosition(long position) {
        try {
            if (!published.awaitPosition(position, POSITION_WAIT_MILLIS)) {
                throw new PortraitException("unavailable", "log position " + position + " is not yet folded into the "
                        + "profiles read here (published up to " + published.position() + " after waiting "
                        + POSITION_WAIT_MILLIS + " ms); retry, or read without the position", "position");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortraitException("unavailable", "interrupted while waiting for log position " + position, "position", e);
        }
    }

    /** The log position the published profiles include. */
    public long position() {
        return published.position();
    }

    /**
     * The id of the profile holding the identifier, or null.
     *
     * @throws PortraitException {@code unknown_identifier_type} for a type the definition does not have
     */
    public String profileIdOf(String idType, String id) {
        IdentifierTypes.requireKnown(definition, idType);
        if (IdentifierTypes.PROFILE_ID.equals(idType)) {
            return id;
        }
        Identifier identifier = new Identifier(idType, id);
        PublishedState.PublishedOwner owner = published.owner(identifier);
        if (owner != null) {
            return owner.profileId();
        }
        return store.identities().profileOf(identifier).orElse(null);
    }

    /** The profile holding the identifier, decoded for this caller; null when there is none. */
    public Found find(String idType, String id) {
        String pid = profileIdOf(idType, id);
        return pid == null ? null : byProfileId(pid, true);
    }

    /** The profile by its id, with its identifiers when asked; null when there is none. */
    public Found byProfileId(String profileId, boolean withIdentifiers) {
        PublishedState.PublishedProfile p = published.profile(profileId);
        if (p != null) {
            return p.deleted() ? null : new Found(profileId, codec.decode(p.bytes()), p.identifiers());
        }
        byte[] bytes = store.profiles().get(profileId);
        if (bytes == null) {
            return null;
        }
        return new Found(profileId, codec.decode(bytes),
                withIdentifiers ? store.identities().identifiersOf(profileId) : List.of());
    }
}
