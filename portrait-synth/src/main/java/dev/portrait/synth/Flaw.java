package dev.portrait.synth;

/** What is wrong with a synthetic event on purpose, so tests know what the cleaner should do. */
public enum Flaw {
    /** A well-formed event, sent once. */
    NONE,
    /** An earlier well-formed event sent again verbatim, with the same messageId: a client retry. */
    DUPLICATE,
    /** An event broken in the way its {@link Malformation} says; the cleaner should quarantine it. */
    MALFORMED
}
