package dev.portrait.core.feature;

import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

/** {@code count}: how many matching events there have been. */
final class Count extends AbstractFeature<Count.State> {
    static final FeatureKind KIND = new DeclaredKind("count",
            "The number of matching events.", Count::new);

    private static final int VERSION = 1;

    static final class State {
        long n;

        State(long n) {
            this.n = n;
        }
    }

    private Count(FeatureSpec spec) {
        super(spec, "count", ValueType.INT);
    }

    @Override
    public State empty() {
        return new State(0);
    }

    @Override
    public State update(State state, Event event) {
        state.n++;
        return state;
    }

    @Override
    public State merge(State a, State b) {
        return new State(a.n + b.n);
    }

    @Override
    public Object read(State state, long now) {
        return state.n;
    }

    @Override
    public long nextChange(State state, long now) {
        return Long.MAX_VALUE;
    }

    @Override
    public State copy(State state) {
        return new State(state.n);
    }

    @Override
    public void encode(State state, BinaryOut out) {
        out.writeByte(VERSION).writeVarLong(state.n);
    }

    @Override
    public State decode(BinaryIn in) {
        in.expectVersion("count", VERSION);
        return new State(in.readVarLong());
    }
}
