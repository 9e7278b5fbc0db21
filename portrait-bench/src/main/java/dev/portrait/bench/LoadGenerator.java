package dev.portrait.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.DefinitionLoader;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPOutputStream;

/**
 * Load for a running Portrait server, from a process of its own: Segment batches as fast as the server
 * acknowledges them ({@code ingest}, or at {@code --ingest-rate} events/s when given), or at a fixed rate
 * with profile reads alongside ({@code mixed}).
 *
 * <h2>What is measured, and what is not</h2>
 * The bodies are generated before any clock starts ({@link BatchPool}); a sender only writes the lap
 * number into its body and sends it. Each of {@code --connections} threads owns a slice of the pool and
 * one keep-alive HTTP/1.1 connection of the JDK's {@link HttpClient} (blocking {@code send}), so it has
 * one request in flight at a time. Only 2xx answers count as acknowledged events (every event in them:
 * stored, duplicate, or quarantined with an index in the answer — each was dealt with durably); any other
 * status is counted by status and its events are not. Ingest latency is the time of one request, send to
 * last byte of the answer. Profile reads are paced open-loop by {@code --get-connections} threads on a
 * fixed schedule, and their latency is measured from the moment the schedule said to send (as wrk2
 * does), so a stalled server shows up in the percentiles instead of hiding in a lower request rate;
 * the plain service time is printed beside it.
 *
 * <p>With {@code --ingest-for S} the senders stop after S seconds (inside the warm-up), so a mixed run
 * measures GETs alone over the people ingested before: the read path's own latency. With {@code --once}
 * each sender sends its slice of the pool once and the window is as long as that takes (a fill, as
 * {@code run-reads.sh} does before reading with wrk); {@code --ids-out FILE} then writes the acknowledged
 * user ids.
 *
 * <p>The first {@code --warmup} seconds run the same load unrecorded. After the measured window the
 * generator reads the server's {@code /metrics} until the pipeline lag is zero (bounded by
 * {@code --drain-timeout}), because an acknowledgement means "durable", not "folded into the profile":
 * the applied rate is printed beside the acknowledged one. Last, with the server idle, the same bodies are
 * parsed in this process by the server's own parser on one thread ({@code --parse-seconds}), which gives
 * the parse-only ceiling of the same run.
 *
 * <p>The generator runs on the same machine as the server and takes CPU from it; its own CPU time and,
 * with {@code --server-pid}, the server's are printed, as is the load average.
 *
 * <pre>
 * java -Xmx3g -cp portrait-bench/target/benchmarks.jar \
 *     dev.portrait.bench.LoadGenerator --port-file /tmp/p.port --write-key w --read-key r \
 *     --mode ingest --connections 16 --duration 60 [--mode mixed --ingest-rate 40000 --get-rate 5000]
 * </pre>
 * Only {@code 127.0.0.1} is accepted as a target. {@code run-load.sh} next to the pom starts a server
 * with a fresh data directory around it.
 */
public final class LoadGenerator {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoadGenerator() {
    }

    /** The command line; every value is checked when parsed. */
    static final class Options {
        String url = "http://127.0.0.1:8080";
        Path portFile;
        String writeKey = "bench-write";
        String readKey = "bench-read";
        int duration = 60;
        int warmup = 10;
        int connections = 16;
        int batch = 100;
        int users = 100_000;
        int events = 500_000;
        long seed = 42;
        String mode = "ingest";
        int ingestRate;
        int getRate = 5_000;
        int getConnections = 8;
        boolean gzip;
        boolean freshPeople;
        long serverPid = -1;
        int drainTimeout = 300;
        int parseSeconds = 10;
        int ingestFor;
        Path idsOut;
        boolean once;

