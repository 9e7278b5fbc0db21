package dev.portrait.core.feature;

import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code last_n}: the {@code n} most recent distinct values of a property (recently viewed products),
 * each with the time it was last seen, most recent first; ties in time go to the smaller value.
 *
 * <p>This is order-free: the state is always "the top {@code n} of (item, latest time) by that
 * order". An item pushed out can only come back with a later time, which it would also have in a
 * whole fold, and while out it is outranked by {@code n} items whose times only grow.
 */
final class LastN extends AbstractFeature<LastN.State> {
    static final FeatureKind KIND = new DeclaredKind("last_n",
            "The n most recent distinct values of a property with when each was last seen.", LastN::new);

    private static final int VERSION = 1;

    /** Items by their latest time; at most n after every operation. */
    static final class State {
        final HashMap<String, Long> latest;

        State(HashMap<String, Long> latest) {
            this.latest = latest;
        }
    }

    private final String property;
    private final int n;

    private LastN(FeatureSpec spec) {
        super(spec, "last_n", ValueType.ENTRIES);
        this.property = spec.params().requireString("property");
        this.n = spec.params().optInt("n", 20, 1, 1000);
    }

    @Override
    public State empty() {
        return new State(new HashMap<>());
    }

    @Override
    public State update(State state, Event event) {
        long t = event.time();
        for (String item : PropertyValues.strings(event, property)) {
            state.latest.merge(item, t, Math::max);
        }
        trim(state.latest);
        return state;
    }

    /** Drops the lowest-ranked items until n remain; usually one, found in one pass without sorting. */
    private void trim(HashMap<String, Long> latest) {
        while (latest.size() > n) {
            String lowest = null;
            long lowestAt = Long.MAX_VALUE;
            for (Map.Entry<String, Long> e : latest.entrySet()) {
                long at = e.getValue();
                // ranked by time descending, then item ascending: the last is the oldest, greatest item
                if (lowest == null || at < lowestAt || (at == lowestAt && e.getKey().compareTo(lowest) > 0)) {
                    lowest = e.getKey();
                    lowestAt = at;
                }
            }
            latest.remove(lowest);
        }
    }

    private static List<Map.Entry<String, Long>> ranked(Map<String, Long> latest) {
        List<Map.Entry<String, Long>> out = new ArrayList<>(latest.size());
        latest.forEach((k, v) -> out.add(Map.entry(k, v)));
        out.sort((x, y) -> x.getValue().equals(y.getValue())
                ? x.getKey().compareTo(y.getKey())
                : Long.compare(y.getValue(), x.getValue()));
        return out;
    }

    @Override
    public State merge(State a, State b) {
        HashMap<String, Long> out = new HashMap<>(a.latest);
        b.latest.forEach((k, v) -> out.merge(k, v, Math::max));
        trim(out);
        return new State(out);
    }

    @Override
    public Object read(State state, long now) {
        List<Map<String, Object>> out = new ArrayList<>(state.latest.size());
        for (Map.Entry<String, Long> e : ranked(state.latest)) {
            Map<String, Object> entry = new LinkedHashMap<>(2);
            entry.put("item", e.getKey());
            entry.put("at", e.getValue());
            out.add(Collections.unmodifiableMap(entry));
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public java.util.Collection<String> changedKeys(Event event) {
        return PropertyValues.strings(event, property);
    }

    /** The entries of these items, most recent first; items not kept are left out. */
    @Override
    public Object readKeys(State state, long now, java.util.Collection<String> keys) {
        List<Map<String, Object>> out = new ArrayList<>(keys.size());
        for (String item : keys) {
            Long at = state.latest.get(item);
            if (at != null) {
                Map<String, Object> entry = new LinkedHashMap<>(2);
                entry.put("item", item);
                entry.put("at", at);
                out.add(Collections.unmodifiableMap(entry));
            }
        }
        return Collections.unmodifiableList(out);
    }

    @Override
    public long nextChange(State state, long now) {
        return Long.MAX_VALUE;
    }

    @Override
    public State copy(State state) {
        return new State(new HashMap<>(state.latest));
    }

    /** In rank order, so times go down and are written as small non-negative deltas. */
    @Override
    public void encode(State state, BinaryOut out) {
        List<Map.Entry<String, Long>> ranked = ranked(state.latest);
        out.writeByte(VERSION).writeVarInt(ranked.size());
        long previous = 0;
        for (int i = 0; i < ranked.size(); i++) {
            long at = ranked.get(i).getValue();
            out.writeString(ranked.get(i).getKey());
            if (i == 0) {
                out.writeSignedVarLong(at);
            } else {
                out.writeVarLong(previous - at);
            }
            previous = at;
        }
    }

    @Override
    public State decode(BinaryIn in) {
        in.expectVersion("last_n", VERSION);
        int size = in.readLength();
        State s = empty();
        long previous = 0;
        for (int i = 0; i < size; i++) {
            String item = in.readString();
            long at = i == 0 ? in.readSignedVarLong() : previous - in.readVarLong();
            s.latest.put(item, at);
            previous = at;
        }
        return s;
    }
}
