package dev.portrait.bench;

import dev.portrait.core.clean.BoundedDeduplicator;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.synth.SyntheticConfig;
import dev.portrait.synth.SyntheticStream;

import java.time.Duration;

/**
 * The synthetic stream as a runtime would fold it: cleaned by the real {@link Cleaner} (with the
 * stream's simulated clock as receive time) and deduplicated by a real {@link BoundedDeduplicator};
 * rejected events and duplicates are counted, not folded.
 */
final class CleanedStream {
    private final Cleaner cleaner;
    private final BoundedDeduplicator dedup = new BoundedDeduplicator(4_000_000, Duration.ofDays(7));
    private final SyntheticStream stream;
    long generated;
    long rejected;
    long duplicates;

    CleanedStream(ProfileDefinition definition, long seed, int users) {
        this.cleaner = new Cleaner(definition);
        this.stream = SyntheticStream.of(SyntheticConfig.defaults(seed).withUsers(users));
    }

    /** The next event to fold. */
    Event next() {
        while (true) {
            generated++;
            CleanResult r = cleaner.clean(stream.next().json(), stream.clock());
            if (!(r instanceof CleanResult.Accepted accepted)) {
                rejected++;
                continue;
            }
            Event e = accepted.event();
            if (dedup.firstSeen(e.messageId(), e.time())) {
                return e;
            }
            duplicates++;
        }
    }

    /** Who an event belongs to without identity resolution: its userId, else its anonymousId. */
    static String person(Event e) {
        return e.userId() != null ? e.userId() : e.anonymousId();
    }
}
