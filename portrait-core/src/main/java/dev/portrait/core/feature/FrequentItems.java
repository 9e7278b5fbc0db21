package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionNode;
import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code frequent_items}: the values of a property seen most often, with a Misra–Gries summary of
 * {@code capacity} counters (default 2 x topK) merged as in Agarwal et al., "Mergeable Summaries"
 * (2012): add the counters, subtract the {@code (capacity+1)}-th largest count from all, drop those
 * left at zero or below. An update is a merge with a one-item summary. Each reported count is a lower
 * bound that misses at most {@code n / (capacity + 1)} of the item's true count, {@code n} being the
 * number of values folded; while at most {@code capacity} distinct values were seen nothing is ever
 * subtracted, so counts, merges and split folds are exact, and past it they are approximate.
 *
 * <p>Hand-written rather than DataSketches' {@code frequencies.ItemsSketch} because profiles must stay
 * small: the sketch serialises a 32-byte preamble plus an 8-byte count and a 4-byte length per item
 * and sizes its map in powers of two, where this writes a varint length and a varint count (one or
 * two bytes each for a person's counts); for 20 items of 8 characters that is about 210 bytes instead
 * of about 430. It also keeps item order and tie-breaking (by item) under our control, so the bytes
 * are a deterministic function of the counters.
 */
final class FrequentItems extends AbstractFeature<FrequentItems.State> {
    static final FeatureKind KIND = new DeclaredKind("frequent_items",
            "The most frequent values of a property with estimated counts (Misra-Gries, topK:).",
            FrequentItems::new);

    private static final int VERSION = 1;

    /**
     * The counters: counts in a {@code long[]} beside the items' {@link KeyTable} slots, unordered
     * (reads rank, the encoding sorts by item); at most {@code capacity} after every operation.
     */
    static final class State extends KeyTable {
        long[] counts;

        State(int room) {
            super(room);
            counts = new long[room()];
        }

        State(State other) {
            super(other);
            counts = other.counts.clone();
        }

        /** The counters by item, sorted by item: for tests and debugging, not the update path. */
        Map<String, Long> counters() {
            Map<String, Long> out = new java.util.TreeMap<>();
            for (int i = 0; i < size(); i++) {
                out.put(key(i), counts[i]);
            }
            return out;
        }

        void add(String item, long count) {
            int i = indexOf(item);
            if (i >= 0) {
                counts[i] += count;
                return;
            }
            i = add(item);
            if (counts.length < room()) {
                counts = Arrays.copyOf(counts, room());
            }
            counts[i] = count;
        }
    }

    private final String property;
    private final int topK;
    private final int capacity;

    private FrequentItems(FeatureSpec spec) {
        super(spec, "frequent_items", ValueType.SCORES);
        DefinitionNode p = spec.params();
        this.property = p.requireString("property");
        this.topK = p.optInt("topK", 10, 1, 1000);
        this.capacity = p.optInt("capacity", 2 * topK, topK, 10_000);
    }

    @Override
    public State empty() {
        return new State(4);
    }

    @Override
    public State update(State state, Event event) {
        Object value = event.properties().get(property);
        if (value instanceof String item) {
            state.add(item, 1);
        } else {
            for (String item : PropertyValues.strings(value)) {
                state.add(item, 1);
            }
        }
        prune(state);
        return state;
    }

    /** Subtracts the (capacity+1)-th largest count from every counter and drops the empty ones. */
    private void prune(State s) {
        int size = s.size();
        if (size <= capacity) {
            return;
        }
        long[] ascending = Arrays.copyOf(s.counts, size);
        Arrays.sort(ascending);
        long cut = ascending[size - 1 - capacity];
        // downwards, so the slot that removeAt moves into i has been cut already
        for (int i = size - 1; i >= 0; i--) {
            s.counts[i] -= cut;
            if (s.counts[i] <= 0) {
                s.counts[i] = s.counts[s.removeAt(i)];
            }
        }
    }

    @Override
    public State merge(State a, State b) {
        State out = new State(a);
        for (int i = 0; i < b.size(); i++) {
            out.add(b.key(i), b.counts[i]);
        }
        prune(out);
        return out;
    }

    @Override
    public java.util.Collection<String> changedKeys(Event event) {
        return PropertyValues.strings(event, property);
    }

    @Override
    public Object read(State state, long now) {
        int[] ranked = KeyTable.sorted(state.size(), (x, y) -> state.counts[x] != state.counts[y]
                ? Long.compare(state.counts[y], state.counts[x])
                : state.key(x).compareTo(state.key(y)));
        Map<String, Double> out = new LinkedHashMap<>();
        for (int r = 0; r < Math.min(topK, ranked.length); r++) {
            out.put(state.key(ranked[r]), (double) state.counts[ranked[r]]);
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public long nextChange(State state, long now) {
        return Long.MAX_VALUE;
    }

    @Override
    public State copy(State state) {
        return new State(state);
    }

    /** By item, so equal counters encode to equal bytes whatever the order of their slots. */
    @Override
    public void encode(State state, BinaryOut out) {
        int[] byItem = KeyTable.sorted(state.size(), (x, y) -> state.key(x).compareTo(state.key(y)));
        out.writeByte(VERSION).writeVarInt(byItem.length);
        for (int i : byItem) {
            out.writeString(state.key(i)).writeVarLong(state.counts[i]);
        }
    }

    @Override
    public State decode(BinaryIn in) {
        in.expectVersion("frequent_items", VERSION);
        int n = in.readLength();
        State s = new State(Math.max(4, Math.min(n, capacity)));
        for (int i = 0; i < n; i++) {
            s.add(in.readString(), in.readVarLong());
        }
        return s;
    }
}
