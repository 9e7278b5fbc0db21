package dev.portrait.store;

import dev.portrait.core.identity.Identifier;

/**
 * The identifiers of people who were forgotten, so that their next event does not silently bring them
 * back: ingest quarantines an event that carries one as {@code suppressed} until an admin lifts it.
 *
 * <p>Only keyed hashes are kept (the store's hashing keyset over the normalised {@code type:value}:
 * trimmed, lower-cased), never an identifier in clear; the list can answer "is this one suppressed?"
 * but cannot be read back as a list of people. Normalising makes {@code Ada@Example.com} and
 * {@code ada@example.com} one entry: a forgotten person is not recreated by a change of case.
 *
 * <p>Thread-safe; {@link #suppressed} is an in-memory look-up (the list is loaded at open).
 */
public interface Suppressions {
    /** Whether events carrying this identifier are held back. Cheap: one keyed hash, one set look-up. */
    boolean suppressed(Identifier identifier);

    /** Lifts the suppression of an identifier, durably. Returns false when it was not suppressed. */
    boolean lift(Identifier identifier);

    /** How many identifiers are suppressed. */
    int size();
}
