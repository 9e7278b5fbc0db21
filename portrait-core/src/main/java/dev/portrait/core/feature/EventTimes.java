package dev.portrait.core.feature;

import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

/**
 * {@code first_seen}, {@code last_seen} and {@code time_since}: the earliest or latest matching event
 * time, and how many whole units ({@code unit: 1d}) have passed since it at {@code now}. All three
 * keep one time, folded with min or max, so they are order-free and merge exactly.
 *
 * <p>{@code time_since} is {@code floor((now - t) / unit)}, and 0 while {@code now} is before
 * {@code t} (an event stamped in the future by a skewed clock is not "minus one day ago").
 */
final class EventTimes extends AbstractFeature<EventTimes.State> {
    static final FeatureKind FIRST_SEEN = new DeclaredKind("first_seen",
            "The time of the earliest matching event.", spec -> new EventTimes(spec, "first_seen", Anchor.FIRST, 0));
    static final FeatureKind LAST_SEEN = new DeclaredKind("last_seen",
            "The time of the latest matching event.", spec -> new EventTimes(spec, "last_seen", Anchor.LAST, 0));
    static final FeatureKind TIME_SINCE = new DeclaredKind("time_since",
            "Whole units (unit: 1d) since the first or last (of:) matching event.", EventTimes::timeSince);

    private static final int VERSION = 1;
    private static final long DAY = 86_400_000L;

    enum Anchor { LAST, FIRST }

    static final class State {
        boolean seen;
        long time;

        State(boolean seen, long time) {
            this.seen = seen;
            this.time = time;
        }
    }

    private final Anchor anchor;
    /** The unit of time_since in ms, or 0 for first_seen / last_seen. */
    private final long unit;

    private EventTimes(FeatureSpec spec, String kind, Anchor anchor, long unit) {
        super(spec, kind, unit == 0 ? ValueType.TIMESTAMP : ValueType.INT);
        this.anchor = anchor;
        this.unit = unit;
    }

    private static EventTimes timeSince(FeatureSpec spec) {
        Anchor of = spec.params().optEnum("of", Anchor.class, Anchor.LAST);
        long unit = spec.params().optDuration("unit", java.time.Duration.ofMillis(DAY)).toMillis();
        return new EventTimes(spec, "time_since", of, unit);
    }

    private long pick(long x, long y) {
        return anchor == Anchor.FIRST ? Math.min(x, y) : Math.max(x, y);
    }

    @Override
    public State empty() {
        return new State(false, 0);
    }

    @Override
    public State update(State state, Event event) {
        long t = event.time();
        state.time = state.seen ? pick(state.time, t) : t;
        state.seen = true;
        return state;
    }

    @Override
    public State merge(State a, State b) {
        if (!a.seen || !b.seen) {
            return copy(a.seen ? a : b);
        }
        return new State(true, pick(a.time, b.time));
    }

    @Override
    public Object read(State state, long now) {
        if (!state.seen) {
            return null;
        }
        return unit == 0 ? (Object) state.time : (Object) Math.max(0, Math.floorDiv(now - state.time, unit));
    }

    @Override
    public long nextChange(State state, long now) {
        if (!state.seen || unit == 0) {
            return Long.MAX_VALUE;
        }
        long elapsed = Math.max(0, Math.floorDiv(now - state.time, unit));
        long next = state.time + (elapsed + 1) * unit;
        return next > now ? next : Long.MAX_VALUE;
    }

    @Override
    public State copy(State state) {
        return new State(state.seen, state.time);
    }

    @Override
    public void encode(State state, BinaryOut out) {
        out.writeByte(VERSION).writeBoolean(state.seen);
        if (state.seen) {
            out.writeSignedVarLong(state.time);
        }
    }

    @Override
    public State decode(BinaryIn in) {
        in.expectVersion(kind(), VERSION);
        return in.readBoolean() ? new State(true, in.readSignedVarLong()) : empty();
    }
}
