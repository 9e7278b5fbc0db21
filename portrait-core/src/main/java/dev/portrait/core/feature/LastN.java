package dev.portrait.core.feature;

import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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
    /**
     * {@code memberships}: the groups (accounts) a person belongs to, from Segment's {@code group} calls,
     * each with when it was last confirmed, the {@code capacity} most recent kept. The same state and
     * order as {@code last_n} (so the same merge laws hold), keyed by the call's {@code groupId}.
     */
    static final FeatureKind MEMBERSHIPS = new DeclaredKind("memberships",
            "The groups (accounts) a person belongs to, from group calls, with when each was last confirmed.",
            LastN::memberships);

    private static final int VERSION = 1;

    /**
     * Items with their latest time, the times in a {@code long[]} beside the items' {@link KeyTable}
     * slots (no boxed times, no map entries); at most n after every operation. Slots are unordered:
     * an update needs only "is this item kept" and, when one too many are, the lowest-ranked one.
     */
    static final class State extends KeyTable {
        long[] latest;

        State(int room) {
            super(room);
            latest = new long[room()];
        }

        State(State other) {
            super(other);
            latest = other.latest.clone();
        }

        /** Records that {@code item} was seen at {@code t}; a later time wins. */
        void see(String item, long t) {
            int i = indexOf(item);
            if (i >= 0) {
                latest[i] = Math.max(latest[i], t);
                return;
            }
            i = add(item);
            if (latest.length < room()) {
                latest = Arrays.copyOf(latest, room());
            }
            latest[i] = t;
        }

        void evict(int i) {
            latest[i] = latest[removeAt(i)];
        }

        /** Slots by time descending, then item ascending: the order of reads and of the encoding. */
        int[] ranked() {
            return KeyTable.sorted(size(), (x, y) -> latest[x] == latest[y]
                    ? key(x).compareTo(key(y))
                    : Long.compare(latest[y], latest[x]));
        }
    }

    /** The property whose values are kept, or null for a memberships feature (it keeps groupIds). */
    private final String property;
    private final int n;

    private LastN(FeatureSpec spec) {
        super(spec, "last_n", ValueType.ENTRIES);
        this.property = spec.params().requireString("property");
        this.n = spec.params().optInt("n", 20, 1, 1000);
    }

    private LastN(FeatureSpec spec, int capacity) {
        super(spec, "memberships", ValueType.ENTRIES, java.util.Set.of("group"));
        this.property = null;
        this.n = capacity;
    }

    private static LastN memberships(FeatureSpec spec) {
        if (!spec.events().isEmpty()) {
            throw spec.params().error("events", "does not apply: memberships fold group calls only");
        }
        return new LastN(spec, spec.params().optInt("capacity", 50, 1, 1000));
    }

    /** Whether this is a {@code memberships} feature. */
    boolean keepsGroups() {
        return property == null;
    }

    /** The kept values, most recent first. */
    List<String> values(State state) {
        int[] ranked = state.ranked();
        List<String> out = new ArrayList<>(ranked.length);
        for (int i : ranked) {
            out.add(state.key(i));
        }
        return out;
    }

    @Override
    public State empty() {
        return new State(4);
    }

    @Override
    public State update(State state, Event event) {
        long t = event.time();
        Object value = property == null ? event.groupId() : event.properties().get(property);
        if (value instanceof String item) {
            state.see(item, t);
        } else {
            for (String item : PropertyValues.strings(value)) {
                state.see(item, t);
            }
        }
        trim(state);
        return state;
    }

    /** Drops the lowest-ranked items until n remain; usually one, found in one pass without sorting. */
    private void trim(State s) {
        while (s.size() > n) {
            int lowest = -1;
            long lowestAt = Long.MAX_VALUE;
            for (int i = 0; i < s.size(); i++) {
                long at = s.latest[i];
                // ranked by time descending, then item ascending: the last is the oldest, greatest item
                if (lowest < 0 || at < lowestAt || (at == lowestAt && s.key(i).compareTo(s.key(lowest)) > 0)) {
                    lowest = i;
                    lowestAt = at;
                }
            }
            s.evict(lowest);
        }
    }

    @Override
    public State merge(State a, State b) {
        State out = new State(a);
        for (int i = 0; i < b.size(); i++) {
            out.see(b.key(i), b.latest[i]);
        }
        trim(out);
        return out;
    }

    @Override
    public Object read(State state, long now) {
        int[] ranked = state.ranked();
        List<Map<String, Object>> out = new ArrayList<>(ranked.length);
        for (int i : ranked) {
            out.add(entry(state.key(i), state.latest[i]));
        }
        return Collections.unmodifiableList(out);
    }

    private static Map<String, Object> entry(String item, long at) {
        Map<String, Object> entry = new LinkedHashMap<>(2);
        entry.put("item", item);
        entry.put("at", at);
        return Collections.unmodifiableMap(entry);
    }

    @Override
    public java.util.Collection<String> changedKeys(Event event) {
        if (property == null) {
            return event.groupId() == null ? List.of() : List.of(event.groupId());
        }
        return PropertyValues.strings(event, property);
    }

    /** The entries of these items, most recent first; items not kept are left out. */
    @Override
    public Object readKeys(State state, long now, java.util.Collection<String> keys) {
        List<Map<String, Object>> out = new ArrayList<>(keys.size());
        for (String item : keys) {
            int i = state.indexOf(item);
            if (i >= 0) {
                out.add(entry(item, state.latest[i]));
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
        return new State(state);
    }

    /** In rank order, so times go down and are written as small non-negative deltas. */
    @Override
    public void encode(State state, BinaryOut out) {
        int[] ranked = state.ranked();
        out.writeByte(VERSION).writeVarInt(ranked.length);
        long previous = 0;
        for (int i = 0; i < ranked.length; i++) {
            long at = state.latest[ranked[i]];
            out.writeString(state.key(ranked[i]));
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
        in.expectVersion(kind(), VERSION);
        int size = in.readLength();
        State s = new State(Math.max(4, Math.min(size, n)));
        long previous = 0;
        for (int i = 0; i < size; i++) {
            String item = in.readString();
            long at = i == 0 ? in.readSignedVarLong() : previous - in.readVarLong();
            s.see(item, at);
            previous = at;
        }
        return s;
    }
}
