package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionNode;
import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

    private static final Comparator<Map.Entry<String, Long>> RANK =
            Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
                    .thenComparing(Map.Entry::getKey);

    static final class State {
        final TreeMap<String, Long> counters;

        State(TreeMap<String, Long> counters) {
            this.counters = counters;
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
        return new State(new TreeMap<>());
    }

    @Override
    public State update(State state, Event event) {
        for (String item : PropertyValues.strings(event, property)) {
            state.counters.merge(item, 1L, Long::sum);
        }
        prune(state.counters);
        return state;
    }

    /** Subtracts the (capacity+1)-th largest count from every counter and drops the empty ones. */
    private void prune(TreeMap<String, Long> counters) {
        if (counters.size() <= capacity) {
            return;
        }
        List<Long> counts = new ArrayList<>(counters.values());
        counts.sort(Collections.reverseOrder());
        long cut = counts.get(capacity);
        counters.replaceAll((k, v) -> v - cut);
        counters.values().removeIf(v -> v <= 0);
    }

    @Override
    public State merge(State a, State b) {
        TreeMap<String, Long> out = new TreeMap<>(a.counters);
        b.counters.forEach((k, v) -> out.merge(k, v, Long::sum));
        prune(out);
        return new State(out);
    }

    @Override
    public java.util.Collection<String> changedKeys(Event event) {
        return PropertyValues.strings(event, property);
    }

    @Override
    public Object read(State state, long now) {
        List<Map.Entry<String, Long>> ranked = new ArrayList<>(state.counters.entrySet());
        ranked.sort(RANK);
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : ranked.subList(0, Math.min(topK, ranked.size()))) {
            out.put(e.getKey(), (double) e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public long nextChange(State state, long now) {
        return Long.MAX_VALUE;
    }

    @Override
    public State copy(State state) {
        return new State(new TreeMap<>(state.counters));
    }

    @Override
    public void encode(State state, BinaryOut out) {
        out.writeByte(VERSION).writeVarInt(state.counters.size());
        for (Map.Entry<String, Long> e : state.counters.entrySet()) {
            out.writeString(e.getKey()).writeVarLong(e.getValue());
        }
    }

    @Override
    public State decode(BinaryIn in) {
        in.expectVersion("frequent_items", VERSION);
        int n = in.readLength();
        State s = empty();
        for (int i = 0; i < n; i++) {
            s.counters.put(in.readString(), in.readVarLong());
        }
        return s;
    }
}
