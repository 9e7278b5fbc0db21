package dev.portrait.core.definition;

/** The type of a trait's value. */
public enum TraitType {
    /** {@code String}. */
    STRING,
    /** {@code Double}. */
    NUMBER,
    /** {@code Long}. */
    INTEGER,
    /** {@code Boolean}. */
    BOOLEAN
}
