package dev.portrait.server.port;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A profile as the query API shows it.
 *
 * @param profileId  the profile id
 * @param identities identifier type → values ({@code {"user_id": ["u1"], "anonymous_id": ["a1", "a2"]}})
 * @param traits     trait name → {@code {"value": …, "source": …, "updatedAt": ISO time}}
 * @param features   feature name (as in the definition) → value at {@code asOf}
 * @param segments   the segments it is in
 * @param version    events and merges folded in
 * @param updatedAt  the latest event time folded in
 * @param asOf       the time the values were read at (now, or the {@code ?at=} time)
 */
public record ProfileView(String profileId, Map<String, List<String>> identities, Map<String, Map<String, Object>> traits,
                          Map<String, Object> features, List<String> segments, long version, Instant updatedAt,
                          Instant asOf) {

    /** The profile's JSON answer, fields in the documented order (the HTTP API and the CLI print this). */
    public java.util.Map<String, Object> toJson() {
        java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("profileId", profileId);
        body.put("identities", identities);
        body.put("traits", traits);
        body.put("features", features);
        body.put("segments", segments);
        body.put("version", version);
        body.put("updatedAt", updatedAt);
        body.put("asOf", asOf);
        return body;
    }
}
