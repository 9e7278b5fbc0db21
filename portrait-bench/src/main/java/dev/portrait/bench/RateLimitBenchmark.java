package dev.portrait.bench;

import dev.portrait.server.http.IngestBenchmarkSeam;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the per-key rate limit adds to an ingest call: the server's own check ({@code RateLimits.admit}
 * through {@link IngestBenchmarkSeam#ingestAdmission}) with the ingest limit off (the default) and on at a
 * rate it never reaches, from one thread and from two threads on the same key (every call a contended
 * compare-and-set on one bucket, the worst case). An ingest call costs tens of microseconds (parse, clean,
 * group commit); this is the number to hold against it.
 *
 * <pre>
 * mvn -q -o -pl portrait-core,portrait-synth,portrait-store,portrait-server,portrait-bench -am package -DskipTests
 * java -jar portrait-bench/target/benchmarks.jar RateLimitBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateLimitBenchmark {
    @Param({"false", "true"})
    public boolean limited;

    private Runnable admit;

    @Setup
    public void setUp() {
        admit = IngestBenchmarkSeam.ingestAdmission(limited);
    }

    @Benchmark
    public void oneThread() {
        admit.run();
    }

    @Benchmark
    @Threads(2)
    public void twoThreadsOneKey() {
        admit.run();
    }
}
