package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.feature.Feature;
import dev.portrait.core.segment.SegmentSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Nanoseconds per {@link Feature#update} of one feature of {@code default-ecommerce.yaml}, over the
 * events of the synthetic workload that feature folds (see {@link SyntheticWorkload}), each person
 * with their own state as in a profile. For a feature that a segment reads, each update is followed
 * by {@link Feature#nextChange}, as the updater does to schedule its next segment check. No
 * {@code read}: that is the updater's change tracking, measured by {@link ProfileUpdaterBenchmark}.
 *
 * <p>{@code feature=all} folds every event into every feature that takes it (the fold without the
 * updater's reads, segments and traits), so its figure is per event, not per update.
 *
 * <p>Each invocation folds {@value #BATCH} consecutive events. A feature's events are repeated, shifted
 * later by the workload's span each time, until its stream is as long as the workload; when that is
 * used up every state starts again from empty, so every lap does the same work.
 *
 * <p>On a machine shared with other work, wall time per operation swings by several times between
 * iterations; {@link FeatureUpdateLoop} runs the same loop and reports CPU time per update instead.
 *
 * Run (from the repository root):
 * <pre>
 * mvn -q -o package -pl portrait-core,portrait-bench -am -DskipTests
 * java --add-modules=jdk.incubator.foreign -jar portrait-bench/target/benchmarks.jar FeatureUpdateBenchmark
 * java --add-modules=jdk.incubator.foreign -jar portrait-bench/target/benchmarks.jar FeatureUpdateBenchmark \
 *     -p feature=interest_category,recently_viewed -wi 2 -w 3 -i 3 -r 3 -f 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.foreign", "-Xms4g", "-Xmx4g"})
public class FeatureUpdateBenchmark {
    static final int BATCH = 10_000;

    @Param({"all",
            "views_1h", "views_24h", "views_7d", "views_30d", "orders_1h", "orders_24h", "orders_7d",
            "orders_30d", "cart_adds_7d", "revenue_30d", "revenue_lifetime", "orders_lifetime",
            "order_value_ewma", "interest_category", "interest_brand", "distinct_products_viewed",
            "recently_viewed", "first_seen", "last_seen", "days_since_first_seen", "days_since_last_seen",
            "days_since_last_order", "sessions", "rfm"})
    public String feature;

    @Param("1000000")
    public int users;

    @Param("1000000")
    public int events;

    private Feature<Object>[] features;
    private boolean[] segmentInput;
    /** Per event of the stream that some chosen feature folds: the features that fold it. */
    private int[][] foldedBy;
    private Event[] stream;
    private int[] person;
    private Object[][] states;
    private long[] clock;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp() {
        ProfileDefinition definition = DefinitionLoader.defaultEcommerce();
        setUp(definition, SyntheticWorkload.generate(definition, 42, users, events));
    }

    /** Prepares {@link #feature}'s stream from a workload made beforehand (shared by {@link FeatureUpdateLoop}). */
    @SuppressWarnings("unchecked")
    void setUp(ProfileDefinition definition, SyntheticWorkload workload) {
        cursor = 0;
        List<Feature<?>> all = definition.features();
        List<Integer> chosen = new ArrayList<>();
        for (int f = 0; f < all.size(); f++) {
            if (feature.equals("all") || all.get(f).name().equals(feature)) {
                chosen.add(f);
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no feature named " + feature + " in " + definition.name());
        }
        features = new Feature[chosen.size()];
        segmentInput = new boolean[chosen.size()];
        BitSet inputs = new BitSet();
        SegmentSet segments = SegmentSet.compile(definition);
        for (int s = 0; s < segments.size(); s++) {
            inputs.or(segments.featureInputs(s));
        }
        for (int i = 0; i < features.length; i++) {
            features[i] = (Feature<Object>) all.get(chosen.get(i));
            segmentInput[i] = inputs.get(chosen.get(i));
        }

        List<Event> kept = new ArrayList<>();
        List<Integer> who = new ArrayList<>();
        List<int[]> by = new ArrayList<>();
        int[] scratch = new int[features.length];
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int n = 0; n < workload.events.length; n++) {
            Event e = workload.events[n];
            first = Math.min(first, e.time());
            last = Math.max(last, e.time());
            int k = 0;
            for (int i = 0; i < features.length; i++) {
                if (features[i].events().isEmpty() || features[i].events().contains(e.key())) {
                    scratch[k++] = i;
                }
            }
            if (k > 0) {
                kept.add(e);
                who.add(workload.person[n]);
                by.add(Arrays.copyOf(scratch, k));
            }
        }
        // A rare event (orders are 0.4% of the stream) would otherwise use its stream up every few
        // thousand updates, and most updates would then land on a freshly emptied state. So the
        // feature's events repeat, each repetition a whole span later, until the stream is as long
        // as the workload: people come back, and a state is emptied once per million updates.
        int matching = kept.size();
        long span = last - first + 86_400_000L;
        for (int copy = 1; kept.size() < workload.events.length; copy++) {
            for (int n = 0; n < matching && kept.size() < workload.events.length; n++) {
                Event e = kept.get(n);
                kept.add(e.withTimestamp(e.timestamp().plusMillis(copy * span)));
                who.add(who.get(n));
                by.add(by.get(n));
            }
        }
        stream = kept.toArray(new Event[0]);
        person = who.stream().mapToInt(Integer::intValue).toArray();
        foldedBy = by.toArray(new int[0][]);
        states = new Object[workload.people][];
        clock = new long[workload.people];
        Arrays.fill(clock, Long.MIN_VALUE);
        System.out.printf("%n%s: %d of %d events over %d people, repeated to %d%n", feature, matching,
                workload.events.length, workload.people, stream.length);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long update() {
        long sink = 0;
        for (int i = 0; i < BATCH; i++) {
            int at = cursor++;
            if (cursor == stream.length) {
                cursor = 0;
                Arrays.fill(states, null);
                Arrays.fill(clock, Long.MIN_VALUE);
            }
            Event e = stream[at];
            int who = person[at];
            Object[] own = states[who];
            if (own == null) {
                own = new Object[features.length];
                for (int f = 0; f < own.length; f++) {
                    own[f] = features[f].empty();
                }
                states[who] = own;
            }
            long now = Math.max(clock[who], e.time());
            clock[who] = now;
            for (int f : foldedBy[at]) {
                own[f] = features[f].update(own[f], e);
                if (segmentInput[f]) {
                    sink += features[f].nextChange(own[f], now);
                }
            }
        }
        return sink;
    }
}
