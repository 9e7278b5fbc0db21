package dev.portrait.core.definition;

import java.util.Objects;
import java.util.Set;

/**
 * One entry of a definition's {@code features} list before its kind has read its parameters.
 *
 * @param name   the name the profile shows it under, and the name segments use ({@code features.views_24h})
 * @param kind   the feature kind ({@code window_count}, {@code decayed_scores}, …)
 * @param events the event keys it folds (track event names, or {@code identify}, {@code page}, …);
 *               empty means every event
 * @param params the whole YAML node, for the kind to read its own parameters from
 */
public record FeatureSpec(String name, String kind, Set<String> events, DefinitionNode params) {
    public FeatureSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        events = Set.copyOf(events);
        Objects.requireNonNull(params, "params");
    }

    public String path() {
        return params.path();
    }
}
