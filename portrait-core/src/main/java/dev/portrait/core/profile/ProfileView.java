package dev.portrait.core.profile;

import dev.portrait.core.identity.AttachedIdentifier;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A profile as the query API shows it. Both runtimes render profiles through {@link #of}, so the embedded
 * server's answers and the Flink job's {@code profiles} topic are the same JSON for the same events.
 *
 * @param profileId  the profile id
 * @param identities identifier type → values ({@code {"user_id": ["u1"], "anonymous_id": ["a1", "a2"]}})
 * @param traits     trait name → {@code {"value": …, "source": …, "updatedAt": ISO time}}
 * @param features   feature name (as in the definition) → value at {@code asOf}
 * @param segments   the segments it is in
 * @param version    events and merges folded in
 * @param updatedAt  the latest event time folded in
 * @param asOf       the time the values were read at (now, or the {@code ?at=} time)
 * @param models     what a runtime's models say of the profile (persona, propensity, bot score), or
 *                   {@code null} when it has none to say (time travel, runtimes without models)
 */
public record ProfileView(String profileId, Map<String, List<String>> identities, Map<String, Map<String, Object>> traits,
                          Map<String, Object> features, List<String> segments, long version, Instant updatedAt,
                          Instant asOf, Map<String, Object> models) {

    /** A profile without model outputs. */
    public ProfileView(String profileId, Map<String, List<String>> identities, Map<String, Map<String, Object>> traits,
                       Map<String, Object> features, List<String> segments, long version, Instant updatedAt,
                       Instant asOf) {
        this(profileId, identities, traits, features, segments, version, updatedAt, asOf, null);
    }

    /**
     * The same view with the saved audiences the runtime counts the profile in after its definition segments
     * (a copy: saved audiences are the runtime's, not the profile's own state).
     */
    public ProfileView withSavedAudiences(List<String> names) {
        if (names.isEmpty()) {
            return this;
        }
        List<String> all = new ArrayList<>(segments);
        all.addAll(names);
        return new ProfileView(profileId, identities, traits, features, List.copyOf(all), version, updatedAt, asOf,
                models);
    }

    /** The same view with the runtime's model outputs attached (a copy; {@link #of} stays a pure function of the profile). */
    public ProfileView withModels(Map<String, Object> models) {
        return new ProfileView(profileId, identities, traits, features, segments, version, updatedAt, asOf,
                models == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models)));
    }

    /**
     * The view a reader allowed only {@code allowed} purposes may see: traits and features tagged with any
     * other purpose left out, and the model outputs too unless the models' purposes are all allowed.
     * Untagged fields serve no particular purpose and stay; so do the {@code consent.*} traits and the
     * segments (a segment is a fact about the person the definition chose to publish).
     */
    public ProfileView onlyFor(java.util.Set<String> allowed, dev.portrait.core.definition.Purposes purposes) {
        Map<String, Map<String, Object>> t = new LinkedHashMap<>();
        traits.forEach((name, v) -> {
            if (allowed.containsAll(purposes.traits().getOrDefault(name, java.util.Set.of()))) {
                t.put(name, v);
            }
        });
        Map<String, Object> f = new LinkedHashMap<>();
        features.forEach((name, v) -> {
            if (allowed.containsAll(purposes.features().getOrDefault(name, java.util.Set.of()))) {
                f.put(name, v);
            }
        });
        return new ProfileView(profileId, identities, t, f, segments, version, updatedAt, asOf,
                allowed.containsAll(purposes.models()) ? models : null);
    }

    /**
     * Reads {@code p} at {@code now} (windows expire and decays apply as of then).
     *
     * @param attached the identifiers attached to the profile, in the identity store's order
     */
    public static ProfileView of(Profile p, List<AttachedIdentifier> attached, ProfileUpdater updater, long now) {
        Map<String, List<String>> identities = new TreeMap<>();
        for (AttachedIdentifier a : attached) {
            identities.computeIfAbsent(a.identifier().type(), k -> new ArrayList<>()).add(a.identifier().value());
        }
        Map<String, Map<String, Object>> traits = new LinkedHashMap<>();
        for (Map.Entry<String, TraitValue> t : p.traits().entrySet()) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("value", t.getValue().value());
            v.put("source", t.getValue().source());
            v.put("updatedAt", Instant.ofEpochMilli(t.getValue().time()).toString());
            traits.put(t.getKey(), v);
        }
        return new ProfileView(p.profileId(), identities, traits, updater.featureValues(p, now), updater.segmentNames(p),
                p.version(), p.clock() == Long.MIN_VALUE ? null : Instant.ofEpochMilli(p.clock()), Instant.ofEpochMilli(now));
    }

    /** The profile's JSON answer, fields in the documented order (the HTTP API and the CLI print this). */
    public Map<String, Object> toJson() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("profileId", profileId);
        body.put("identities", identities);
        body.put("traits", traits);
        body.put("features", features);
        body.put("segments", segments);
        body.put("version", version);
        body.put("updatedAt", updatedAt);
        body.put("asOf", asOf);
        if (models != null) {
            body.put("models", models);
        }
        return body;
    }
}
