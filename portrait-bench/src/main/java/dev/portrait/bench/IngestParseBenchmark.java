package dev.portrait.bench;

import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.DefinitionLoader;
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

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The parse-only ceiling of HTTP ingest: events per second that one thread gets through the server's
 * own batch parser ({@code IngestBody.batch}: Jackson streaming, each event bound to a map, its byte span
 * noted) over the load generator's bodies ({@link BatchPool}: 100 events each, 100,000 users, seed 42).
 * {@code parseAndClean} adds the cleaner, the other per-event work an HTTP thread does before the group
 * commit. Dividing an HTTP run's acknowledged events/s by {@code parse} gives the pipeline's efficiency.
 *
 * <pre>
 * mvn -q -o -pl portrait-core,portrait-store,portrait-server,portrait-bench package -DskipTests
 * java -jar portrait-bench/target/benchmarks.jar IngestParseBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class IngestParseBenchmark {
    static final int BATCH = 100;

    @Param("100000")
    public int users;

    @Param("200000")
    public int events;

    private BatchPool pool;
    private Cleaner cleaner;
    private Instant received;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        pool = BatchPool.generate(42, users, events, BATCH, false, Instant.now());
        cleaner = new Cleaner(DefinitionLoader.defaultEcommerce());
        received = Instant.now();
        System.out.printf("%npool: %,d bodies, %,d B/event%n", pool.bodies.length, pool.totalBytes() / pool.events);
    }

    private byte[] body() {
        byte[] b = pool.bodies[next];
        next = next + 1 == pool.bodies.length ? 0 : next + 1;
        return b;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int parse() {
        return IngestBodyProbe.parse(body());
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void parseAndClean(Blackhole bh) {
        for (Map<String, Object> json : IngestBodyProbe.parseToMaps(body())) {
            bh.consume(cleaner.clean(json, received));
        }
    }
}
