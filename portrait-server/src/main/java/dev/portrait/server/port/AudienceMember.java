package dev.portrait.server.port;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** A member of an audience: the profile id and the identifiers of the types asked for. */
public record AudienceMember(String profileId, Map<String, List<String>> identifiers) {
    public AudienceMember {
        Objects.requireNonNull(profileId, "profileId");
        identifiers = Map.copyOf(identifiers);
    }
}
