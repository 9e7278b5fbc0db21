package dev.portrait.server.runtime.worker;

import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.IdentityStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The profile worker's read-through, write-through cache over the store's identities.
 *
 * <p>Identity resolution reads an identifier's owner and a profile's identifiers (for the caps) on
 * every event; from RocksDB each read is a keyed hash, a lookup and a decryption, which made
 * resolution most of the worker's time. The worker is the only writer of identities, so a cache
 * in front of the store is always coherent: every write goes through here and updates both. Absent
 * owners are cached too (most identifiers of a new event belong to nobody yet). Both maps are LRU
 * bounded; {@link #clear()} drops everything (after a forget, which deletes below the cache).
 */
final class CachedIdentities implements IdentityStore {
    private static final Comparator<AttachedIdentifier> ORDER = Comparator.comparingLong(AttachedIdentifier::attachedAt)
            .thenComparing(AttachedIdentifier::identifier);

    private record ProfileEntry(long createdAt, List<AttachedIdentifier> identifiers) {
    }

    private final IdentityStore store;
    private final Map<Identifier, Optional<String>> owners;
    private final Map<String, ProfileEntry> profiles;

    private final Publisher publisher;

    CachedIdentities(IdentityStore store, int maxIdentifiers, int maxProfiles, Publisher publisher) {
        this.store = store;
        this.publisher = publisher;
        this.owners = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Identifier, Optional<String>> eldest) {
                return size() > maxIdentifiers;
            }
        };
        this.profiles = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ProfileEntry> eldest) {
                return size() > maxProfiles;
            }
        };
    }

    void clear() {
        owners.clear();
        profiles.clear();
    }

    @Override
    public Optional<String> profileOf(Identifier identifier) {
        Optional<String> owner = owners.get(identifier);
        if (owner == null) {
            owner = store.profileOf(identifier);
            owners.put(identifier, owner);
        }
        return owner;
    }

    private ProfileEntry entry(String profileId) {
        ProfileEntry e = profiles.get(profileId);
        if (e == null) {
            OptionalLong created = store.createdAt(profileId);
            if (created.isEmpty()) {
                return null;
            }
            e = new ProfileEntry(created.getAsLong(), new ArrayList<>(store.identifiersOf(profileId)));
            profiles.put(profileId, e);
        }
        return e;
    }

    @Override
    public List<AttachedIdentifier> identifiersOf(String profileId) {
        ProfileEntry e = entry(profileId);
        return e == null ? List.of() : List.copyOf(e.identifiers());
    }

    @Override
    public OptionalLong createdAt(String profileId) {
        ProfileEntry e = entry(profileId);
        return e == null ? OptionalLong.empty() : OptionalLong.of(e.createdAt());
    }

    @Override
    public void createProfile(String profileId, long createdAt) {
        store.createProfile(profileId, createdAt);
        profiles.put(profileId, new ProfileEntry(createdAt, new ArrayList<>()));
    }

    @Override
    public void deleteProfile(String profileId) {
        store.deleteProfile(profileId);
        profiles.remove(profileId);
    }

    @Override
    public void attach(String profileId, Identifier identifier, long attachedAt) {
        publisher.identifierChanging(identifier, profileOf(identifier));
        store.attach(profileId, identifier, attachedAt);
        owners.put(identifier, Optional.of(profileId));
        ProfileEntry e = profiles.get(profileId);
        if (e != null) {
            e.identifiers().add(new AttachedIdentifier(identifier, attachedAt));
            e.identifiers().sort(ORDER);
        }
    }

    @Override
    public void detach(String profileId, Identifier identifier) {
        publisher.identifierChanging(identifier, profileOf(identifier));
        store.detach(profileId, identifier);
        owners.put(identifier, Optional.empty());
        ProfileEntry e = profiles.get(profileId);
        if (e != null) {
            e.identifiers().removeIf(a -> a.identifier().equals(identifier));
        }
    }
}
