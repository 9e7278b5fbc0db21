package dev.portrait.core.profile;

import dev.portrait.core.definition.ConflictPolicy;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.definition.TraitSpec;
import dev.portrait.core.definition.TraitType;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;
import dev.portrait.core.feature.Feature;
import dev.portrait.core.segment.SegmentInputs;
import dev.portrait.core.segment.SegmentSet;
import dev.portrait.core.segment.SegmentTransition;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Folds events into profiles: {@code apply(profile, event) → (profile', changes, transitions)}.
 *
 * <p><b>Time.</b> A profile has its own clock, the latest event time folded into it. Every read
 * happens at {@code now = max(clock, event time)}: an event that arrives late is still counted in
 * its own tile or decayed from its own time, but it never moves the profile back in time. No wall
 * clock is read anywhere; the runtimes pass time in through {@link #advance} when a timer fires.
 *
 * <p><b>Determinism.</b> The result depends only on the profile, the event and the definition, so
 * replaying the same events gives byte-identical profiles ({@link ProfileCodec}), in the embedded
 * runtime and in Flink alike.
 *
 * <p><b>Segments.</b> After an event, only segments whose inputs changed are evaluated. Values
 * that change with time alone (windows sliding, days since the last visit) are covered by
 * {@link Profile#nextCheck()}: the earliest {@code nextChange} of any feature a segment reads. When
 * an event or a timer reaches that time, every segment that reads a feature is re-evaluated, so a
 * replay without timers and a live runtime with timers end in the same memberships.
 *
 * <p><b>Cost.</b> Features are indexed by event key once, at construction; a profile is touched only
 * by the features that fold the event. {@link #applyInPlace} avoids copying for single-writer
 * runtimes; {@link #apply} copies first and is pure.
 *
 * <p><b>Changes are computed only for a consumer that asks.</b> Recording a change means reading a
 * feature's value before and after the event, which cost about as much as the update itself (a
 * window sums its tiles, a top-K map is built and sorted). An updater built with
 * {@link ChangeTracking#OFF} skips that: segments whose inputs the event touched are re-evaluated
 * whether or not the value moved (evaluating a segment reads only the few scalar features it names,
 * cached per event), and {@link UpdateResult#changes()} is empty. A consumer of changes (a changelog,
 * a changes topic, a replay that derives one person's changes) builds its updater with
 * {@link ChangeTracking#ON}. Both give the same profile, byte for byte.
 */
public final class ProfileUpdater {
    /** The most traits a profile keeps; an event cannot exceed it on its own (cleaning caps maps). */
    public static final int MAX_TRAITS = 256;


    private final ProfileDefinition definition;
    private final List<Feature<Object>> features;
    private final SegmentSet segments;
    private final Map<String, int[]> featuresByEvent = new HashMap<>();
    private final int[] featuresForEveryEvent;
    private final int[][] segmentsByFeature;
    private final Map<String, int[]> segmentsByTrait = new HashMap<>();
    private final BitSet segmentInputFeatures = new BitSet();
    private final int[] timeSensitiveSegments;
    private final String[] featureFields;
    @SuppressWarnings("rawtypes")
    private final ProfileExtension extension;

    private final boolean trackChanges;

    /** Whether {@link UpdateResult#changes()} lists the values an event changed (see the class comment). */
    public enum ChangeTracking { ON, OFF }

    /** An updater that tracks changes and whose profiles carry no extension state. */
    public ProfileUpdater(ProfileDefinition definition) {
        this(definition, null, ChangeTracking.ON);
    }

    /**
     * @param extension state kept in every profile on another part's behalf (the models'), or null
     * @param tracking  whether events' changes are computed
     */
    @SuppressWarnings("unchecked")
    public ProfileUpdater(ProfileDefinition definition, ProfileExtension<?> extension, ChangeTracking tracking) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.extension = extension;
        this.trackChanges = tracking == ChangeTracking.ON;
        this.features = new ArrayList<>();
        for (Feature<?> f : definition.features()) {
            features.add((Feature<Object>) f);
        }
        this.segments = SegmentSet.compile(definition);
        this.featureFields = new String[features.size()];
        for (int i = 0; i < features.size(); i++) {
            featureFields[i] = "features." + features.get(i).name();
        }

        List<Integer> every = new ArrayList<>();
        Map<String, List<Integer>> byEvent = new HashMap<>();
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i).events().isEmpty()) {
                every.add(i);
            } else {
                for (String key : features.get(i).events()) {
                    byEvent.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
                }
            }
        }
        featuresForEveryEvent = toArray(every);
        for (Map.Entry<String, List<Integer>> e : byEvent.entrySet()) {
            List<Integer> all = new ArrayList<>(e.getValue());
            all.addAll(every);
            all.sort(null);
            featuresByEvent.put(e.getKey(), toArray(all));
        }

        List<List<Integer>> byFeature = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            byFeature.add(new ArrayList<>());
        }
        Map<String, List<Integer>> byTrait = new HashMap<>();
        List<Integer> timeSensitive = new ArrayList<>();
        for (int s = 0; s < segments.size(); s++) {
            BitSet in = segments.featureInputs(s);
            for (int f = in.nextSetBit(0); f >= 0; f = in.nextSetBit(f + 1)) {
                byFeature.get(f).add(s);
                segmentInputFeatures.set(f);
            }
            if (!in.isEmpty()) {
                timeSensitive.add(s);
            }
            for (String t : segments.traitInputs(s)) {
                byTrait.computeIfAbsent(t, k -> new ArrayList<>()).add(s);
            }
        }
        segmentsByFeature = new int[features.size()][];
        for (int i = 0; i < features.size(); i++) {
            segmentsByFeature[i] = toArray(byFeature.get(i));
        }
        byTrait.forEach((k, v) -> segmentsByTrait.put(k, toArray(v)));
        timeSensitiveSegments = toArray(timeSensitive);
    }

    private static int[] toArray(List<Integer> list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    public ProfileDefinition definition() {
        return definition;
    }

    /** The extension whose state every profile carries, or null. */
    public ProfileExtension<?> extension() {
        return extension;
    }

    public SegmentSet segments() {
        return segments;
    }

    /** A new, empty profile. */
    public Profile newProfile(String profileId) {
        Object[] states = new Object[features.size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = features.get(i).empty();
        }
        return new Profile(profileId, states, new TreeMap<>(), new BitSet(), 0, Long.MIN_VALUE, Long.MAX_VALUE,
                extension == null ? null : extension.empty());
    }

    /** A deep copy. */
    public Profile copy(Profile p) {
        Object[] states = new Object[p.states.length];
        for (int i = 0; i < states.length; i++) {
            states[i] = features.get(i).copy(p.states[i]);
        }
        return new Profile(p.profileId(), states, new TreeMap<>(p.traits), (BitSet) p.segments.clone(), p.version,
                p.clock, p.nextCheck, extension == null || p.extension == null ? null : extension.copy(p.extension));
    }

    /** Folds an event into a copy of the profile; the argument is not changed. */
    public UpdateResult apply(Profile profile, Event event) {
        return applyInPlace(copy(profile), event);
    }

    /** Whether this updater computes changes. */
    public boolean tracksChanges() {
        return trackChanges;
    }

    /** Folds an event into the profile itself (single-writer runtimes). */
    public UpdateResult applyInPlace(Profile p, Event event) {
        long now = Math.max(p.clock, event.time());
        String cause = event.messageId();
        List<Change> changes = trackChanges ? new ArrayList<>(8) : null;
        Reader reader = new Reader(p, now);
        BitSet toEvaluate = new BitSet();

        int[] touched = featuresByEvent.getOrDefault(event.key(), featuresForEveryEvent);
        long next = p.nextCheck;
        for (int f : touched) {
            Feature<Object> feature = features.get(f);
            if (trackChanges) {
                java.util.Collection<String> keys = feature.changedKeys(event);
                Object before = keys == null ? feature.read(p.states[f], now) : feature.readKeys(p.states[f], now, keys);
                p.states[f] = feature.update(p.states[f], event);
                Object after = keys == null ? feature.read(p.states[f], now) : feature.readKeys(p.states[f], now, keys);
                if (!Objects.equals(before, after)) {
                    changes.add(new Change(featureFields[f], before, after, cause));
                    for (int s : segmentsByFeature[f]) {
                        toEvaluate.set(s);
                    }
                }
                if (keys == null) {
                    reader.cache(f, after);
                }
            } else {
                p.states[f] = feature.update(p.states[f], event);
                for (int s : segmentsByFeature[f]) {
                    toEvaluate.set(s); // unchanged inputs re-evaluate to the same membership: no transition
                }
            }
            if (segmentInputFeatures.get(f)) {
                next = Math.min(next, feature.nextChange(p.states[f], now));
            }
        }

        applyTraits(p, event, changes, toEvaluate);

        p.clock = now;
        p.version++;
        if (now >= p.nextCheck) {
            for (int s : timeSensitiveSegments) {
                toEvaluate.set(s);
            }
        }
        List<SegmentTransition> transitions = evaluate(p, reader, toEvaluate, now, cause);
        // Unless time-dependent segments were just re-checked, only the features this event touched
        // can have a new nextChange: the earliest change of the others after the previous check is
        // still their earliest after now. A touched feature whose change moved later (a reset
        // "days since") leaves an early check behind, which finds nothing and recomputes.
        p.nextCheck = now >= p.nextCheck ? nextCheck(p, now) : next;
        return new UpdateResult(p, changes == null ? List.of() : changes, transitions);
    }

    /**
     * Moves a relation feature's ties to {@code aliases} onto {@code into}: identity found that they
     * name one person ({@code ProfileEngine} decides when; see {@link dev.portrait.core.feature.Ties}).
     * Mutates the profile like {@link #applyInPlace}; segments are re-checked by the fold that follows.
     *
     * @throws IllegalArgumentException when the feature is not a relation
     */
    public void uniteTies(Profile p, int featureIndex, String into, java.util.Collection<String> aliases) {
        Feature<Object> feature = features.get(featureIndex);
        if (!(feature instanceof dev.portrait.core.feature.Ties ties)) {
            throw new IllegalArgumentException("feature " + feature.name() + " (" + feature.kind() + ") holds no ties");
        }
        p.states[featureIndex] = ties.unite(p.states[featureIndex], into, aliases);
    }

    /**
     * Lets time pass with no event: re-evaluates the segments that depend on time when
     * {@code now} has reached the profile's {@link Profile#nextCheck()}. The profile's clock does not
     * move (it only follows events), so replays stay deterministic. Mutates the profile.
     */
    public UpdateResult advance(Profile p, long now) {
        if (now < p.nextCheck) {
            return new UpdateResult(p, List.of(), List.of());
        }
        long at = Math.max(now, p.clock);
        BitSet toEvaluate = new BitSet();
        for (int s : timeSensitiveSegments) {
            toEvaluate.set(s);
        }
        List<SegmentTransition> transitions = evaluate(p, new Reader(p, at), toEvaluate, at, "time");
        p.nextCheck = nextCheck(p, at);
        return new UpdateResult(p, List.of(), transitions);
    }

    /**
     * Folds the loser's profile into the winner's after an identity merge: every feature state with
     * its kind's {@code merge}, traits by their conflict policy, all segments re-evaluated. Returns a
     * new profile under the winner's id; neither argument changes. The loser's memberships end: its
     * exits are listed among the transitions with cause {@code merge}.
     */
    public UpdateResult merge(Profile winner, Profile loser) {
        long now = Math.max(winner.clock, loser.clock);
        String cause = "merge:" + loser.profileId();
        Object[] states = new Object[features.size()];
        List<Change> changes = new ArrayList<>();
        for (int f = 0; f < states.length; f++) {
            Feature<Object> feature = features.get(f);
            states[f] = feature.merge(winner.states[f], loser.states[f]);
            Object before = feature.read(winner.states[f], now);
            Object after = feature.read(states[f], now);
            if (!Objects.equals(before, after)) {
                changes.add(new Change("features." + feature.name(), before, after, cause));
            }
        }
        TreeMap<String, TraitValue> traits = new TreeMap<>(winner.traits);
        for (Map.Entry<String, TraitValue> e : loser.traits.entrySet()) {
            TraitValue current = traits.get(e.getKey());
            TraitValue candidate = e.getValue();
            if (current == null ? traits.size() < MAX_TRAITS : wins(definition.traits().get(e.getKey()), candidate, current)) {
                traits.put(e.getKey(), candidate);
                changes.add(new Change("traits." + e.getKey(), current == null ? null : current.value(),
                        candidate.value(), cause));
            }
        }
        Profile merged = new Profile(winner.profileId(), states, traits, (BitSet) winner.segments.clone(),
                winner.version + loser.version, now, Long.MAX_VALUE, winner.extension);
        BitSet all = new BitSet();
        all.set(0, segments.size());
        List<SegmentTransition> transitions = new ArrayList<>(evaluate(merged, new Reader(merged, now), all, now, cause));
        for (int s = loser.segments.nextSetBit(0); s >= 0; s = loser.segments.nextSetBit(s + 1)) {
            transitions.add(new SegmentTransition(loser.profileId(), segments.name(s), false, now, "merge"));
        }
        merged.nextCheck = nextCheck(merged, now);
        return new UpdateResult(merged, changes, transitions);
    }

    /** Every feature's value at {@code now}, by name, in definition order. */
    public Map<String, Object> featureValues(Profile p, long now) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (int f = 0; f < features.size(); f++) {
            out.put(features.get(f).name(), features.get(f).read(p.states[f], now));
        }
        return out;
    }

    /**
     * What a condition over this profile reads at {@code now} (features read lazily, once each): for
     * ad-hoc conditions such as an audience's {@code where}, evaluated off the fold thread on a copy.
     */
    public SegmentInputs inputs(Profile p, long now) {
        return new Reader(p, now);
    }

    /** The names of the segments the profile is in. */
    public List<String> segmentNames(Profile p) {
        List<String> out = new ArrayList<>();
        for (int s = p.segments.nextSetBit(0); s >= 0; s = p.segments.nextSetBit(s + 1)) {
            out.add(segments.name(s));
        }
        return out;
    }

    private List<SegmentTransition> evaluate(Profile p, Reader reader, BitSet toEvaluate, long now, String cause) {
        List<SegmentTransition> out = null;
        for (int s = toEvaluate.nextSetBit(0); s >= 0; s = toEvaluate.nextSetBit(s + 1)) {
            boolean in = segments.evaluate(s, reader);
            if (in != p.segments.get(s)) {
                p.segments.set(s, in);
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(new SegmentTransition(p.profileId(), segments.name(s), in, now, cause));
            }
        }
        return out == null ? List.of() : out;
    }

    private long nextCheck(Profile p, long now) {
        long next = Long.MAX_VALUE;
        for (int f = segmentInputFeatures.nextSetBit(0); f >= 0; f = segmentInputFeatures.nextSetBit(f + 1)) {
            next = Math.min(next, features.get(f).nextChange(p.states[f], now));
        }
        return next;
    }

    // ---- traits ----

    private void applyTraits(Profile p, Event event, List<Change> changes, BitSet toEvaluate) {
        Map<String, Object> fromContext = contextTraits(event);
        Map<String, Object> own = event.type() == EventType.IDENTIFY ? event.traits() : Map.of();
        if (fromContext.isEmpty() && own.isEmpty()) {
            return;
        }
        String source = sourceOf(event);
        // the call's own traits are applied after context traits, so they win within one event
        for (Map<String, Object> traits : List.of(fromContext, own)) {
            for (Map.Entry<String, Object> e : traits.entrySet()) {
                if (e.getValue() == null) {
                    continue;
                }
                TraitSpec spec = definition.traits().get(e.getKey());
                Object value = spec == null ? e.getValue() : coerce(spec.type(), e.getValue());
                if (value == null) {
                    continue; // cleaning rejects events whose declared traits have the wrong type
                }
                TraitValue candidate = new TraitValue(value, source, event.time());
                TraitValue current = p.traits.get(e.getKey());
                boolean take = current == null ? p.traits.size() < MAX_TRAITS : wins(spec, candidate, current);
                if (take && (current == null || !current.equals(candidate))) {
                    p.traits.put(e.getKey(), candidate);
                    if (current == null || !Objects.equals(current.value(), value)) {
                        if (changes != null) {
                            changes.add(new Change("traits." + e.getKey(), current == null ? null : current.value(),
                                    value, event.messageId()));
                        }
                        int[] affected = segmentsByTrait.get(e.getKey());
                        if (affected != null) {
                            for (int s : affected) {
                                toEvaluate.set(s);
                            }
                        }
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> contextTraits(Event event) {
        Object t = event.context().get("traits");
        return t instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /** The event's channel ({@code server}, {@code browser}, {@code mobile}, …) as Segment sends it. */
    static String sourceOf(Event event) {
        Object channel = event.extra().get("channel");
        if (channel instanceof String s && !s.isEmpty()) {
            return s;
        }
        Object ctxChannel = event.context().get("channel");
        return ctxChannel instanceof String s && !s.isEmpty() ? s : "unknown";
    }

    private static Object coerce(TraitType type, Object v) {
        switch (type) {
            case STRING: return v instanceof String ? v : null;
            case NUMBER: return v instanceof Number n ? (Object) n.doubleValue() : null;
            case INTEGER: return v instanceof Long ? v : null;
            case BOOLEAN: return v instanceof Boolean ? v : null;
            default: return null;
        }
    }

    /**
     * Whether the candidate replaces the current value. Ties are broken by the value's text, so
     * the outcome does not depend on the order events arrive in, or on the order of a merge.
     */
    static boolean wins(TraitSpec spec, TraitValue candidate, TraitValue current) {
        ConflictPolicy policy = spec == null ? ConflictPolicy.LATEST : spec.policy();
        if (policy == ConflictPolicy.SOURCE_PRIORITY) {
            int rc = spec.rank(candidate.source());
            int rk = spec.rank(current.source());
            if (rc != rk) {
                return rc < rk;
            }
        }
        int byTime = Long.compare(candidate.time(), current.time());
        if (byTime != 0) {
            return policy == ConflictPolicy.FIRST ? byTime < 0 : byTime > 0;
        }
        return String.valueOf(candidate.value()).compareTo(String.valueOf(current.value())) > 0;
    }

    /** Reads feature values at one time, once each, for the segments evaluated after an update. */
    private final class Reader implements SegmentInputs {
        private final Profile profile;
        private final long now;
        private Object[] values;
        private long known; // bit per cached feature, for the first 64; beyond that no caching

        Reader(Profile profile, long now) {
            this.profile = profile;
            this.now = now;
        }

        void cache(int f, Object value) {
            if (f < 64 && segmentInputFeatures.get(f)) {
                if (values == null) {
                    values = new Object[Math.min(64, features.size())];
                }
                values[f] = value;
                known |= 1L << f;
            }
        }

        @Override
        public Object feature(int index) {
            if (index < 64 && (known & (1L << index)) != 0) {
                return values[index];
            }
            Object v = features.get(index).read(profile.states[index], now);
            cache(index, v);
            return v;
        }

        @Override
        public Object trait(String name) {
            TraitValue t = profile.traits.get(name);
            return t == null ? null : t.value();
        }
    }

}
