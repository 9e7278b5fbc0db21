package dev.portrait.core.definition;

/** How a trait resolves two values for one person. */
public enum ConflictPolicy {
    /** The value with the latest event time wins; ties go to the greater message id. */
    LATEST,
    /** The value with the earliest event time wins and is never replaced by later events. */
    FIRST,
    /**
     * The value from the source highest in the trait's {@code sources} list wins; within one source,
     * the latest. Sources not in the list rank below all listed ones.
     */
    SOURCE_PRIORITY
}
