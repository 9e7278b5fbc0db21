package dev.portrait.core.definition;

import java.util.Objects;

/**
 * A declared segment: a CEL condition over {@code traits.*} and {@code features.*}.
 *
 * @param name        the segment name
 * @param when        the CEL expression ({@code features.orders_30d >= 3 && features.revenue_30d > 500.0})
 * @param description what it means, for people
 * @param path        where it was declared ({@code segments[2]})
 */
public record SegmentSpec(String name, String when, String description, String path) {
    public SegmentSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(when, "when");
    }
}
