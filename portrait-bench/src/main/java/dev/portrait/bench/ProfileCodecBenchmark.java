package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Encoding and decoding one profile ({@link ProfileCodec}), over the profiles the engine folds from the
 * synthetic stream with the shipped e-commerce definition (100,000 people, 300,000 events: the load
 * generator's default shape). The embedded runtime encodes every profile an event touched once per
 * publication, so this is a per-event cost of the fold thread when people are many.
 *
 * <pre>
 * java -jar portrait-bench/target/benchmarks.jar ProfileCodecBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class ProfileCodecBenchmark {
    @Param("100000")
    public int users;

    @Param("300000")
    public int events;

    private ProfileCodec codec;
    private Profile[] profiles;
    private byte[][] encoded;
    private int cursor;

    @Setup
    public void setUp() {
        ProfileDefinition definition = DefinitionLoader.defaultEcommerce();
        SyntheticWorkload workload = SyntheticWorkload.generate(definition, 42, users, events);
        ProfileEngine engine = new ProfileEngine(definition);
        Map<String, Profile> map = new HashMap<>(2 * workload.people);
        ProfileTable table = ProfileTable.inMemory(map);
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        for (var e : workload.events) {
            engine.apply(e, identities, table);
        }
        codec = new ProfileCodec(engine.updater());
        profiles = map.values().toArray(new Profile[0]);
        encoded = new byte[profiles.length][];
        long bytes = 0;
        for (int i = 0; i < profiles.length; i++) {
            encoded[i] = codec.encode(profiles[i]);
            bytes += encoded[i].length;
        }
        System.out.printf("%n%d profiles, %.0f bytes each on average%n", profiles.length, (double) bytes / profiles.length);
    }

    @Benchmark
    public byte[] encode() {
        Profile p = profiles[cursor];
        cursor = cursor + 1 == profiles.length ? 0 : cursor + 1;
        return codec.encode(p);
    }

    @Benchmark
    public Profile decode() {
        byte[] b = encoded[cursor];
        cursor = cursor + 1 == encoded.length ? 0 : cursor + 1;
        return codec.decode(b);
    }
}
