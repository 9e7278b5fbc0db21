package dev.portrait.synth;

import java.time.Instant;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A seeded, endless stream of shop traffic in Segment's format, for tests, benchmarks and demos.
 *
 * <h2>The model</h2>
 *
 * A <em>catalogue</em> of items has Zipf popularity; each item has a category, a brand usually
 * at home in that category, and a log-normal price. A <em>population</em> of persons has Zipf
 * activity; each person has a favourite category (in proportion to category popularity, so that
 * the global item popularity stays Zipf), which for some of them changes once, at a moment in
 * the middle third of the drift window. A fixed number of <em>sessions</em> is open at any time;
 * whichever is due next takes one funnel step (land, search, view, add to cart, check out, pay)
 * and emits one event, then waits a log-normal think time of seconds to minutes, or ends and
 * hands its slot to a new session of a newly drawn person. So the simulated clock only moves
 * forward, and the event rate in simulated time is fixed by the number of sessions over the
 * mean gap (about 120 events a second by default).
 *
 * <p><em>Identity</em> follows real SDKs. Every event of a device carries its anonymousId; some
 * persons browse anonymously for a few sessions and then identify (at the latest when they
 * check out), after which that device's events also carry the userId; others identify at the
 * start of their first session. A second device starts anonymous and is linked later, by
 * {@code identify} or, for some, by a back-end {@code alias} (previousId = that device's
 * anonymousId). Identified devices now and then identify again, and a sixth of persons move to a
 * better plan inside the drift window, so traits change over time.
 *
 * <p><em>Flaws</em> are spliced in by a random generator of their own: a duplicate re-sends one
 * of the last 1,024 well-formed events verbatim, and a malformed event is a well-formed one broken
 * in one labelled way. Because of the separate generator, the well-formed events of a stream do
 * not depend on the flaw rates except where a malformed event replaces one. Timestamps of 1% of
 * events (configurable) run up to a few seconds behind the clock, as late SDK batches do.
 *
 * <h2>Cost</h2>
 *
 * Per-person state is four bytes in flat arrays (identified devices, session counts, open
 * sessions); everything else about a person is a hash of the seed and their index, derived when
 * a session starts. Per-session state is a slot in flat arrays. Nothing grows with the number of
 * events, so the stream can run without end; events are built straight into plain
 * {@code LinkedHashMap}s with shared sub-objects where the values repeat (an app session's whole
 * context, the library objects).
 *
 * <h2>Determinism</h2>
 *
 * All randomness comes from SplitMix64 seeded by the config, floating point goes through
 * {@link StrictMath}, and every JSON object keeps a fixed key order, so one config gives the
 * same JSON values on every run, JVM and platform, and the same bytes from the same JSON
 * writer. (The caveat lies outside: how a writer prints a double. Jackson's default is
 * {@code Double.toString}, whose output JDK 19 changed for some values, so bytes compared across
 * JDK versions may differ in an amount's digits.) Not thread-safe: one stream per thread.
 */
public final class SyntheticStream implements Iterator<SyntheticEvent> {
    private static final int RECENT = 1024;

    private final SyntheticConfig config;
    private final Catalogue catalogue;
    private final Population population;
    private final Funnel funnel;
    private final SeededRandom flaws;
    private final IsoMillis flawTimes = new IsoMillis();
    private final double malformedChance;
    private final SyntheticEvent[] recent = new SyntheticEvent[RECENT];
    private int recentCount;
    private int recentNext;
    private long remaining = Long.MAX_VALUE;
    private long emitted;

    private SyntheticStream(SyntheticConfig config) {
        this.config = config;
        this.catalogue = new Catalogue(config);
        this.population = new Population(config, catalogue);
        this.funnel = new Funnel(config, catalogue, population);
        this.flaws = new SeededRandom(SeededRandom.salt(config.seed(), 13));
        // Duplicates take their share of draws first; scale so that malformed events are
        // malformedRate of all events, not of the rest.
        this.malformedChance = config.malformedRate() / (1 - config.duplicateRate());
    }

    /** An endless stream; bound it with {@link #limit(long)}. */
    public static SyntheticStream of(SyntheticConfig config) {
        return new SyntheticStream(config);
    }

    /** Lets this stream yield at most {@code events} more events; returns this stream. */
    public SyntheticStream limit(long events) {
        if (events < 0) {
            throw new IllegalArgumentException("a limit must not be negative, got " + events);
        }
        remaining = events;
        return this;
    }

    @Override
    public boolean hasNext() {
        return remaining > 0;
    }

    @Override
    public SyntheticEvent next() {
        if (remaining <= 0) {
            throw new NoSuchElementException("the stream's limit was reached after " + emitted + " events");
        }
        remaining--;
        emitted++;
        if (recentCount > 0 && flaws.chance(config.duplicateRate())) {
            SyntheticEvent original = recent[flaws.nextInt(recentCount)];
            return new SyntheticEvent(original.json(), Flaw.DUPLICATE, null, original.personId());
        }
        var json = funnel.next();
        if (flaws.chance(malformedChance)) {
            Malformation malformation = Malformation.pick(json, flaws);
            return new SyntheticEvent(malformation.apply(json, funnel.now(), flaws, flawTimes), Flaw.MALFORMED,
                    malformation, funnel.person());
        }
        SyntheticEvent event = new SyntheticEvent(json, Flaw.NONE, null, funnel.person());
        recent[recentNext] = event;
        recentNext = (recentNext + 1) % RECENT;
        recentCount = Math.min(recentCount + 1, RECENT);
        return event;
    }

    /** The rest of this stream as a sequential {@link Stream} that pulls from this iterator. */
    public Stream<SyntheticEvent> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    public SyntheticConfig config() {
        return config;
    }

    public Catalogue catalogue() {
        return catalogue;
    }

    /** The ground truth about one person of the population. */
    public Persona persona(int index) {
        return population.persona(index);
    }

    /** How many events this stream has yielded. */
    public long emitted() {
        return emitted;
    }

    /**
     * The simulated time of the latest event (before jitter): a {@code now} to read profiles at.
     * Before the first event it is the config's start.
     */
    public Instant clock() {
        return Instant.ofEpochMilli(funnel.now());
    }
}
