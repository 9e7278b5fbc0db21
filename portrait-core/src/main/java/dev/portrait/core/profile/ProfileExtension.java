package dev.portrait.core.profile;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

/**
 * State that another part of the engine keeps inside every profile — the models' per-person state —
 * so that it is stored, encrypted, merged and forgotten with the person, while this package stays
 * ignorant of what it is (the model package reads profiles; profiles must not depend on models).
 *
 * @param <S> the state type; mutable, owned by the profile
 */
public interface ProfileExtension<S> {
    /** The state of a new profile. */
    S empty();

    /** A deep copy, for the pure {@code apply}. */
    S copy(S state);

    /** Writes the compact, versioned binary form. */
    void encode(S state, BinaryOut out);

    /** Reads what {@link #encode} wrote. */
    S decode(BinaryIn in);
}
