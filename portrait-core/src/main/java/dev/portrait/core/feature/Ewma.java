package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionNode;
import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

import java.time.Duration;

/**
 * {@code ewma}: an exponentially weighted moving average of a numeric property, either with a fixed
 * smoothing factor ({@code alpha: 0.3}: {@code X_t = X_{t-1} + alpha (x_t - X_{t-1})}, {@code X_1 = x_1})
 * or time-aware ({@code tau: 7d}: the factor is {@code 1 - e^(-dt / tau)} where {@code dt} is the time
 * since the previous update, so a value after a long silence counts almost fully and one right after
 * another barely moves the average).
 *
 * <p>In the time-aware form {@code dt} is measured from the latest event time folded so far and is
 * never negative: an event at the same moment or earlier (late) gets factor 0, as the formula says,
 * and leaves the average where it is.
 *
 * <p>An average depends on arrival order, and two averages of interleaved streams have no exact
 * combination, so {@link #merge} does not try: it keeps the state with the later last update, and on
 * a tie the larger value. That is the maximum under a total order, so it is associative, commutative
 * and idempotent, and it matches what a person expects after an identity merge: the average of the
 * device they used most recently.
 */
final class Ewma extends AbstractFeature<Ewma.State> {
    static final FeatureKind KIND = new DeclaredKind("ewma",
            "An exponentially weighted moving average of a numeric property (alpha: or tau:).", Ewma::new);

    private static final int VERSION = 1;

    static final class State {
        boolean seen;
        long last;
        double value;

        State(boolean seen, long last, double value) {
            this.seen = seen;
            this.last = last;
            this.value = value;
        }
    }

    private final String property;
    /** The fixed factor, or NaN in the time-aware form. */
    private final double alpha;
    /** Tau in milliseconds, or 0 in the fixed form. */
    private final long tau;

    private Ewma(FeatureSpec spec) {
        super(spec, "ewma", ValueType.DOUBLE);
        DefinitionNode p = spec.params();
        this.property = p.requireString("property");
        boolean hasAlpha = p.has("alpha");
        boolean hasTau = p.has("tau");
        if (hasAlpha == hasTau) {
            throw hasAlpha
                    ? p.error("tau", "cannot be combined with alpha; give exactly one of alpha (fixed) or tau (time-aware)")
                    : p.error("needs exactly one of alpha (a number in (0, 1]) or tau (a duration such as 7d)");
        }
        if (hasAlpha) {
            double a = p.optDouble("alpha", Double.NaN, 0.0, 1.0);
            if (a == 0.0) {
                throw p.error("alpha", "0.0 is outside (0, 1]: the average would never move");
            }
            this.alpha = a;
            this.tau = 0;
        } else {
            Duration t = p.optDuration("tau", null);
            this.alpha = Double.NaN;
            this.tau = t.toMillis();
        }
    }

    @Override
    public boolean orderFree() {
        return false;
    }

    @Override
    public State empty() {
        return new State(false, 0, 0.0);
    }

    @Override
    public State update(State state, Event event) {
        double x = event.number(property);
        if (Double.isNaN(x)) {
            return state;
        }
        long t = event.time();
        if (!state.seen) {
            state.seen = true;
            state.last = t;
            state.value = x;
            return state;
        }
        double a;
        if (tau == 0) {
            a = alpha;
        } else {
            long dt = Math.max(0, t - state.last);
            a = -Math.expm1(-(double) dt / tau);
        }
        state.value += a * (x - state.value);
        state.last = Math.max(state.last, t);
        return state;
    }

    @Override
    public State merge(State a, State b) {
        return copy(later(a, b) ? a : b);
    }

    private static boolean later(State a, State b) {
        if (a.seen != b.seen) {
            return a.seen;
        }
        if (a.last != b.last) {
            return a.last > b.last;
        }
        return Double.compare(a.value, b.value) >= 0;
    }

    @Override
    public Object read(State state, long now) {
        return state.seen ? state.value : null;
    }

    @Override
    public long nextChange(State state, long now) {
        return Long.MAX_VALUE;
    }

    @Override
    public State copy(State state) {
        return new State(state.seen, state.last, state.value);
    }

    @Override
    public void encode(State state, BinaryOut out) {
        out.writeByte(VERSION).writeBoolean(state.seen);
        if (state.seen) {
            out.writeSignedVarLong(state.last).writeDouble(state.value);
        }
    }

    @Override
    public State decode(BinaryIn in) {
        in.expectVersion("ewma", VERSION);
        if (!in.readBoolean()) {
            return empty();
        }
        long last = in.readSignedVarLong();
        return new State(true, last, in.readDouble());
    }
}