        static Options parse(String[] args) throws IOException {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                switch (flag) {
                    case "--gzip" -> o.gzip = true;
                    case "--fresh-people" -> o.freshPeople = true;
                    case "--once" -> o.once = true;
                    default -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(flag + " needs a value");
                        }
                        String v = args[++i];
                        switch (flag) {
                            case "--url" -> o.url = v;
                            case "--port-file" -> o.portFile = Path.of(v);
                            case "--write-key" -> o.writeKey = v;
                            case "--read-key" -> o.readKey = v;
                            case "--duration" -> o.duration = atLeast(flag, v, 1);
                            case "--warmup" -> o.warmup = atLeast(flag, v, 0);
                            case "--connections" -> o.connections = atLeast(flag, v, 1);
                            case "--batch" -> o.batch = atLeast(flag, v, 1);
                            case "--users" -> o.users = atLeast(flag, v, 1);
                            case "--events" -> o.events = atLeast(flag, v, 1);
                            case "--seed" -> o.seed = Long.parseLong(v);
                            case "--mode" -> o.mode = v;
                            case "--ingest-rate" -> o.ingestRate = atLeast(flag, v, 1);
                            case "--get-rate" -> o.getRate = atLeast(flag, v, 1);
                            case "--get-connections" -> o.getConnections = atLeast(flag, v, 1);
                            case "--server-pid" -> o.serverPid = Long.parseLong(v);
                            case "--drain-timeout" -> o.drainTimeout = atLeast(flag, v, 0);
                            case "--parse-seconds" -> o.parseSeconds = atLeast(flag, v, 0);
                            case "--ingest-for" -> o.ingestFor = atLeast(flag, v, 1);
                            case "--ids-out" -> o.idsOut = Path.of(v);
                            default -> throw new IllegalArgumentException("unknown flag " + flag);
                        }
                    }
                }
            }
            if (!o.mode.equals("ingest") && !o.mode.equals("mixed")) {
                throw new IllegalArgumentException("--mode is ingest or mixed, got " + o.mode);
            }
            if (o.mode.equals("mixed") && o.ingestRate == 0) {
                throw new IllegalArgumentException("--mode mixed needs --ingest-rate (events/s)");
            }
            if (o.portFile != null) {
                o.url = "http://127.0.0.1:" + Files.readString(o.portFile).strip();
            }
            URI u = URI.create(o.url);
            if (!"127.0.0.1".equals(u.getHost())) {
                throw new IllegalArgumentException("only http://127.0.0.1 is an allowed target, got " + o.url);
            }
            if (o.events / o.batch < 4 * o.connections) {
                throw new IllegalArgumentException("--events " + o.events + " make " + o.events / o.batch
                        + " bodies; give each of the " + o.connections + " connections at least 4");
            }
            return o;
        }

        private static int atLeast(String flag, String v, int min) {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n < min) {
                throw new IllegalArgumentException(flag + " must be at least " + min + ", got " + v);
            }
            return n;
        }
    }

    /** What happened, added up across threads; snapshots at the window's edges give the window's share. */
    static final class Tally {
        final LongAdder ingestRequestsOk = new LongAdder();
        final LongAdder eventsAcked = new LongAdder();
        final LongAdder stored = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder rejected = new LongAdder();
        final LongAdder getOk = new LongAdder();
        final LongAdder getNotFound = new LongAdder();
        final Map<String, LongAdder> failures = new ConcurrentHashMap<>();

        void fail(String what) {
            failures.computeIfAbsent(what, k -> new LongAdder()).increment();
        }

        long[] snapshot() {
            return new long[] {ingestRequestsOk.sum(), eventsAcked.sum(), stored.sum(), duplicates.sum(),
                    rejected.sum(), getOk.sum(), getNotFound.sum()};
        }

        Map<String, Long> failureSnapshot() {
            Map<String, Long> m = new TreeMap<>();
            failures.forEach((k, v) -> m.put(k, v.sum()));
            return m;
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        System.out.printf("load generator: %s mode, %d connections, batch %d, %,d users, pool %,d events%s%s → %s%n",
                o.mode, o.connections, o.batch, o.users, o.events, o.gzip ? ", gzip" : "",
                o.freshPeople ? ", fresh people every lap" : "", o.url);
        if (o.mode.equals("mixed")) {
            System.out.printf("mixed: ingest %,d events/s, GET %,d req/s over %d threads%n", o.ingestRate, o.getRate,
                    o.getConnections);
        }

        long genStart = System.nanoTime();
        BatchPool pool = BatchPool.generate(o.seed, o.users, o.events, o.batch, o.freshPeople, Instant.now());
        byte[][] gz = o.gzip ? gzipAll(pool.bodies) : null;
        System.out.printf("pool: %,d bodies, %,d events (%,d malformed, %,d duplicates) of %,d people, %.1f MB "
                        + "(%,d B/event)%s, event times %s … %s, generated in %.1f s%n",
                pool.bodies.length, pool.events, pool.malformed, pool.duplicates, pool.people, pool.totalBytes() / 1e6,
                pool.totalBytes() / pool.events, gz == null ? "" : String.format(", gzip %.1f MB", total(gz) / 1e6),
                pool.firstEventTime, pool.lastEventTime, (System.nanoTime() - genStart) / 1e9);
        if (pool.lastEventTime != null && pool.lastEventTime.isAfter(Instant.now())) {
            throw new IllegalStateException("the pool's last event time lies in the future: " + pool.lastEventTime);
        }

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI base = URI.create(o.url);
        String writeAuth = basic(o.writeKey);
        String readAuth = basic(o.readKey);
        metricsAuth = readAuth; // /metrics wants a read key unless the server opened it

        Tally tally = new Tally();
        Recorder ingestLatency = new Recorder(3);
        Recorder getLatency = new Recorder(3);
        Recorder getService = new Recorder(3);
        AtomicIntegerArray ackedOnce = new AtomicIntegerArray(pool.bodies.length);
        AtomicIntegerArray ackedOrder = new AtomicIntegerArray(pool.bodies.length);
        AtomicInteger ackedReserved = new AtomicInteger();
        AtomicInteger ackedPublished = new AtomicInteger();

        long t0 = System.nanoTime() + 200_000_000L;
        long measureStart = t0 + o.warmup * 1_000_000_000L;
        long end = measureStart + o.duration * 1_000_000_000L;

        List<Thread> threads = new ArrayList<>();
        boolean mixed = o.mode.equals("mixed");
        // --ingest-for: senders stop after that many seconds (inside the warm-up), so the window measures GETs alone
        long ingestEnd = o.ingestFor > 0 ? t0 + o.ingestFor * 1_000_000_000L : 0;
        long ingestInterval = o.ingestRate > 0 ? (long) (1e9 * o.connections * o.batch / o.ingestRate) : 0;
        for (int s = 0; s < o.connections; s++) {
            int sender = s;
            Thread t = new Thread(() -> {
                int[] slice = slice(pool.bodies.length, o.connections, sender);
                int k = 0;
                int lap = 0;
                long next = t0 + (ingestInterval * sender) / o.connections;
                URI uri = base.resolve("/v1/batch");
                while (true) {
                    long now = System.nanoTime();
                    if (now >= end || ingestEnd > 0 && now >= ingestEnd) {
                        break;
                    }
                    if (ingestInterval > 0) {
                        if (now < next) {
                            LockSupport.parkNanos(Math.min(next, end) - now);
                            if (System.nanoTime() >= end) {
                                break;
                            }
                        } else if (now - next > ingestInterval) {
                            next = now; // behind by more than a slot: do not burst to catch up
                        }
                        next += ingestInterval;
                    } else if (now < t0) {
                        LockSupport.parkNanos(t0 - now);
                    }
                    int b = slice[k];
                    byte[] body;
                    if (gz != null) {
                        body = gz[b];
                    } else {
                        pool.stamp(b, lap);
                        body = pool.bodies[b];
                    }
                    boolean lastOfPool = false;
                    if (++k == slice.length) {
                        k = 0;
                        lap++;
                        lastOfPool = o.once;
                        if (gz != null || lap >= BatchPool.MAX_LAPS) {
                            tally.fail(gz != null ? "pool used up (gzip bodies are sent once)" : "lap limit reached");
                            break;
                        }
                    }
                    HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                            .header("Authorization", writeAuth).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                    if (gz != null) {
                        rb.header("Content-Encoding", "gzip");
                    }
                    long sent = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
                        long took = System.nanoTime() - sent;
                        if (r.statusCode() / 100 == 2) {
                            ingestLatency.recordValue(Math.max(1, took / 1_000));
                            countAnswer(r.body(), tally);
                            if (ackedOnce.compareAndSet(b, 0, 1)) {
                                int slot = ackedReserved.getAndIncrement();
                                ackedOrder.set(slot, b);
                                while (!ackedPublished.compareAndSet(slot, slot + 1)) {
                                    Thread.onSpinWait();
                                }
                            }
                        } else {
                            tally.fail("POST /v1/batch " + r.statusCode());
                            if (r.statusCode() == 503) {
                                // overloaded: back off as the SDKs do (they honour Retry-After with jittered
                                // exponential backoff); a short fixed pause keeps the pressure on without
                                // turning the window into a storm of refusals
                                Thread.sleep(100);
                            }
                        }
                    } catch (IOException e) {
                        tally.fail("POST /v1/batch " + e.getClass().getSimpleName());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    if (lastOfPool) {
                        break; // --once: the slice is sent
                    }
                }
            }, "ingest-" + s);
            threads.add(t);
        }
        if (mixed) {
            long getInterval = (long) (1e9 * o.getConnections / o.getRate);
            for (int g = 0; g < o.getConnections; g++) {
                int reader = g;
                Thread t = new Thread(() -> {
                    SplittableRandom random = new SplittableRandom(o.seed * 31 + reader);
                    long next = t0 + (getInterval * reader) / o.getConnections;
                    while (true) {
                        long now = System.nanoTime();
                        if (now >= end) {
                            break;
                        }
                        if (now < next) {
                            LockSupport.parkNanos(Math.min(next, end) - now);
                            if (System.nanoTime() >= end) {
                                break;
                            }
                        }
                        long intended = next;
                        next += getInterval;
                        String id = knownUser(pool, ackedOrder, ackedPublished.get(), random);
                        if (id == null) {
                            tally.fail("GET skipped: no user acknowledged yet");
                            continue;
                        }
                        URI uri = base.resolve("/v1/profiles/user_id/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
                        HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                                .header("Authorization", readAuth).GET().build();
                        long sent = System.nanoTime();
                        try {
                            HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
                            long done = System.nanoTime();
                            if (r.statusCode() == 200 || r.statusCode() == 404) {
                                getLatency.recordValue(Math.max(1, (done - Math.min(intended, sent)) / 1_000));
                                getService.recordValue(Math.max(1, (done - sent) / 1_000));
                                (r.statusCode() == 200 ? tally.getOk : tally.getNotFound).increment();
                            } else {
                                tally.fail("GET profile " + r.statusCode());
                            }
                        } catch (IOException e) {
                            tally.fail("GET profile " + e.getClass().getSimpleName());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                }, "get-" + g);
                threads.add(t);
            }
        }

        long[] serverMetrics0 = new long[] {-1, -1};
        threads.forEach(Thread::start);
        sleepUntil(measureStart);
        // the window opens: drop what the warm-up recorded
        ingestLatency.getIntervalHistogram();
        getLatency.getIntervalHistogram();
        getService.getIntervalHistogram();
        long[] before = tally.snapshot();
        Map<String, Long> failuresBefore = tally.failureSnapshot();
        double[] load0 = loadAverage();
        long genCpu0 = processCpuNanos();
        long serverCpu0 = serverCpuTicks(o.serverPid);
        Map<String, long[]> sched0 = schedByGroup(o.serverPid);
        long[] machine0 = machineTicks();
        long windowStart = System.nanoTime();
        serverMetrics0 = serverMetrics(client, base);

        if (o.once) {
            for (Thread t : threads) {
                t.join();
            }
        } else {
            sleepUntil(end);
        }
        long windowEnd = System.nanoTime();
        long[] after = tally.snapshot();
        Map<String, Long> failuresAfter = tally.failureSnapshot();
        Histogram ingestH = ingestLatency.getIntervalHistogram();
        Histogram getH = getLatency.getIntervalHistogram();
        Histogram serviceH = getService.getIntervalHistogram();
        long genCpu1 = processCpuNanos();
        long serverCpu1 = serverCpuTicks(o.serverPid);
        Map<String, long[]> sched1 = schedByGroup(o.serverPid);
        long[] machine1 = machineTicks();
        double[] load1 = loadAverage();
        long[] serverMetrics1 = serverMetrics(client, base);
        for (Thread t : threads) {
            t.join(70_000); // a request times out after 60 s
        }

        double seconds = (windowEnd - windowStart) / 1e9;
        long acked = after[1] - before[1];
        System.out.printf("%nwindow: %.1f s measured after %d s warm-up; load average %.2f → %.2f (1 min)%n",
                seconds, o.warmup, load0[0], load1[0]);
        System.out.printf("ingest: %,.0f events/s acknowledged (2xx), %,.0f requests/s; of the events: %,d stored, "
                        + "%,d duplicates, %,d quarantined%n", acked / seconds, (after[0] - before[0]) / seconds,
                after[2] - before[2], after[3] - before[3], after[4] - before[4]);
        System.out.printf("ingest latency (ms): %s%n", percentiles(ingestH));
        if (mixed) {
            System.out.printf("GET: %,.0f req/s (%,d 200, %,d 404); latency from the scheduled send (ms): %s%n",
                    (after[5] - before[5] + after[6] - before[6]) / seconds, after[5] - before[5], after[6] - before[6],
                    percentiles(getH));
            System.out.printf("GET service time (ms): %s%n", percentiles(serviceH));
        }
        Map<String, Long> windowFailures = new TreeMap<>();
        failuresAfter.forEach((k, v) -> {
            long d = v - failuresBefore.getOrDefault(k, 0L);
            if (d > 0) {
                windowFailures.put(k, d);
            }
        });
        System.out.printf("non-2xx and errors in the window: %s%n", windowFailures.isEmpty() ? "none" : windowFailures);
        System.out.printf("CPU: generator %.2f cores", (genCpu1 - genCpu0) / 1e9 / seconds);
        if (serverCpu0 >= 0 && serverCpu1 >= 0) {
            System.out.printf(", server %.2f cores", (serverCpu1 - serverCpu0) / 100.0 / seconds);
        }
        System.out.println(" (of " + Runtime.getRuntime().availableProcessors() + ")");
        System.out.printf("machine in the window: %s%n", machineShares(machine0, machine1));
        printSched("window (per acknowledged event)", sched0, sched1, seconds, acked);

        long appliedInWindow = -1;
        if (serverMetrics0[0] >= 0 && serverMetrics1[0] >= 0) {
            appliedInWindow = serverMetrics1[0] - serverMetrics0[0];
            System.out.printf("server: %,.0f events/s folded into profiles in the window; pipeline lag %,d → %,d events%n",
                    appliedInWindow / seconds, serverMetrics0[1], serverMetrics1[1]);
        }
        long drainStart = System.nanoTime();
        Map<String, long[]> schedDrain = schedByGroup(o.serverPid);
        long[] metricsDrain = serverMetrics(client, base);
        double drainSeconds = drain(client, base, o.drainTimeout);
        long[] drained = serverMetrics(client, base);
        Map<String, long[]> sched2 = schedByGroup(o.serverPid);
        if (metricsDrain[0] >= 0 && drained[0] >= 0 && drained[0] - metricsDrain[0] >= 10_000) {
            printSched("drain (per folded event; no ingest)", schedDrain, sched2, (System.nanoTime() - drainStart) / 1e9,
                    drained[0] - metricsDrain[0]);
        }
        if (drainSeconds >= 0) {
            System.out.printf("drained: lag 0 after %.1f s more; log position %,d%n", drainSeconds, drained[0]);
        } else {
            System.out.printf("NOT drained within %d s: lag %,d%n", o.drainTimeout, drained[1]);
        }

        if (o.idsOut != null) {
            writeAcknowledgedIds(o.idsOut, pool, ackedOrder, ackedPublished.get());
        }

        double parseRate = -1;
        double cleanRate = -1;
        if (o.parseSeconds > 0) {
            double[] pc = parseCeiling(pool, o.parseSeconds);
            parseRate = pc[0];
            cleanRate = pc[1];
            System.out.printf("parse-only ceiling (IngestBody.batch, 1 thread, same bodies): %,.0f events/s; "
                    + "parse+clean: %,.0f events/s; load average %.2f%n", parseRate, cleanRate, loadAverage()[0]);
            System.out.printf("efficiency: HTTP acknowledged ÷ parse-only = %.3f%n", acked / seconds / parseRate);
        }
        System.out.printf(java.util.Locale.ROOT, "RESULT mode=%s connections=%d batch=%d gzip=%s acked_eps=%.0f "
                        + "ingest_p50_ms=%.3f ingest_p90_ms=%.3f ingest_p99_ms=%.3f ingest_max_ms=%.3f get_rps=%.0f "
                        + "get_p50_ms=%.3f get_p99_ms=%.3f get_max_ms=%.3f applied_eps=%.0f drain_s=%.1f parse_eps=%.0f "
                        + "clean_eps=%.0f load1_start=%.2f load1_end=%.2f failures=%d%n",
                o.mode, o.connections, o.batch, o.gzip, acked / seconds,
                ms(ingestH, 50), ms(ingestH, 90), ms(ingestH, 99), ingestH.getMaxValue() / 1e3,
                (after[5] - before[5] + after[6] - before[6]) / seconds, ms(getH, 50), ms(getH, 99), getH.getMaxValue() / 1e3,
                appliedInWindow / seconds, drainSeconds, parseRate, cleanRate, load0[0], load1[0],
                windowFailures.values().stream().mapToLong(Long::longValue).sum());
        System.exit(0);
    }

    private static int[] slice(int bodies, int senders, int sender) {
        int n = (bodies - sender + senders - 1) / senders;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = sender + i * senders;
        }
        return out;
    }

    /**
     * The user ids of every acknowledged body, each once, URL-encoded, one per line: the people another client
     * (wrk, in {@code run-reads.sh}) reads back after the ingest.
     */
    private static void writeAcknowledgedIds(Path file, BatchPool pool, AtomicIntegerArray order, int published)
            throws IOException {
        java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
        for (int i = 0; i < published; i++) {
            for (String id : pool.userIds[order.get(i)]) {
                ids.add(URLEncoder.encode(id, StandardCharsets.UTF_8));
            }
        }
        java.nio.file.Files.write(file, ids);
        System.out.printf("wrote %,d acknowledged user ids to %s%n", ids.size(), file);
    }

    private static String knownUser(BatchPool pool, AtomicIntegerArray order, int published, SplittableRandom random) {
        if (published == 0) {
            return null;
        }
        for (int attempt = 0; attempt < 16; attempt++) {
            String[] ids = pool.userIds[order.get(random.nextInt(published))];
            if (ids.length > 0) {
                return ids[random.nextInt(ids.length)];
            }
        }
        return null;
    }

    private static void countAnswer(byte[] body, Tally tally) {
        try {
            JsonNode n = JSON.readTree(body);
            long stored = n.path("stored").asLong();
            long dups = n.path("duplicates").asLong();
            long rejected = n.path("rejected").size();
            tally.stored.add(stored);
            tally.duplicates.add(dups);
            tally.rejected.add(rejected);
            tally.eventsAcked.add(stored + dups + rejected);
            tally.ingestRequestsOk.increment();
        } catch (IOException e) {
            tally.fail("unreadable 2xx answer");
        }
    }

    /**
     * One thread parses the pool's bodies with the server's own parser: 3 s of warm-up, then
     * {@code seconds} measured; then the same for parse and clean. Returns events/s of each.
     */
    static double[] parseCeiling(BatchPool pool, int seconds) {
        long sink = 0;
        double[] rates = new double[2];
        Cleaner cleaner = new Cleaner(DefinitionLoader.defaultEcommerce());
        Instant received = Instant.now();
        for (int pass = 0; pass < 2; pass++) {
            for (int phase = 0; phase < 2; phase++) {
                long stop = System.nanoTime() + (phase == 0 ? 3 : seconds) * 1_000_000_000L;
                long start = System.nanoTime();
                long events = 0;
                int b = 0;
                while (System.nanoTime() < stop) {
                    for (int i = 0; i < 10; i++) {
                        byte[] body = pool.bodies[b];
                        b = b + 1 == pool.bodies.length ? 0 : b + 1;
                        if (pass == 0) {
                            events += IngestBodyProbe.parse(body);
                        } else {
                            for (Map<String, Object> json : IngestBodyProbe.parseToMaps(body)) {
                                CleanResult r = cleaner.clean(json, received);
                                sink += r instanceof CleanResult.Accepted ? 1 : 0;
                                events++;
                            }
                        }
                    }
                }
                rates[pass] = events / ((System.nanoTime() - start) / 1e9);
            }
        }
        if (sink == 42) {
            System.out.print("");
        }
        return rates;
    }

    private static double drain(HttpClient client, URI base, int timeoutSeconds) {
        long start = System.nanoTime();
        long deadline = start + timeoutSeconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            long[] m = serverMetrics(client, base);
            if (m[1] == 0) {
                return (System.nanoTime() - start) / 1e9;
            }
            LockSupport.parkNanos(500_000_000L);
        }
        return -1;
    }

    /** The Authorization header for {@code /metrics}. */
    private static volatile String metricsAuth;

    /** The server's applied log position and pipeline lag from {@code /metrics}; -1 where unreadable. */
    static long[] serverMetrics(HttpClient client, URI base) {
        long[] out = {-1, -1};
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(30)).GET();
            if (metricsAuth != null) {
                b.header("Authorization", metricsAuth);
            }
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith("portrait_log_applied_sequence")) {
                    out[0] = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                } else if (line.startsWith("portrait_pipeline_lag_events")) {
                    out[1] = (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("metrics unreadable: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    private static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no samples";
        }
        return String.format("p50 %.3f, p90 %.3f, p99 %.3f, max %.3f (%,d samples)", ms(h, 50), ms(h, 90), ms(h, 99),
                h.getMaxValue() / 1e3, h.getTotalCount());
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e3;
    }

    private static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    private static byte[][] gzipAll(byte[][] bodies) throws IOException {
        byte[][] out = new byte[bodies.length][];
        for (int i = 0; i < bodies.length; i++) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(bodies[i].length / 4);
            try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
                z.write(bodies[i]);
            }
            out[i] = bytes.toByteArray();
        }
        return out;
    }

    private static long total(byte[][] bodies) {
        long n = 0;
        for (byte[] b : bodies) {
            n += b.length;
        }
        return n;
    }

    private static void sleepUntil(long nanoTime) {
        for (long now = System.nanoTime(); now < nanoTime; now = System.nanoTime()) {
            LockSupport.parkNanos(nanoTime - now);
        }
    }

    static double[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            return new double[] {-1, -1, -1};
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The first line of /proc/stat: user, nice, system, idle, iowait, irq, softirq, steal (ticks). */
    static long[] machineTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long[] t = new long[8];
            for (int i = 0; i < 8; i++) {
                t[i] = Long.parseLong(f[i + 1]);
            }
            return t;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String machineShares(long[] a, long[] b) {
        if (a == null || b == null) {
            return "unreadable";
        }
        long[] d = new long[8];
        long total = 0;
        for (int i = 0; i < 8; i++) {
            d[i] = b[i] - a[i];
            total += d[i];
        }
        if (total == 0) {
            return "no ticks";
        }
        double t = total;
        return String.format("user %.0f%%, system %.0f%%, idle %.0f%%, iowait %.0f%%, steal %.0f%% (all processes, "
                + "all cores)", 100 * (d[0] + d[1]) / t, 100 * (d[2] + d[5] + d[6]) / t, 100 * d[3] / t, 100 * d[4] / t,
                100 * d[7] / t);
    }

    /**
     * /proc/PID/task/TID/schedstat summed per thread group (the thread's name without its number):
     * nanoseconds on a CPU and nanoseconds runnable but waiting for one. The first, divided by events,
     * is what each stage costs in CPU, which holds even when other processes on a shared machine slow
     * the server down; the second tells such starvation from a server that waits for work. Threads that
     * ended in between are missed.
     */
    static Map<String, long[]> schedByGroup(long pid) {
        if (pid <= 0) {
            return null;
        }
        Map<String, long[]> groups = new TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip().replaceAll("[-#]?\\d+$", "");
                    String[] f = Files.readString(task.resolve("schedstat")).trim().split(" ");
                    long[] g = groups.computeIfAbsent(name, k -> new long[2]);
                    g[0] += Long.parseLong(f[0]);
                    g[1] += Long.parseLong(f[1]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read
                }
            }
            return groups;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Per thread group between two snapshots: cores on a CPU, cores' worth waiting, µs of CPU per event. */
    static void printSched(String title, Map<String, long[]> a, Map<String, long[]> b, double seconds, long events) {
        if (a == null || b == null) {
            return;
        }
        long run = 0;
        long wait = 0;
        List<Object[]> rows = new ArrayList<>();
        for (Map.Entry<String, long[]> e : b.entrySet()) {
            long[] before = a.getOrDefault(e.getKey(), new long[2]);
            long r = e.getValue()[0] - before[0];
            long w = e.getValue()[1] - before[1];
            run += r;
            wait += w;
            if (r + w > seconds * 5e6) {
                rows.add(new Object[] {e.getKey(), r, w});
            }
        }
        rows.sort((x, y) -> Long.compare((Long) y[1], (Long) x[1]));
        System.out.printf("%s: server on a CPU %.2f cores, runnable but waiting for a CPU %.2f (schedstat); "
                + "CPU per event %.1f µs over %,d events%n", title, run / 1e9 / seconds, wait / 1e9 / seconds,
                events > 0 ? run / 1e3 / events : Double.NaN, events);
        for (Object[] r : rows) {
            System.out.printf("    %-18s on CPU %5.2f  waiting %5.2f  %7.1f µs/event%n", r[0], (Long) r[1] / 1e9 / seconds,
                    (Long) r[2] / 1e9 / seconds, events > 0 ? (Long) r[1] / 1e3 / events : Double.NaN);
        }
    }

    /** utime + stime of a process in clock ticks (100 a second on Linux), or -1. */
    static long serverCpuTicks(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
