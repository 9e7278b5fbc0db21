package dev.portrait.core.identity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The reference {@link IdentityStore}: two maps, strict about the store's preconditions so that a
 * bug in the graph fails loudly here rather than corrupting a durable store later. Profiles iterate by
 * id and a profile's identifiers by attachment time, then identifier. Not thread-safe, like the graph.
 */
public final class InMemoryIdentityStore implements IdentityStore {
    private final Map<Identifier, String> owners = new HashMap<>();
    private final TreeMap<String, ProfileRecord> profiles = new TreeMap<>();

    private static final class ProfileRecord {
        final long createdAt;
        final TreeMap<Identifier, Long> identifiers = new TreeMap<>();

        ProfileRecord(long createdAt) {
            this.createdAt = createdAt;
        }
    }

    @Override
    public Optional<String> profileOf(Identifier identifier) {
        return Optional.ofNullable(owners.get(Objects.requireNonNull(identifier, "identifier")));
    }

    @Override
    public List<AttachedIdentifier> identifiersOf(String profileId) {
        ProfileRecord p = profiles.get(profileId);
        if (p == null) {
            return List.of();
        }
        List<AttachedIdentifier> out = new ArrayList<>(p.identifiers.size());
        p.identifiers.forEach((id, at) -> out.add(new AttachedIdentifier(id, at)));
        out.sort(AttachedIdentifier.ORDER);
        return List.copyOf(out);
    }

    @Override
    public OptionalLong createdAt(String profileId) {
        ProfileRecord p = profiles.get(profileId);
        return p == null ? OptionalLong.empty() : OptionalLong.of(p.createdAt);
    }

    @Override
    public void createProfile(String profileId, long createdAt) {
        requireProfileId(profileId);
        if (profiles.containsKey(profileId)) {
            throw new IllegalStateException("profile " + profileId + " already exists");
        }
        profiles.put(profileId, new ProfileRecord(createdAt));
    }

    @Override
    public void deleteProfile(String profileId) {
        ProfileRecord p = existing(profileId);
        if (!p.identifiers.isEmpty()) {
            throw new IllegalStateException("profile " + profileId + " still holds " + p.identifiers.size()
                    + " identifiers; detach them before deleting it");
        }
        profiles.remove(profileId);
    }

    @Override
    public void attach(String profileId, Identifier identifier, long attachedAt) {
        Objects.requireNonNull(identifier, "identifier");
        ProfileRecord p = existing(profileId);
        String owner = owners.get(identifier);
        if (owner != null) {
            throw new IllegalStateException("identifier of type " + identifier.type() + " is held by profile "
                    + owner + ", cannot attach it to " + profileId);
        }
        owners.put(identifier, profileId);
        p.identifiers.put(identifier, attachedAt);
    }

    @Override
    public void detach(String profileId, Identifier identifier) {
        Objects.requireNonNull(identifier, "identifier");
        ProfileRecord p = existing(profileId);
        if (!profileId.equals(owners.get(identifier))) {
            throw new IllegalStateException("profile " + profileId + " does not hold the " + identifier.type()
                    + " identifier it was asked to detach");
        }
        owners.remove(identifier);
        p.identifiers.remove(identifier);
    }

    /** Every profile id, in order; for snapshots, tests and tools. */
    public List<String> profileIds() {
        return List.copyOf(profiles.keySet());
    }

    private ProfileRecord existing(String profileId) {
        requireProfileId(profileId);
        ProfileRecord p = profiles.get(profileId);
        if (p == null) {
            throw new IllegalStateException("no profile " + profileId);
        }
        return p;
    }

    private static void requireProfileId(String profileId) {
        if (profileId == null || profileId.isEmpty()) {
            throw new IllegalArgumentException("profile id must not be empty, got "
                    + (profileId == null ? "null" : "\"\""));
        }
    }
}
