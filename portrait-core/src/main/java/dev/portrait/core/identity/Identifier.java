package dev.portrait.core.identity;

import java.util.Comparator;

/**
 * One value that names a person, of one type: {@code user_id:42}, {@code email:ada@example.com}.
 * Values are compared exactly (the graph trims them when it reads them from an event; any further
 * normalisation, such as lower-casing emails, is the cleaner's job).
 *
 * @param type  the identifier type, as declared by an {@link dev.portrait.core.definition.IdentityRule}
 * @param value the value, never blank
 */
public record Identifier(String type, String value) implements Comparable<Identifier> {
    private static final Comparator<Identifier> ORDER =
            Comparator.comparing(Identifier::type).thenComparing(Identifier::value);

    public Identifier {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("identifier type must not be empty, got "
                    + (type == null ? "null" : "\"" + type + "\""));
        }
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("identifier of type " + type + " must have a value, got "
                    + (value == null ? "null" : "\"" + value + "\""));
        }
    }

    /** By type, then value; the order every deterministic choice in the graph falls back on. */
    @Override
    public int compareTo(Identifier other) {
        return ORDER.compare(this, other);
    }
}
