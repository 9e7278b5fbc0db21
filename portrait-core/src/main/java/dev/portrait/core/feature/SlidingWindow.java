package dev.portrait.core.feature;

import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

/**
 * {@code window_count} and {@code window_sum}: matching events, or the sum of a numeric property,
 * over a sliding window such as the last 24 hours. Exact to the tile; {@link TimeTiles} says
 * precisely what that means and how memory stays bounded.
 */
final class SlidingWindow extends AbstractFeature<TimeTiles.Series> {
    static final FeatureKind COUNT = new DeclaredKind("window_count",
            "The number of matching events in a sliding window (window: 24h, optional tile:).",
            spec -> new SlidingWindow(spec, false));
    static final FeatureKind SUM = new DeclaredKind("window_sum",
            "The sum of a numeric property over a sliding window (window: 24h, property:, optional tile:).",
            spec -> new SlidingWindow(spec, true));

    private static final int VERSION = 1;

    private final boolean summing;
    private final String property;
    private final TimeTiles tiles;

    private SlidingWindow(FeatureSpec spec, boolean summing) {
        super(spec, summing ? "window_sum" : "window_count", summing ? ValueType.DOUBLE : ValueType.INT);
        this.summing = summing;
        this.property = summing ? spec.params().requireString("property") : null;
        this.tiles = TimeTiles.fromParams(spec.params(), TimeTiles::defaultTile);
    }

    TimeTiles tiles() {
        return tiles;
    }

    @Override
    public TimeTiles.Series empty() {
        return tiles.emptySeries();
    }

    @Override
    public TimeTiles.Series update(TimeTiles.Series state, Event event) {
        if (!summing) {
            tiles.add(state, event.time(), 0.0);
            return state;
        }
        double x = event.number(property);
        if (!Double.isNaN(x)) {
            tiles.add(state, event.time(), x);
        }
        return state;
    }

    @Override
    public TimeTiles.Series merge(TimeTiles.Series a, TimeTiles.Series b) {
        return tiles.merge(a, b);
    }

    @Override
    public Object read(TimeTiles.Series state, long now) {
        return summing ? (Object) tiles.sumAt(state, now) : (Object) tiles.countAt(state, now);
    }

    /** A tile of a window_sum whose values cancel to zero still reports its boundary: a harmless extra re-check. */
    @Override
    public long nextChange(TimeTiles.Series state, long now) {
        return tiles.nextChange(state, now);
    }

    @Override
    public TimeTiles.Series copy(TimeTiles.Series state) {
        return state.copy();
    }

    @Override
    public void encode(TimeTiles.Series state, BinaryOut out) {
        out.writeByte(VERSION);
        TimeTiles.encode(state, out, !summing, summing);
    }

    @Override
    public TimeTiles.Series decode(BinaryIn in) {
        in.expectVersion(kind(), VERSION);
        return TimeTiles.decode(in, !summing, summing);
    }
}
