package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionNode;
import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code decayed_scores}: interest per category, brand or tag that fades with a half-life. The
 * score of a key at {@code now} is {@code sum_i w_i * 2^(-(now - t_i) / halfLife)} over the events
 * that carried the key, {@code w_i} being the weight of the event's key ({@code weights}, else
 * {@code weight}).
 *
 * <p><b>Forward decay.</b> Decaying every score at every event would make merges depend on when
 * each side last decayed. Instead each state keeps, per key, the forward-decayed sum
 * {@code S = sum_i w_i * 2^((t_i - L) / h)} relative to a landmark {@code L}, and a read multiplies
 * by {@code 2^((L - now) / h)}; the product is exactly the score above. {@code 2^((t - L) / h)} grows
 * without bound as events move past {@code L}, so the landmark moves too: it is the newest event
 * time rounded down to a multiple of {@code 64 * h}. Exponents therefore stay below 64 (no overflow
 * for any sane weight), moving the landmark by {@code j} quanta multiplies every sum by
 * {@code 2^(-64 j)}, which in binary floating point is exact ({@link Math#scalb}), and because the
 * landmark is a function of the newest event alone, a state's landmark does not depend on the order
 * of its events. A merge rescales both sides to the larger landmark and adds: mathematically exact,
 * and equal to a whole fold up to the rounding of the additions. Contributions older than about
 * 1,000 half-lives underflow to zero, which they are for every practical purpose anyway.
 *
 * <p><b>Bounds.</b> At most {@code capacity} keys are kept (default 4 x topK); past it the key with
 * the lowest sum is evicted (ties: the greater key string). So merges and split folds are exact while
 * a profile has seen at most {@code capacity} distinct keys, and approximate past it: an evicted key
 * that comes back starts again from zero. Reads return the {@code topK} highest, ranked by {@code S}
 * (the same order as by score, since every key shares the factor) and then by key.
 *
 * <p>Weights may be negative (a "Product Removed" that lowers interest); an event whose weight is 0
 * changes nothing.
 */
final class DecayedScores extends AbstractFeature<DecayedScores.State> {
    static final FeatureKind KIND = new DeclaredKind("decayed_scores",
            "Interest per key (category, brand, tag) that fades with a half-life, top-K bounded.",
            DecayedScores::new);

    private static final int VERSION = 1;
    private static final int QUANTUM_HALF_LIVES = 64;

    /**
     * Keys with their forward-decayed sums, the sums in a {@code double[]} beside the keys'
     * {@link KeyTable} slots: no boxed doubles or map entries. At most {@code capacity} keys between
     * operations.
     */
    static final class State extends KeyTable {
        /** The landmark in epoch ms; meaningful only while the state has keys. */
        long landmark;
        double[] sums;

        State(long landmark, int room) {
            super(room);
            this.landmark = landmark;
            this.sums = new double[room()];
        }

        State(State other) {
            super(other);
            this.landmark = other.landmark;
            this.sums = other.sums.clone();
        }

        boolean isEmpty() {
            return size() == 0;
        }

        /** Adds {@code amount} to the key's sum, taking a new slot for a new key. */
        void add(String key, double amount) {
            int i = indexOf(key);
            if (i >= 0) {
                sums[i] += amount;
                return;
            }
            i = add(key);
            if (sums.length < room()) {
                sums = Arrays.copyOf(sums, room());
            }
            sums[i] = amount;
        }

        void evict(int i) {
            sums[i] = sums[removeAt(i)];
        }

        /** The forward sums by key, sorted by key: for tests and debugging, not the update path. */
        Map<String, Double> sums() {
            Map<String, Double> out = new java.util.TreeMap<>();
            for (int i = 0; i < size(); i++) {
                out.put(key(i), sums[i]);
            }
            return out;
        }

        /** Slots ranked highest sum first, then by key: the order of reads and of merge's cut. */
        int[] ranked() {
            return KeyTable.sorted(size(), (x, y) -> {
                int bySum = Double.compare(sums[y], sums[x]);
                return bySum != 0 ? bySum : key(x).compareTo(key(y));
            });
        }
    }

    private final String key;
    private final Map<String, Double> weights;
    private final double defaultWeight;
    private final long halfLife;
    private final long quantum;
    private final int topK;
    private final int capacity;

    private DecayedScores(FeatureSpec spec) {
        super(spec, "decayed_scores", ValueType.SCORES, eventsOf(spec));
        DefinitionNode p = spec.params();
        this.key = p.requireString("key");
        this.weights = Map.copyOf(p.optNumberMap("weights"));
        this.defaultWeight = p.optDouble("weight", 1.0, -Double.MAX_VALUE, Double.MAX_VALUE);
        this.halfLife = p.requireDuration("halfLife").toMillis();
        this.quantum = Math.multiplyExact(halfLife, QUANTUM_HALF_LIVES);
        this.topK = p.optInt("topK", 20, 1, 1000);
        this.capacity = p.optInt("capacity", 4 * topK, topK, 10_000);
        if (!spec.events().isEmpty()) {
            for (String weighted : weights.keySet()) {
                if (!spec.events().contains(weighted)) {
                    throw new dev.portrait.core.definition.DefinitionException(p.child("weights").childPath(weighted),
                            "is not one of the feature's events " + new java.util.TreeSet<>(spec.events()));
                }
            }
        }
    }

    /** Without an explicit events list, the weighted event keys are the events. */
    private static Set<String> eventsOf(FeatureSpec spec) {
        if (!spec.events().isEmpty()) {
            return spec.events();
        }
        return spec.params().optNumberMap("weights").keySet();
    }

    @Override
    public State empty() {
        return new State(0, 4);
    }

    private long landmarkOf(long time) {
        return Math.floorDiv(time, quantum) * quantum;
    }

    /** Multiplies every sum by 2^((landmark - to) / h): exact, since that is 2^(-64 j). */
    private void moveLandmark(State s, long to) {
        long quanta = (to - s.landmark) / quantum;
        int shift = (int) -(Math.min(quanta, 64) * QUANTUM_HALF_LIVES);
        for (int i = 0; i < s.size(); i++) {
            s.sums[i] = Math.scalb(s.sums[i], shift);
        }
        s.landmark = to;
    }

    @Override
    public State update(State state, Event event) {
        double w = weights.getOrDefault(event.key(), defaultWeight);
        if (w == 0.0) {
            return state;
        }
        // one key is the common case: take it without building a list
        Object value = event.properties().get(key);
        String single = value instanceof String s ? s : null;
        List<String> keys = single == null ? PropertyValues.strings(value) : null;
        if (keys != null && keys.isEmpty()) {
            return state;
        }
        long t = event.time();
        long l = landmarkOf(t);
        if (state.isEmpty()) {
            state.landmark = l;
        } else if (l > state.landmark) {
            moveLandmark(state, l);
        }
        double contribution = w * Math.pow(2.0, (double) (t - state.landmark) / halfLife);
        if (single != null) {
            state.add(single, contribution);
        } else {
            for (String k : keys) {
                state.add(k, contribution);
            }
        }
        evict(state);
        return state;
    }

    /** Drops the lowest-ranked keys until {@code capacity} remain: one pass each, usually none. */
    private void evict(State s) {
        while (s.size() > capacity) {
            int lowest = -1;
            double lowestSum = 0;
            for (int i = 0; i < s.size(); i++) {
                double v = s.sums[i];
                // ranked by sum descending, then key ascending: the last is the smallest sum, greatest key
                if (lowest < 0 || v < lowestSum || (v == lowestSum && s.key(i).compareTo(s.key(lowest)) > 0)) {
                    lowest = i;
                    lowestSum = v;
                }
            }
            s.evict(lowest);
        }
    }

    @Override
    public State merge(State a, State b) {
        if (a.isEmpty()) {
            return copy(b);
        }
        if (b.isEmpty()) {
            return copy(a);
        }
        State out = copy(a.landmark >= b.landmark ? a : b);
        State other = a.landmark >= b.landmark ? b : a;
        State rescaled = copy(other);
        moveLandmark(rescaled, out.landmark);
        for (int i = 0; i < rescaled.size(); i++) {
            out.add(rescaled.key(i), rescaled.sums[i]);
        }
        if (out.size() > capacity) {
            int[] ranked = out.ranked();
            State kept = new State(out.landmark, capacity);
            for (int r = 0; r < capacity; r++) {
                kept.add(out.key(ranked[r]), out.sums[ranked[r]]);
            }
            return kept;
        }
        return out;
    }

    @Override
    public Object read(State state, long now) {
        int[] ranked = state.ranked();
        double factor = Math.pow(2.0, (double) (state.landmark - now) / halfLife);
        Map<String, Double> out = new LinkedHashMap<>();
        for (int r = 0; r < Math.min(topK, ranked.length); r++) {
            out.put(state.key(ranked[r]), state.sums[ranked[r]] * factor);
        }
        return Collections.unmodifiableMap(out);
    }

    @Override
    public java.util.Collection<String> changedKeys(Event event) {
        return weights.getOrDefault(event.key(), defaultWeight) == 0.0 ? List.of() : PropertyValues.strings(event, key);
    }

    /** The scores of these keys at {@code now}, top-K or not; absent keys are left out. */
    @Override
    public Object readKeys(State state, long now, java.util.Collection<String> keys) {
        double factor = Math.pow(2.0, (double) (state.landmark - now) / halfLife);
        Map<String, Double> out = new LinkedHashMap<>();
        for (String k : keys) {
            int i = state.indexOf(k);
            if (i >= 0) {
                out.put(k, state.sums[i] * factor);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Never: every key decays at the same rate, so without events the ranking stays as it is, while
     * the values themselves change continuously; a timer could not track that, and segments should
     * compare scores with each other or with thresholds re-checked when events arrive.
     */
    @Override
    public long nextChange(State state, long now) {
        return Long.MAX_VALUE;
    }

    @Override
    public State copy(State state) {
        return new State(state);
    }

    @Override
    public void encode(State state, BinaryOut out) {
        out.writeByte(VERSION).writeVarInt(state.size());
        if (state.isEmpty()) {
            return;
        }
        out.writeSignedVarLong(state.landmark / quantum);
        // keys in order, so equal states encode to equal bytes whatever the order of the slots
        int[] byKey = KeyTable.sorted(state.size(), (x, y) -> state.key(x).compareTo(state.key(y)));
        for (int i : byKey) {
            out.writeString(state.key(i)).writeDouble(state.sums[i]);
        }
    }

    @Override
    public State decode(BinaryIn in) {
        in.expectVersion("decayed_scores", VERSION);
        int n = in.readLength();
        State s = new State(0, Math.max(4, n));
        if (n == 0) {
            return s;
        }
        s.landmark = in.readSignedVarLong() * quantum;
        for (int i = 0; i < n; i++) {
            s.add(in.readString(), in.readDouble());
        }
        return s;
    }
}
