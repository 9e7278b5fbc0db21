package dev.portrait.core.feature;

import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code rfm}: recency, frequency and monetary value, the classic customer-value triple, as STATS
 * (null before any matching event):
 * <ul>
 *   <li>{@code recency_days}: whole days since the latest matching event (0 while it is in the
 *       future of {@code now});</li>
 *   <li>{@code frequency}: matching events in the window;</li>
 *   <li>{@code monetary}: the sum of {@code property} over them (events without a number add 0 but
 *       still count: an order without revenue is still an order).</li>
 * </ul>
 * Frequency and monetary use {@link TimeTiles} (window e.g. 365d, tile default 1d), so they are exact
 * to the tile like {@code window_count}; recency comes from the latest event ever, which outlives the
 * window. The value changes without events when recency ticks over or a tile leaves the window,
 * whichever comes first.
 */
final class Rfm extends AbstractFeature<Rfm.State> {
    static final FeatureKind KIND = new DeclaredKind("rfm",
            "Recency (days), frequency and monetary value over a window (property:, window:, optional tile:).",
            Rfm::new);

    private static final int VERSION = 1;
    private static final long DAY = 86_400_000L;

    static final class State {
        boolean seen;
        long last;
        TimeTiles.Series tiles;

        State(boolean seen, long last, TimeTiles.Series tiles) {
            this.seen = seen;
            this.last = last;
            this.tiles = tiles;
        }
    }

    private final String property;
    private final TimeTiles tiles;

    private Rfm(FeatureSpec spec) {
        super(spec, "rfm", ValueType.STATS);
        this.property = spec.params().requireString("property");
        this.tiles = TimeTiles.fromParams(spec.params(), window -> Math.min(window, DAY));
    }

    @Override
    public State empty() {
        return new State(false, 0, tiles.emptySeries());
    }

    @Override
    public State update(State state, Event event) {
        long t = event.time();
        double x = event.number(property);
        tiles.add(state.tiles, t, Double.isNaN(x) ? 0.0 : x);
        state.last = state.seen ? Math.max(state.last, t) : t;
        state.seen = true;
        return state;
    }

    @Override
    public State merge(State a, State b) {
        if (!a.seen || !b.seen) {
            return copy(a.seen ? a : b);
        }
        return new State(true, Math.max(a.last, b.last), tiles.merge(a.tiles, b.tiles));
    }

    @Override
    public Object read(State state, long now) {
        if (!state.seen) {
            return null;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("recency_days", (double) recencyDays(state, now));
        out.put("frequency", (double) tiles.countAt(state.tiles, now));
        out.put("monetary", tiles.sumAt(state.tiles, now));
        return Collections.unmodifiableMap(out);
    }

    private static long recencyDays(State state, long now) {
        return Math.max(0, Math.floorDiv(now - state.last, DAY));
    }

    @Override
    public long nextChange(State state, long now) {
        if (!state.seen) {
            return Long.MAX_VALUE;
        }
        long recencyTick = state.last + (recencyDays(state, now) + 1) * DAY;
        return Math.min(recencyTick, tiles.nextChange(state.tiles, now));
    }

    @Override
    public State copy(State state) {
        return new State(state.seen, state.last, state.tiles.copy());
    }

    @Override
    public void encode(State state, BinaryOut out) {
        out.writeByte(VERSION).writeBoolean(state.seen);
        if (state.seen) {
            out.writeSignedVarLong(state.last);
            TimeTiles.encode(state.tiles, out, true, true);
        }
    }

    @Override
    public State decode(BinaryIn in) {
        in.expectVersion("rfm", VERSION);
        if (!in.readBoolean()) {
            return empty();
        }
        long last = in.readSignedVarLong();
        return new State(true, last, TimeTiles.decode(in, true, true));
    }
}
