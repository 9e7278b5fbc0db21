package dev.portrait.core.definition;

/** What cleaning does with a track event whose name the definition does not declare. */
public enum UnknownEventPolicy {
    /** Keep it: it reaches features that fold every event (first/last seen, sessions). */
    ACCEPT,
    /** Quarantine it with {@code unknown_event}. */
    REJECT
}
