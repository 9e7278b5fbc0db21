package dev.portrait.core.feature;

import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

/**
 * {@code sum}, {@code min}, {@code max} and {@code mean} of a numeric property. Events whose property
 * is absent or not a number are skipped, so they neither count towards a mean nor make a min exist.
 * One state shape serves all four: the number of values seen and one accumulator (the running sum,
 * or the extreme so far); only what the statistic needs is encoded.
 */
final class PropertyStatistic extends AbstractFeature<PropertyStatistic.State> {
    static final FeatureKind SUM = kind(Statistic.SUM, "The sum of a numeric property (0 when nothing seen).");
    static final FeatureKind MIN = kind(Statistic.MIN, "The smallest value of a numeric property.");
    static final FeatureKind MAX = kind(Statistic.MAX, "The largest value of a numeric property.");
    static final FeatureKind MEAN = kind(Statistic.MEAN, "The arithmetic mean of a numeric property.");

    private static final int VERSION = 1;

    enum Statistic {
        SUM, MIN, MAX, MEAN;

        String kindName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        double fold(double acc, double x) {
            switch (this) {
                case MIN: return Math.min(acc, x);
                case MAX: return Math.max(acc, x);
                default: return acc + x;
            }
        }
    }

    static final class State {
        long n;
        /** The sum for SUM and MEAN, the extreme for MIN and MAX; meaningless while n == 0. */
        double acc;

        State(long n, double acc) {
            this.n = n;
            this.acc = acc;
        }
    }

    private final Statistic statistic;
    private final String property;

    private static FeatureKind kind(Statistic statistic, String description) {
        return new DeclaredKind(statistic.kindName(), description, spec -> new PropertyStatistic(spec, statistic));
    }

    private PropertyStatistic(FeatureSpec spec, Statistic statistic) {
        super(spec, statistic.kindName(), ValueType.DOUBLE);
        this.statistic = statistic;
        this.property = spec.params().requireString("property");
    }

    @Override
    public State empty() {
        return new State(0, 0.0);
    }

    @Override
    public State update(State state, Event event) {
        double x = event.number(property);
        if (Double.isNaN(x)) {
            return state;
        }
        state.acc = state.n == 0 ? x : statistic.fold(state.acc, x);
        state.n++;
        return state;
    }

    @Override
    public State merge(State a, State b) {
        if (a.n == 0) {
            return copy(b);
        }
        if (b.n == 0) {
            return copy(a);
        }
        return new State(a.n + b.n, statistic.fold(a.acc, b.acc));
    }

    @Override
    public Object read(State state, long now) {
        if (state.n == 0) {
            return statistic == Statistic.SUM ? 0.0 : null;
        }
        return statistic == Statistic.MEAN ? state.acc / state.n : state.acc;
    }

    @Override
    public long nextChange(State state, long now) {
        return Long.MAX_VALUE;
    }

    @Override
    public State copy(State state) {
        return new State(state.n, state.acc);
    }

    @Override
    public void encode(State state, BinaryOut out) {
        out.writeByte(VERSION).writeVarLong(state.n);
        if (state.n > 0) {
            out.writeDouble(state.acc);
        }
    }

    @Override
    public State decode(BinaryIn in) {
        in.expectVersion(statistic.kindName(), VERSION);
        long n = in.readVarLong();
        return new State(n, n > 0 ? in.readDouble() : 0.0);
    }
}
