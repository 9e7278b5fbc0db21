package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.DefinitionNode;
import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Social relations: who a person interacts with, how strongly, how many, and whether it is returned.
 * Four kinds read one state:
 * <ul>
 *   <li>{@code tie_strength}: the top-K counterparts by decayed interaction strength (a score map);</li>
 *   <li>{@code strong_ties}: how many counterparts' strength is at least {@code threshold};</li>
 *   <li>{@code degree}: how many distinct counterparts were interacted with within {@code window};</li>
 *   <li>{@code reciprocity}: of the counterparts this person reached out to (within {@code window}, or
 *       ever), the fraction that also reached this person.</li>
 * </ul>
 *
 * <p><b>What is a tie.</b> An event in {@code weights} is this person acting on someone (a follow, a
 * like of their post, a message); the property {@code counterpart} names them. An event in
 * {@code inbound} is someone acting on this person, named by {@code inboundCounterpart}. The strength
 * of a tie at {@code now} is {@code sum_i w_i * 2^(-(now - t_i) / halfLife)} over the events of the
 * chosen {@code direction} (out, in or both), exactly as {@code decayed_scores} computes interests,
 * with the same forward-decay landmark (see {@link DecayedScores}: sums relative to a landmark that
 * is the newest event time rounded down to 64 half-lives, rescaled exactly by {@link Math#scalb}).
 * Beside the sums each tie keeps the newest event time per direction, which is all a windowed degree
 * or reciprocity needs.
 *
 * <p><b>Why inbound is declared, not derived.</b> "A follows B" is attributed to A. B's profile
 * could learn of it only if the engine folded one event into two profiles; then a profile would no
 * longer be a function of its own events, and rebuilding one person by replaying their events (time
 * travel, {@code /changes}, a Flink key) would miss what others did to them. So the receiving side is
 * its own event ({@code Follower Gained}, {@code Message Received}), which the product's backend
 * emits as it emits the acting side; in-degree and reciprocity count those.
 *
 * <p><b>Who is a counterpart.</b> Keys are values of the identifier type {@code identifierType},
 * trimmed as the identity graph trims them. When identity later finds that two of those values are
 * one person (possible only for a type with {@code maxPerProfile > 1}), the engine {@link #unite}s
 * their ties on the profiles it folds (see {@code ProfileEngine}); this kind only stores keys.
 *
 * <p><b>Bounds.</b> At most {@code capacity} counterparts are kept; past it the one with the lowest
 * combined strength (both directions) goes, ties broken by the greater key. So every value is exact,
 * and merges and split folds equal a whole fold, while a person has at most {@code capacity}
 * counterparts; past it an evicted counterpart who comes back starts from zero. Weights must be
 * positive: a tie is evidence of interaction, and a negative one would let a sum cancel to zero
 * while its times still count for degree.
 *
 * <p><b>Why one class past the usual length.</b> The four kinds are four reads of one state with
 * one algebra (update, merge, unite, the binary form); split into classes, each would repeat the
 * algebra or reach into another's state.
 */
final class Relations extends AbstractFeature<Relations.State> implements Ties {
    static final FeatureKind TIE_STRENGTH = new DeclaredKind("tie_strength",
            "The strongest ties: decayed interaction strength per counterpart, top-K (counterpart:, weights:, halfLife:).",
            spec -> new Relations(spec, Read.STRENGTH));
    static final FeatureKind STRONG_TIES = new DeclaredKind("strong_ties",
            "How many counterparts' decayed interaction strength is at least threshold:.",
            spec -> new Relations(spec, Read.STRONG));
    static final FeatureKind DEGREE = new DeclaredKind("degree",
            "How many distinct counterparts were interacted with within window: (direction: out, in or both).",
            spec -> new Relations(spec, Read.DEGREE));
    static final FeatureKind RECIPROCITY = new DeclaredKind("reciprocity",
            "The fraction of counterparts reached out to that also reached back (optional window:).",
            spec -> new Relations(spec, Read.RECIPROCITY));

    private static final int VERSION = 1;
    private static final int QUANTUM_HALF_LIVES = 64;
    private static final long NEVER = Long.MIN_VALUE;

    private enum Read { STRENGTH, STRONG, DEGREE, RECIPROCITY }

    /** Which side of a tie a value counts. */
    enum Direction { OUT, IN, BOTH }

    /** Counterparts with their forward-decayed sums and newest times per direction, in parallel arrays. */
    static final class State extends KeyTable {
        long landmark;
        double[] out;
        double[] in;
        long[] lastOut;
        long[] lastIn;

        State(int room) {
            super(room);
            out = new double[room()];
            in = new double[room()];
            lastOut = new long[room()];
            lastIn = new long[room()];
        }

        State(State other) {
            super(other);
            landmark = other.landmark;
            out = other.out.clone();
            in = other.in.clone();
            lastOut = other.lastOut.clone();
            lastIn = other.lastIn.clone();
        }

        /** The slot of {@code key}, taking a new empty one for a new key. */
        int slot(String key) {
            int i = indexOf(key);
            if (i >= 0) {
                return i;
            }
            i = add(key);
            if (out.length < room()) {
                out = Arrays.copyOf(out, room());
                in = Arrays.copyOf(in, room());
                lastOut = Arrays.copyOf(lastOut, room());
                lastIn = Arrays.copyOf(lastIn, room());
            }
            out[i] = 0;
            in[i] = 0;
            lastOut[i] = NEVER;
            lastIn[i] = NEVER;
            return i;
        }

        /** Adds sums (already on this state's landmark) and newest times to {@code key}'s tie. */
        void absorb(String key, double o, double n, long lo, long li) {
            int i = slot(key);
            out[i] += o;
            in[i] += n;
            lastOut[i] = Math.max(lastOut[i], lo);
            lastIn[i] = Math.max(lastIn[i], li);
        }

        void remove(int i) {
            int last = removeAt(i);
            out[i] = out[last];
            in[i] = in[last];
            lastOut[i] = lastOut[last];
            lastIn[i] = lastIn[last];
        }

        double total(int i) {
            return out[i] + in[i];
        }
    }

    private final Read reading;
    private final String counterpart;
    private final String inboundCounterpart;
    private final String identifierType;
    private final Map<String, Double> outWeights;
    private final Map<String, Double> inWeights;
    private final long halfLife;
    private final long quantum;
    private final int topK;
    private final int capacity;
    private final Direction direction;
    private final double threshold;
    /** The window in ms; {@link Long#MAX_VALUE} for reciprocity without one. */
    private final long window;

    private Relations(FeatureSpec spec, Read reading) {
        super(spec, kindName(reading), valueType(reading), eventsOf(spec));
        DefinitionNode p = spec.params();
        this.reading = reading;
        this.counterpart = p.requireString("counterpart");
        this.inboundCounterpart = p.optString("inboundCounterpart", counterpart);
        this.identifierType = p.optString("identifierType", "user_id");
        this.outWeights = positive(p, "weights");
        this.inWeights = positive(p, "inbound");
        for (String e : inWeights.keySet()) {
            if (outWeights.containsKey(e)) {
                throw new DefinitionException(p.child("inbound").childPath(e),
                        "is also in weights: an event is either this person acting or someone acting on them");
            }
        }
        if (outWeights.isEmpty() && inWeights.isEmpty()) {
            throw p.error("weights", "is required: the events (and their weights) that make ties");
        }
        this.halfLife = p.optDuration("halfLife", java.time.Duration.ofDays(30)).toMillis();
        if (halfLife <= 0) {
            throw p.error("halfLife", "must be positive");
        }
        this.quantum = Math.multiplyExact(halfLife, QUANTUM_HALF_LIVES);
        this.topK = reading == Read.STRENGTH ? p.optInt("topK", 20, 1, 1000) : 0;
        this.capacity = p.optInt("capacity", Math.max(100, 4 * topK), Math.max(1, topK), 10_000);
        Direction fallback = reading == Read.DEGREE ? Direction.OUT : Direction.BOTH;
        this.direction = reading == Read.RECIPROCITY ? Direction.BOTH : p.optEnum("direction", Direction.class, fallback);
        this.threshold = reading == Read.STRONG ? requirePositive(p, "threshold") : 0;
        if (reading == Read.DEGREE) {
            this.window = p.requireDuration("window").toMillis();
        } else if (reading == Read.RECIPROCITY) {
            this.window = p.has("window") ? p.requireDuration("window").toMillis() : Long.MAX_VALUE;
        } else {
            this.window = 0;
        }
        if ((reading == Read.DEGREE || reading == Read.RECIPROCITY) && window <= 0) {
            throw p.error("window", "must be positive");
        }
    }

    private static String kindName(Read r) {
        switch (r) {
            case STRENGTH: return "tie_strength";
            case STRONG: return "strong_ties";
            case DEGREE: return "degree";
            default: return "reciprocity";
        }
    }

    private static ValueType valueType(Read r) {
        switch (r) {
            case STRENGTH: return ValueType.SCORES;
            case RECIPROCITY: return ValueType.DOUBLE;
            default: return ValueType.INT;
        }
    }

    /** The events are those with a weight, in either direction; an {@code events:} list would only repeat them. */
    private static Set<String> eventsOf(FeatureSpec spec) {
        if (!spec.events().isEmpty()) {
            throw spec.params().error("events", "relations take their events from weights: and inbound:");
        }
        Set<String> events = new TreeSet<>(spec.params().optNumberMap("weights").keySet());
        events.addAll(spec.params().optNumberMap("inbound").keySet());
        return events;
    }

    private static Map<String, Double> positive(DefinitionNode p, String key) {
        Map<String, Double> weights = p.optNumberMap(key);
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            if (!(e.getValue() > 0)) {
                throw new DefinitionException(p.child(key).childPath(e.getKey()), "must be positive, got " + e.getValue());
            }
        }
        return Map.copyOf(weights);
    }

    private static double requirePositive(DefinitionNode p, String key) {
        if (!p.has(key)) {
            throw p.error(key, "is required");
        }
        double v = p.optDouble(key, 1, Double.MIN_VALUE, Double.MAX_VALUE);
        if (!(v > 0)) {
            throw p.error(key, "must be positive, got " + v);
        }
        return v;
    }

    // ---- Ties ----

    @Override
    public String identifierType() {
        return identifierType;
    }

    @Override
    public List<String> counterparts(Event event) {
        String property = inWeights.containsKey(event.key()) ? inboundCounterpart : counterpart;
        List<String> raw = PropertyValues.strings(event, property);
        List<String> out = new ArrayList<>(raw.size());
        for (String s : raw) {
            String t = s.trim();
            if (!t.isEmpty() && !out.contains(t)) {
                out.add(t);
            }
        }
        return out;
    }

    @Override
    public Object unite(Object s, String into, Collection<String> aliases) {
        State state = (State) s;
        for (String alias : aliases) {
            if (alias.equals(into)) {
                continue;
            }
            int j = state.indexOf(alias);
            if (j < 0) {
                continue;
            }
            double o = state.out[j];
            double n = state.in[j];
            long lo = state.lastOut[j];
            long li = state.lastIn[j];
            state.remove(j);
            state.absorb(into, o, n, lo, li);
        }
        return state;
    }

    // ---- the state algebra ----

    @Override
    public State empty() {
        return new State(4);
    }

    private long landmarkOf(long time) {
        return Math.floorDiv(time, quantum) * quantum;
    }

    /** Multiplies every sum by 2^((landmark - to) / h): exact, since that is 2^(-64 j). */
    private void moveLandmark(State s, long to) {
        long quanta = (to - s.landmark) / quantum;
        int shift = (int) -(Math.min(quanta, 64) * QUANTUM_HALF_LIVES);
        for (int i = 0; i < s.size(); i++) {
            s.out[i] = Math.scalb(s.out[i], shift);
            s.in[i] = Math.scalb(s.in[i], shift);
        }
        s.landmark = to;
    }

    @Override
    public State update(State state, Event event) {
        Double w = outWeights.get(event.key());
        boolean inbound = w == null;
        if (inbound && (w = inWeights.get(event.key())) == null) {
            return state;
        }
        // one counterpart, already trimmed, is the common case: take it without building a list
        Object value = event.properties().get(inbound ? inboundCounterpart : counterpart);
        String single = value instanceof String v && !v.isEmpty() && v.charAt(0) > ' '
                && v.charAt(v.length() - 1) > ' ' ? v : null;
        List<String> who = single == null ? counterparts(event) : null;
        if (who != null && who.isEmpty()) {
            return state;
        }
        long t = event.time();
        long l = landmarkOf(t);
        if (state.size() == 0) {
            state.landmark = l;
        } else if (l > state.landmark) {
            moveLandmark(state, l);
        }
        double contribution = w * Math.pow(2.0, (double) (t - state.landmark) / halfLife);
        if (single != null) {
            add(state, single, inbound, contribution, t);
        } else {
            for (String k : who) {
                add(state, k, inbound, contribution, t);
            }
        }
        while (state.size() > capacity) {
            state.remove(weakest(state));
        }
        return state;
    }

    private static void add(State state, String key, boolean inbound, double contribution, long t) {
        int i = state.slot(key);
        if (inbound) {
            state.in[i] += contribution;
            state.lastIn[i] = Math.max(state.lastIn[i], t);
        } else {
            state.out[i] += contribution;
            state.lastOut[i] = Math.max(state.lastOut[i], t);
        }
    }

    /** The slot evicted first: the lowest combined sum, then the greatest key. */
    private static int weakest(State s) {
        int lowest = 0;
        for (int i = 1; i < s.size(); i++) {
            int c = Double.compare(s.total(i), s.total(lowest));
            if (c < 0 || (c == 0 && s.key(i).compareTo(s.key(lowest)) > 0)) {
                lowest = i;
            }
        }
        return lowest;
    }

    @Override
    public State merge(State a, State b) {
        if (a.size() == 0) {
            return copy(b);
        }
        if (b.size() == 0) {
            return copy(a);
        }
        State out = copy(a.landmark >= b.landmark ? a : b);
        State other = copy(a.landmark >= b.landmark ? b : a);
        moveLandmark(other, out.landmark);
        for (int j = 0; j < other.size(); j++) {
            out.absorb(other.key(j), other.out[j], other.in[j], other.lastOut[j], other.lastIn[j]);
        }
        while (out.size() > capacity) {
            out.remove(weakest(out));
        }
        return out;
    }

    // ---- reads ----

    private double sum(State s, int i) {
        switch (direction) {
            case OUT: return s.out[i];
            case IN: return s.in[i];
            default: return s.out[i] + s.in[i];
        }
    }

    private long last(State s, int i) {
        switch (direction) {
            case OUT: return s.lastOut[i];
            case IN: return s.lastIn[i];
            default: return Math.max(s.lastOut[i], s.lastIn[i]);
        }
    }

    private double factor(State s, long now) {
        return Math.pow(2.0, (double) (s.landmark - now) / halfLife);
    }

    /** Whether an interaction at {@code time} is within the window at {@code now}. */
    private boolean within(long time, long now) {
        return time != NEVER && (window == Long.MAX_VALUE || time > now - window);
    }

    @Override
    public Object read(State state, long now) {
        switch (reading) {
            case STRENGTH:
                return strongest(state, now);
            case STRONG:
                return strongCount(state, factor(state, now));
            case DEGREE:
                return degree(state, now);
            default:
                return reciprocity(state, now);
        }
    }

    private Map<String, Double> strongest(State s, long now) {
        int[] ranked = KeyTable.sorted(s.size(), (x, y) -> {
            int c = Double.compare(sum(s, y), sum(s, x));
            return c != 0 ? c : s.key(x).compareTo(s.key(y));
        });
        double f = factor(s, now);
        Map<String, Double> out = new LinkedHashMap<>();
        for (int r = 0; r < ranked.length && out.size() < topK; r++) {
            double v = sum(s, ranked[r]);
            if (v > 0) {
                out.put(s.key(ranked[r]), v * f);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private long strongCount(State s, double factor) {
        long n = 0;
        for (int i = 0; i < s.size(); i++) {
            if (sum(s, i) * factor >= threshold) {
                n++;
            }
        }
        return n;
    }

    private long degree(State s, long now) {
        long n = 0;
        for (int i = 0; i < s.size(); i++) {
            if (within(last(s, i), now)) {
                n++;
            }
        }
        return n;
    }

    private Double reciprocity(State s, long now) {
        int reached = 0;
        int returned = 0;
        for (int i = 0; i < s.size(); i++) {
            if (within(s.lastOut[i], now)) {
                reached++;
                if (within(s.lastIn[i], now)) {
                    returned++;
                }
            }
        }
        return reached == 0 ? null : (double) returned / reached;
    }

    @Override
    public Collection<String> changedKeys(Event event) {
        return reading == Read.STRENGTH ? counterparts(event) : null;
    }

    @Override
    public Object readKeys(State state, long now, Collection<String> keys) {
        if (reading != Read.STRENGTH) {
            return read(state, now);
        }
        double f = factor(state, now);
        Map<String, Double> out = new LinkedHashMap<>();
        for (String k : keys) {
            int i = state.indexOf(k);
            if (i >= 0 && sum(state, i) > 0) {
                out.put(k, sum(state, i) * f);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Strengths decay continuously, so {@code tie_strength} has no next change (as decayed scores);
     * the counts do change at computable moments: {@code strong_ties} when a counted tie decays below
     * the threshold, {@code degree} when a counted counterpart's newest interaction leaves the window,
     * {@code reciprocity} at the first of its counterparts' expiries that moves the fraction.
     */
    @Override
    public long nextChange(State state, long now) {
        switch (reading) {
            case STRONG: {
                // every tie decays at the same rate, so the weakest tie still counted is the first to drop out
                double f = factor(state, now);
                double weakest = Double.NaN;
                for (int i = 0; i < state.size(); i++) {
                    double v = sum(state, i);
                    if (v * f >= threshold && !(v >= weakest)) {
                        weakest = v;
                    }
                }
                return Double.isNaN(weakest) ? Long.MAX_VALUE : firstBelowThreshold(state, weakest, now);
            }
            case DEGREE: {
                long next = Long.MAX_VALUE;
                for (int i = 0; i < state.size(); i++) {
                    long t = last(state, i);
                    if (within(t, now)) {
                        next = Math.min(next, t + window);
                    }
                }
                return next;
            }
            case RECIPROCITY:
                return nextReciprocityChange(state, now);
            default:
                return Long.MAX_VALUE;
        }
    }

    /**
     * The first ms after {@code now} at which a forward sum {@code v} reads below the threshold: the
     * closed form, then stepped to agree with {@link #read}'s rounding exactly ({@code Math.pow} is
     * semi-monotonic, so the reading only falls with time).
     */
    private long firstBelowThreshold(State s, double v, long now) {
        double exact = s.landmark + halfLife * (Math.log(v / threshold) / Math.log(2));
        long t = exact >= Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : Math.max(now + 1, (long) Math.floor(exact));
        while (t > now + 1 && v * factor(s, t - 1) < threshold) {
            t--;
        }
        while (v * factor(s, t) >= threshold) {
            t++;
        }
        return t;
    }

    private long nextReciprocityChange(State s, long now) {
        if (window == Long.MAX_VALUE) {
            return Long.MAX_VALUE;
        }
        TreeSet<Long> expiries = new TreeSet<>();
        for (int i = 0; i < s.size(); i++) {
            if (within(s.lastOut[i], now)) {
                expiries.add(s.lastOut[i] + window);
            }
            if (within(s.lastIn[i], now)) {
                expiries.add(s.lastIn[i] + window);
            }
        }
        Double value = reciprocity(s, now);
        for (long t : expiries) {
            if (!java.util.Objects.equals(reciprocity(s, t), value)) {
                return t;
            }
        }
        return Long.MAX_VALUE;
    }

    // ---- copies and bytes ----

    @Override
    public State copy(State state) {
        return new State(state);
    }

    /**
     * Per counterpart, sorted by key: the key, a flags byte (bit 0: has outbound, bit 1: has inbound),
     * then for each side present its forward sum and newest time.
     */
    @Override
    public void encode(State state, BinaryOut out) {
        out.writeByte(VERSION).writeVarInt(state.size());
        if (state.size() == 0) {
            return;
        }
        out.writeSignedVarLong(state.landmark / quantum);
        int[] byKey = KeyTable.sorted(state.size(), (x, y) -> state.key(x).compareTo(state.key(y)));
        for (int i : byKey) {
            boolean o = state.lastOut[i] != NEVER;
            boolean n = state.lastIn[i] != NEVER;
            out.writeString(state.key(i)).writeByte((o ? 1 : 0) | (n ? 2 : 0));
            if (o) {
                out.writeDouble(state.out[i]).writeSignedVarLong(state.lastOut[i]);
            }
            if (n) {
                out.writeDouble(state.in[i]).writeSignedVarLong(state.lastIn[i]);
            }
        }
    }

    @Override
    public State decode(BinaryIn in) {
        in.expectVersion(kind(), VERSION);
        int n = in.readLength();
        State s = new State(Math.max(4, n));
        if (n == 0) {
            return s;
        }
        s.landmark = in.readSignedVarLong() * quantum;
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < n; k++) {
            String key = in.readString();
            if (!seen.add(key)) {
                throw new IllegalArgumentException(kind() + ": counterpart " + key + " is encoded twice");
            }
            int flags = in.readByte();
            int i = s.slot(key);
            if ((flags & 1) != 0) {
                s.out[i] = in.readDouble();
                s.lastOut[i] = in.readSignedVarLong();
            }
            if ((flags & 2) != 0) {
                s.in[i] = in.readDouble();
                s.lastIn[i] = in.readSignedVarLong();
            }
        }
        return s;
    }
}
