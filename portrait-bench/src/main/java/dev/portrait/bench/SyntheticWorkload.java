package dev.portrait.bench;

import dev.portrait.core.clean.BoundedDeduplicator;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.synth.SyntheticConfig;
import dev.portrait.core.synth.SyntheticStream;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A synthetic stream, cleaned and deduplicated ahead of time, with each event's person as a dense
 * index, so that a benchmark of the fold measures the fold alone. Malformed events are rejected by
 * the real {@link Cleaner} and duplicates by a real {@link BoundedDeduplicator}, as a runtime would.
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
        Cleaner cleaner = new Cleaner(definition);
        BoundedDeduplicator dedup = new BoundedDeduplicator(4_000_000, Duration.ofDays(7));
        SyntheticStream stream = SyntheticStream.of(SyntheticConfig.defaults(seed).withUsers(users));
        Event[] events = new Event[count];
        int[] person = new int[count];
        Map<String, Integer> index = new HashMap<>();
        long generated = 0;
        long rejected = 0;
        long duplicates = 0;
        int n = 0;
        while (n < count) {
            generated++;
            CleanResult r = cleaner.clean(stream.next().json(), null);
            if (!(r instanceof CleanResult.Accepted accepted)) {
                rejected++;
                continue;
            }
            Event e = accepted.event();
            if (!dedup.firstSeen(e.messageId(), e.time())) {
                duplicates++;
                continue;
            }
            String who = e.userId() != null ? e.userId() : e.anonymousId();
            Integer i = index.get(who);
            if (i == null) {
                i = index.size();
                index.put(who, i);
            }
            events[n] = e;
            person[n] = i;
            n++;
        }
        return new SyntheticWorkload(events, person, index.size(), generated, rejected, duplicates);
    }
}
