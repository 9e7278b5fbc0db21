package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.event.Event;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.profile.UpdateResult;
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
import org.openjdk.jmh.infra.Blackhole;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Events per second through {@link ProfileUpdater} with {@code default-ecommerce.yaml}, one thread,
 * over a synthetic stream of a million users (cleaned and deduplicated beforehand; see
 * {@link SyntheticWorkload}). Each invocation folds {@value #BATCH} consecutive events; when the
 * stream is used up the profiles start again from empty, so every lap does the same work.
 *
 * <ul>
 *   <li>{@code applyInPlace} — the fold as the engine runs it by default: change values not computed
 *       (only a consumer of changes asks for them; see {@code ProfileUpdater});</li>
 *   <li>{@code applyInPlaceTrackingChanges} — the same with every change's old and new value computed
 *       (what a runtime that writes a per-event changelog pays);</li>
 *   <li>{@code applyPure} — the pure {@code apply}, which deep-copies the profile first.</li>
 * </ul>
 *
 * Run (from the repository root):
 * <pre>
 * mvn -q -o package -pl portrait-core,portrait-bench -am -DskipTests
 * java -jar portrait-bench/target/benchmarks.jar ProfileUpdaterBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
public class ProfileUpdaterBenchmark {
    static final int BATCH = 10_000;

    @Param("1000000")
    public int users;

    @Param("1000000")
    public int events;

    private ProfileUpdater updater;
    private ProfileUpdater tracking;
    private SyntheticWorkload workload;
    private Profile[] profiles;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp() {
        updater = new ProfileUpdater(DefinitionLoader.defaultEcommerce(), null, ProfileUpdater.ChangeTracking.OFF);
        tracking = new ProfileUpdater(updater.definition(), null, ProfileUpdater.ChangeTracking.ON);
        workload = SyntheticWorkload.generate(updater.definition(), 42, users, events);
        profiles = new Profile[workload.people];
        System.out.printf("%nworkload: %d events for %d people (%d generated, %d rejected, %d duplicates)%n",
                workload.events.length, workload.people, workload.generated, workload.rejected, workload.duplicates);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void applyInPlace(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            int at = next();
            Profile p = profile(at);
            bh.consume(updater.applyInPlace(p, workload.events[at]));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void applyInPlaceTrackingChanges(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            int at = next();
            Profile p = profile(at);
            bh.consume(tracking.applyInPlace(p, workload.events[at]));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void applyPure(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            int at = next();
            int who = workload.person[at];
            UpdateResult r = updater.apply(profile(at), workload.events[at]);
            profiles[who] = r.profile();
            bh.consume(r);
        }
    }

    private int next() {
        int at = cursor++;
        if (cursor == workload.events.length) {
            cursor = 0;
            Arrays.fill(profiles, null);
        }
        return at;
    }

    private Profile profile(int at) {
        int who = workload.person[at];
        Profile p = profiles[who];
        if (p == null) {
            Event e = workload.events[at];
            p = updater.newProfile("p" + who + (e.userId() == null ? "a" : "u"));
            profiles[who] = p;
        }
        return p;
    }
}
