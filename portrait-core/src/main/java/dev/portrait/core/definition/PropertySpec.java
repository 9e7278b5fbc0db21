package dev.portrait.core.definition;

import java.util.Objects;

/**
 * A declared property of an event.
 *
 * @param name     the property name
 * @param type     the JSON type it must have
 * @param required whether an event without it is rejected
 * @param min      the smallest number allowed, or {@code null}
 * @param max      the largest number allowed, or {@code null}
 * @param pii      whether the value identifies a person; such values are removed by cleaning
 *                 unless {@code keep} says otherwise
 * @param keep     for a {@code pii} property: keep it anyway (the definition needs it)
 * @param path     where it was declared, for error messages
 */
public record PropertySpec(String name, PropertyType type, boolean required, Double min, Double max,
                           boolean pii, boolean keep, String path) {
    public PropertySpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (min != null && max != null && min > max) {
            throw new DefinitionException(path, "min " + min + " is greater than max " + max);
        }
    }
}
