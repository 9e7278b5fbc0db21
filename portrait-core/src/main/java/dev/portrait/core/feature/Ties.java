package dev.portrait.core.feature;

import dev.portrait.core.event.Event;

import java.util.Collection;
import java.util.List;

/**
 * A feature whose state is keyed by other people (the relation kinds: {@code tie_strength},
 * {@code strong_ties}, {@code degree}, {@code reciprocity}). The keys are values of one identifier
 * type, so the engine, which holds the identity port, can tell when two keys have become one person
 * and {@link #unite} their ties; the kinds themselves never see identity.
 */
public interface Ties {
    /** The identifier type that names counterparts ({@code user_id}). */
    String identifierType();

    /** The counterparts this event names (trimmed, each once); empty when it names none. */
    List<String> counterparts(Event event);

    /**
     * Moves the ties to {@code aliases} onto {@code into}, as if every event that named an alias had
     * named {@code into}; returns the state (mutated, like {@code update}). Aliases absent from the
     * state, and {@code into} itself among them, are ignored.
     */
    Object unite(Object state, String into, Collection<String> aliases);
}
