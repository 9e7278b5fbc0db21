package dev.portrait.bench;

import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;

import java.util.HashMap;
import java.util.Map;

/**
 * A {@link CleanedStream} taken ahead of time, with each event's person as a dense index, so that a
 * benchmark of the fold measures the fold alone.
 *
 * <p>Attribution is by {@code userId}, else {@code anonymousId}: identity resolution is measured on
 * its own, not here.
 */
final class SyntheticWorkload {
    final Event[] events;
    final int[] person;
    final int people;
    final long generated;
    final long rejected;
    final long duplicates;

    private SyntheticWorkload(Event[] events, int[] person, int people, long generated, long rejected, long duplicates) {
        this.events = events;
        this.person = person;
        this.people = people;
        this.generated = generated;
        this.rejected = rejected;
        this.duplicates = duplicates;
    }

    static SyntheticWorkload generate(ProfileDefinition definition, long seed, int users, int count) {
        CleanedStream stream = new CleanedStream(definition, seed, users);
        Event[] events = new Event[count];
        int[] person = new int[count];
        Map<String, Integer> index = new HashMap<>();
        for (int n = 0; n < count; n++) {
            Event e = stream.next();
            events[n] = e;
            person[n] = index.computeIfAbsent(CleanedStream.person(e), k -> index.size());
        }
        return new SyntheticWorkload(events, person, index.size(), stream.generated, stream.rejected,
                stream.duplicates);
    }
}
