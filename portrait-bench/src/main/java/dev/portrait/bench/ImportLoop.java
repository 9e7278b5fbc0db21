package dev.portrait.bench;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.event.EventCodec;
import dev.portrait.synth.SyntheticConfig;
import dev.portrait.synth.SyntheticStream;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.server.runtime.IngestCounters;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@code portrait import} does, without the CLI (which does not exist yet in this tree): JSON lines
 * of Segment events are read, parsed one by one with {@link EventCodec#parseRaw}, and handed to
 * {@link EmbeddedRuntime#ingest} in batches of 1,000 — cleaned on the calling thread, made durable by
 * the group commit, folded by the worker. The rate is printed twice: when the last batch is durable
 * (what the importer's progress bar would show) and when every event is folded and written back
 * ({@link EmbeddedRuntime#flush}), which is when the profiles are ready.
 *
 * <p>With {@code --feeders N > 1} one thread reads lines and N threads parse and ingest, so N batches
 * can wait on the same group commit; with 1 the reader parses and ingests itself, batch after batch.
 *
 * <p>Since issue 10 {@code portrait import} no longer runs this loop: it pipelines (a reader that parses,
 * cleaner threads that clean and encode through {@link EmbeddedRuntime#prepare}, groups of 25,000 events
 * committed in file order through {@link EmbeddedRuntime#commit}, one fsync each). This loop stays as the
 * measure of the per-call {@link EmbeddedRuntime#ingest} path that HTTP uses; measure the importer itself
 * with {@code java -jar portrait-cli/target/portrait.jar import FILE --data DIR}.
 *
 * <pre>
 * # a file of synthetic events (start placed in the recent past, so maxPastAge keeps them)
 * java -cp portrait-bench/target/benchmarks.jar \
 *     dev.portrait.bench.ImportLoop write /tmp/events.jsonl 2000000 100000
 * # the import into a fresh data directory
 * java -cp portrait-bench/target/benchmarks.jar \
 *     dev.portrait.bench.ImportLoop run /tmp/events.jsonl /tmp/import-data [--feeders 1] [--batch 1000]
 * </pre>
 */
public final class ImportLoop {
    private ImportLoop() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 4 && args[0].equals("write")) {
            write(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    args.length > 4 ? Long.parseLong(args[4]) : 42);
        } else if (args.length >= 3 && args[0].equals("run")) {
            int feeders = 1;
            int batch = 1_000;
            for (int i = 3; i + 1 < args.length; i += 2) {
                switch (args[i]) {
                    case "--feeders" -> feeders = Integer.parseInt(args[i + 1]);
                    case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                    default -> throw new IllegalArgumentException("unknown flag " + args[i]);
                }
            }
            run(Path.of(args[1]), Path.of(args[2]), feeders, batch);
        } else {
            throw new IllegalArgumentException("usage: ImportLoop write FILE EVENTS USERS [SEED] | "
                    + "ImportLoop run FILE DATA_DIR [--feeders N] [--batch N]");
        }
    }

    static void write(Path file, int events, int users, long seed) throws IOException {
        Instant start = Instant.now().minus(Duration.ofSeconds(Math.max(3600, events / 60L)));
        SyntheticStream stream = SyntheticStream.of(SyntheticConfig.defaults(seed).withUsers(users).withStart(start))
                .limit(events);
        long bytes = 0;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            while (stream.hasNext()) {
                byte[] line = stream.next().toJsonLine();
                out.write(line);
                out.write('\n');
                bytes += line.length + 1;
            }
        }
        System.out.printf("wrote %,d events (%,d bytes) over %,d users to %s%n", events, bytes, users, file);
    }

    private static final List<byte[]> END = new ArrayList<>();

    static void run(Path file, Path dataDir, int feeders, int batchSize) throws Exception {
        if (Files.exists(dataDir) && Files.list(dataDir).findAny().isPresent()) {
            throw new IllegalArgumentException(dataDir + " is not empty; an import measurement needs a fresh directory");
        }
        double[] load0 = LoadGenerator.loadAverage();
        PortraitStore store = PortraitStore.open(dataDir, StoreOptions.defaults());
        EmbeddedRuntime runtime = EmbeddedRuntime.start(store, DefinitionLoader.defaultEcommerce(), Clock.systemUTC(),
                RuntimeOptions.defaults(), IngestCounters.NONE);
        LongAdder stored = new LongAdder();
        LongAdder duplicates = new LongAdder();
        LongAdder quarantined = new LongAdder();
        LongAdder unparsable = new LongAdder();
        long cpu0 = cpuNanos();
        long start = System.nanoTime();
        long lines = 0;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (InputStream raw = Files.newInputStream(file)) {
            LineReader in = new LineReader(raw);
            if (feeders <= 1) {
                for (List<byte[]> batch = readBatch(in, batchSize); !batch.isEmpty(); batch = readBatch(in, batchSize)) {
                    lines += batch.size();
                    ingest(runtime, batch, stored, duplicates, quarantined, unparsable);
                }
            } else {
                BlockingQueue<List<byte[]>> queue = new ArrayBlockingQueue<>(2 * feeders);
                List<Thread> threads = new ArrayList<>();
                for (int f = 0; f < feeders; f++) {
                    Thread t = new Thread(() -> {
                        try {
                            while (true) {
                                List<byte[]> batch = queue.take();
                                if (batch == END) {
                                    break;
                                }
                                ingest(runtime, batch, stored, duplicates, quarantined, unparsable);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } catch (RuntimeException e) {
                            failure.compareAndSet(null, e);
                        }
                    }, "feeder-" + f);
                    t.start();
                    threads.add(t);
                }
                for (List<byte[]> batch = readBatch(in, batchSize); !batch.isEmpty(); batch = readBatch(in, batchSize)) {
                    lines += batch.size();
                    while (!queue.offer(batch, 1, TimeUnit.SECONDS)) {
                        if (failure.get() != null) {
                            throw new IllegalStateException("a feeder failed", failure.get());
                        }
                    }
                }
                for (int f = 0; f < feeders; f++) {
                    queue.put(END);
                }
                for (Thread t : threads) {
                    t.join();
                }
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a feeder failed", failure.get());
        }
        long durable = System.nanoTime();
        long lagAtDurable = runtime.lag();
        runtime.flush();
        long folded = System.nanoTime();
        long cpu1 = cpuNanos();
        double[] load1 = LoadGenerator.loadAverage();
        runtime.close();
        store.close();

        double toDurable = (durable - start) / 1e9;
        double toFolded = (folded - start) / 1e9;
        System.out.printf("import of %,d lines, batches of %,d, %d feeder%s: %,d stored, %,d duplicates, %,d quarantined, "
                        + "%,d unparsable%n", lines, batchSize, feeders, feeders == 1 ? "" : "s", stored.sum(),
                duplicates.sum(), quarantined.sum(), unparsable.sum());
        System.out.printf("durable: %.1f s → %,.0f events/s (lag then %,d events)%n", toDurable, lines / toDurable,
                lagAtDurable);
        System.out.printf("folded and written back: %.1f s → %,.0f events/s%n", toFolded, lines / toFolded);
        System.out.printf("CPU %.2f cores; load average %.2f → %.2f%n", (cpu1 - cpu0) / 1e9 / toFolded, load0[0], load1[0]);
        System.out.printf(java.util.Locale.ROOT, "RESULT import_lines=%d feeders=%d durable_eps=%.0f folded_eps=%.0f "
                + "load1_start=%.2f load1_end=%.2f%n", lines, feeders, lines / toDurable, lines / toFolded, load0[0], load1[0]);
    }

    private static void ingest(EmbeddedRuntime runtime, List<byte[]> lines, LongAdder stored, LongAdder duplicates,
                               LongAdder quarantined, LongAdder unparsable) {
        Instant received = Instant.now();
        List<IncomingEvent> events = new ArrayList<>(lines.size());
        for (byte[] line : lines) {
            try {
                events.add(new IncomingEvent(EventCodec.parseRaw(line), line, received, events.size()));
            } catch (PortraitException e) {
                unparsable.increment(); // the real importer quarantines these; synthetic lines always parse
            }
        }
        for (IngestOutcome o : runtime.ingest(events)) {
            if (o instanceof IngestOutcome.Stored) {
                stored.increment();
            } else if (o instanceof IngestOutcome.Duplicate) {
                duplicates.increment();
            } else {
                quarantined.increment();
            }
        }
    }

    /** Lines of a stream, read a megabyte at a time (a byte-at-a-time read would cost more than the parse). */
    private static final class LineReader {
        private final InputStream in;
        private byte[] buf = new byte[1 << 20];
        private int pos;
        private int lim;
        private boolean eof;

        LineReader(InputStream in) {
            this.in = in;
        }

        /** The next non-empty line without its line break, or null at the end. */
        byte[] next() throws IOException {
            while (true) {
                for (int i = pos; i < lim; i++) {
                    if (buf[i] == '\n') {
                        byte[] line = java.util.Arrays.copyOfRange(buf, pos, i);
                        pos = i + 1;
                        if (line.length > 0) {
                            return line;
                        }
                        i = pos - 1;
                    }
                }
                if (eof) {
                    if (pos < lim) {
                        byte[] line = java.util.Arrays.copyOfRange(buf, pos, lim);
                        pos = lim;
                        return line;
                    }
                    return null;
                }
                // keep the partial line, make room, read more
                int rest = lim - pos;
                if (rest == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                }
                System.arraycopy(buf, pos, buf, 0, rest);
                pos = 0;
                lim = rest;
                int n = in.read(buf, lim, buf.length - lim);
                if (n < 0) {
                    eof = true;
                } else {
                    lim += n;
                }
            }
        }
    }

    private static List<byte[]> readBatch(LineReader in, int size) throws IOException {
        List<byte[]> out = new ArrayList<>(size);
        while (out.size() < size) {
            byte[] line = in.next();
            if (line == null) {
                break;
            }
            out.add(line);
        }
        return out;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
