package dev.portrait.core.definition;

import java.util.Map;
import java.util.Objects;

/**
 * A declared event: its key (a track event name, or {@code identify}, {@code page}, …) and its
 * properties. Properties that are not declared are allowed and kept (subject to the size limits).
 */
public record EventSpec(String key, Map<String, PropertySpec> properties, String path) {
    public EventSpec {
        Objects.requireNonNull(key, "key");
        properties = Map.copyOf(properties);
    }
}
