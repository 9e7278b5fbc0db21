package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.profile.Profile;
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

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Events per second through the whole engine step ({@link ProfileEngine#apply}): identity resolution
 * against an in-memory identity store, merges, the fold, segments and the per-person part of every
 * model the shipped {@code default-ecommerce.yaml} declares (recommender, personas, propensity, bot
 * score); {@code applyAndLearn} adds the shared models learning each step's updates on the same
 * thread (the runtime runs that one queue behind). One thread, over the synthetic stream of a million users (cleaned and deduplicated beforehand). When
 * the stream is used up, identities, profiles and the shared models start again from empty, so every
 * lap does the same work.
 *
 * Run (from the repository root):
 * <pre>
 * mvn -q -o package -pl portrait-bench -am -DskipTests
 * java -jar portrait-bench/target/benchmarks.jar ProfileEngineBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 10)
@Measurement(iterations = 5, time = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
public class ProfileEngineBenchmark {
    static final int BATCH = 10_000;

    @Param("1000000")
    public int users;

    @Param("1000000")
    public int events;

    private ProfileDefinition definition;
    private SyntheticWorkload workload;
    private ProfileEngine engine;
    private InMemoryIdentityStore identities;
    private ProfileTable profiles;
    private int cursor;

    @Setup(Level.Trial)
    public void setUp() {
        definition = DefinitionLoader.defaultEcommerce();
        workload = SyntheticWorkload.generate(definition, 42, users, events);
        lap();
        System.out.printf("%nworkload: %d events for %d people (%d generated, %d rejected, %d duplicates)%n",
                workload.events.length, workload.people, workload.generated, workload.rejected, workload.duplicates);
    }

    private void lap() {
        engine = new ProfileEngine(definition);
        identities = new InMemoryIdentityStore();
        Map<String, Profile> map = new HashMap<>(2 * workload.people);
        profiles = ProfileTable.inMemory(map);
        cursor = 0;
    }

    /** The engine step: identity, merges, fold, segments, per-person model state, the shared models' updates listed. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void apply(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            if (cursor == workload.events.length) {
                lap();
            }
            bh.consume(engine.apply(workload.events[cursor++], identities, profiles));
        }
    }

    /** The step and, on the same thread, the shared models learning its updates (co-occurrence, centroids, weights). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void applyAndLearn(Blackhole bh) {
        for (int i = 0; i < BATCH; i++) {
            if (cursor == workload.events.length) {
                lap();
            }
            var step = engine.apply(workload.events[cursor++], identities, profiles);
            engine.sharedModels().absorb(step.modelUpdates());
            bh.consume(step);
        }
    }
}
