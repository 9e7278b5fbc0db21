package dev.portrait.core.identity;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A second, deliberately unhelpful store: hash maps, identifiers listed newest attachment first. The
 * graph must give the same answers over it as over {@link InMemoryIdentityStore}.
 */
final class ScrambledIdentityStore implements IdentityStore {
    private final Map<Identifier, String> owners = new HashMap<>();
    private final Map<String, Long> created = new HashMap<>();
    private final Map<String, LinkedHashMap<Identifier, Long>> identifiers = new HashMap<>();

    @Override
    public Optional<String> profileOf(Identifier identifier) {
        return Optional.ofNullable(owners.get(identifier));
    }

    @Override
    public List<AttachedIdentifier> identifiersOf(String profileId) {
        List<AttachedIdentifier> out = new ArrayList<>();
        identifiers.getOrDefault(profileId, new LinkedHashMap<>()).forEach((i, t) -> out.add(new AttachedIdentifier(i, t)));
        Collections.reverse(out);
        return out;
    }

    @Override
    public OptionalLong createdAt(String profileId) {
        Long t = created.get(profileId);
        return t == null ? OptionalLong.empty() : OptionalLong.of(t);
    }

    @Override
    public void createProfile(String profileId, long createdAt) {
        created.put(profileId, createdAt);
        identifiers.put(profileId, new LinkedHashMap<>());
    }

    @Override
    public void deleteProfile(String profileId) {
        created.remove(profileId);
        identifiers.remove(profileId);
    }

    @Override
    public void attach(String profileId, Identifier identifier, long attachedAt) {
        owners.put(identifier, profileId);
        identifiers.get(profileId).put(identifier, attachedAt);
    }

    @Override
    public void detach(String profileId, Identifier identifier) {
        owners.remove(identifier);
        identifiers.get(profileId).remove(identifier);
    }

    List<String> profileIds() {
        return created.keySet().stream().sorted().toList();
    }
}
