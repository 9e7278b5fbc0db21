package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventBinaryCodec;
import dev.portrait.core.event.EventCodec;
import dev.portrait.store.log.EventCompression;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The event log's per-event preparation on an ingest thread: binary encoding plus compression
 * ({@code prepare}), and the way back on a reader ({@code open}: decompression plus decoding), for each
 * codec, on cleaned {@code SyntheticStream} events (seed 42; the zstd dictionary was trained on seed 7).
 * {@code jsonEncode} is what the v1 log did instead. Bytes per event, and the same timings as this
 * thread's CPU time (steadier than JMH's wall time on a machine shared with other work): {@code main}.
 *
 * <pre>
 * java -jar portrait-bench/target/benchmarks.jar LogCompressionBenchmark
 * java -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.LogCompressionBenchmark   # bytes, CPU µs
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LogCompressionBenchmark {
    static final int POOL = 10_000;

    @Param({"NONE", "LZ4", "ZSTD"})
    public String codec;

    private Event[] events;
    private byte[][] prepared;
    private EventCompression.Codec c;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        c = EventCompression.Codec.valueOf(codec);
        events = sample(POOL, 42);
        prepared = new byte[POOL][];
        for (int i = 0; i < POOL; i++) {
            prepared[i] = EventCompression.prepare(EventBinaryCodec.encode(events[i]), c);
        }
    }

    static Event[] sample(int n, long seed) {
        CleanedStream stream = new CleanedStream(DefinitionLoader.defaultEcommerce(), seed, 100_000);
        Event[] out = new Event[n];
        for (int i = 0; i < n; i++) {
            out[i] = stream.next();
        }
        return out;
    }

    @Benchmark
    public byte[] prepare() {
        Event e = events[next++ % POOL];
        return EventCompression.prepare(EventBinaryCodec.encode(e), c);
    }

    @Benchmark
    public Event open() {
        byte[] p = prepared[next++ % POOL];
        return EventBinaryCodec.decode(EventCompression.open(p, 0, p.length));
    }

    @Benchmark
    public byte[] jsonEncode() {
        return EventCodec.encode(events[next++ % POOL]);
    }

    public static void main(String[] args) {
        Event[] events = sample(POOL, 42);
        long json = 0;
        long binary = 0;
        long[] bytes = new long[EventCompression.Codec.values().length];
        for (Event e : events) {
            json += EventCodec.encode(e).length;
            byte[] b = EventBinaryCodec.encode(e);
            binary += b.length;
            for (EventCompression.Codec c : EventCompression.Codec.values()) {
                bytes[c.ordinal()] += EventCompression.prepare(b, c).length;
            }
        }
        System.out.printf("%,d cleaned synthetic events (seed 42), bytes per event:%n", POOL);
        System.out.printf("  JSON (log v1's plaintext)  %6.1f%n", json / (double) POOL);
        System.out.printf("  binary                     %6.1f%n", binary / (double) POOL);
        for (EventCompression.Codec c : EventCompression.Codec.values()) {
            System.out.printf("  binary + %-17s %6.1f%n", c, bytes[c.ordinal()] / (double) POOL);
        }
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        int rounds = 20;
        long sink = 0;
        System.out.printf("CPU µs per event (this thread), %d passes over the %,d events after 5 warm-up passes:%n",
                rounds, POOL);
        for (int pass = 0; pass < rounds + 5; pass++) {
            for (Event e : events) {
                sink += EventCodec.encode(e).length;
            }
        }
        long t0 = cpu.getCurrentThreadCpuTime();
        for (int pass = 0; pass < rounds; pass++) {
            for (Event e : events) {
                sink += EventCodec.encode(e).length;
            }
        }
        System.out.printf("  JSON encode (log v1)        %6.2f%n", (cpu.getCurrentThreadCpuTime() - t0) / 1e3 / rounds / POOL);
        for (EventCompression.Codec c : EventCompression.Codec.values()) {
            byte[][] prepared = new byte[POOL][];
            for (int pass = 0; pass < 5; pass++) {
                for (int i = 0; i < POOL; i++) {
                    prepared[i] = EventCompression.prepare(EventBinaryCodec.encode(events[i]), c);
                    byte[] p = prepared[i];
                    sink += EventBinaryCodec.decode(EventCompression.open(p, 0, p.length)).properties().size();
                }
            }
            long a = cpu.getCurrentThreadCpuTime();
            for (int pass = 0; pass < rounds; pass++) {
                for (int i = 0; i < POOL; i++) {
                    sink += EventCompression.prepare(EventBinaryCodec.encode(events[i]), c).length;
                }
            }
            long b = cpu.getCurrentThreadCpuTime();
            for (int pass = 0; pass < rounds; pass++) {
                for (byte[] p : prepared) {
                    sink += EventBinaryCodec.decode(EventCompression.open(p, 0, p.length)).properties().size();
                }
            }
            long d = cpu.getCurrentThreadCpuTime();
            System.out.printf("  %-5s encode+compress %6.2f   decompress+decode %6.2f%n", c,
                    (b - a) / 1e3 / rounds / POOL, (d - b) / 1e3 / rounds / POOL);
        }
        System.out.println("(checksum " + sink + ")");
    }
}
