package dev.portrait.bench;

import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.synth.SyntheticSocial;

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

    /**
     * {@code count} events of the social stream ({@link SyntheticSocial}) among {@code people}, cleaned
     * under {@code definition} (the shipped social one); as many days as that takes, about 11 events per
     * person per day.
     */
    static SyntheticWorkload social(ProfileDefinition definition, long seed, int people, int count) {
        int days = (int) Math.min(3650, (long) count / (10L * people) + 2);
        SyntheticSocial stream = SyntheticSocial.of(SyntheticSocial.Shape.defaults(seed)
                .withPeople(people, Math.max(1, Math.min(people / 100, people / 2))).withDays(days));
        Cleaner cleaner = new Cleaner(definition);
        Event[] events = new Event[count];
        int[] person = new int[count];
        Map<String, Integer> index = new HashMap<>();
        long generated = 0;
        long rejected = 0;
        int n = 0;
        while (n < count && stream.hasNext()) {
            generated++;
            CleanResult r = cleaner.clean(stream.next().json(), stream.clock());
            if (!(r instanceof CleanResult.Accepted accepted)) {
                rejected++;
                continue;
            }
            events[n] = accepted.event();
            person[n] = index.computeIfAbsent(CleanedStream.person(events[n]), k -> index.size());
            n++;
        }
        if (n < count) {
            throw new IllegalStateException("the social stream of " + people + " people over " + days
                    + " days ended after " + n + " events, short of " + count);
        }
        return new SyntheticWorkload(events, person, index.size(), generated, rejected, 0);
    }
}
