package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.server.runtime.IngestCounters;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code GET …?at=} for a person with 1,000 events (docs/BENCHMARKS.md, "Issue 11"): a RocksDB store with
 * that person's events among 20,000 of other people's, written back; then the profile at random times
 * over the person's 30 days, through the runtime's query port on this thread (no HTTP), timed per call.
 * The replay reads only the person's history (one log read per event), so the other people's events cost
 * nothing.
 *
 * <pre>
 * java -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.TimeTravelLoop [events] [rounds]
 * </pre>
 */
public final class TimeTravelLoop {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private TimeTravelLoop() {
    }

    private static IncomingEvent view(String user, long n, Instant at, int index) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "track");
        json.put("messageId", "m" + n);
        json.put("userId", user);
        json.put("event", n % 10 == 0 ? "Order Completed" : "Product Viewed");
        json.put("properties", Map.of("product_id", "p" + (n % 97), "category", "c" + (n % 7), "order_id", "o" + n,
                "revenue", 10.0));
        json.put("timestamp", at.toString());
        return new IncomingEvent(json, json.toString().getBytes(StandardCharsets.UTF_8), NOW, index);
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        Path dir = Files.createTempDirectory("portrait-timetravel");
        long span = 30L * 86_400_000L;
        Instant first = NOW.minusMillis(span + 3_600_000L);
        try (PortraitStore store = PortraitStore.open(dir, StoreOptions.defaults())) {
            EmbeddedRuntime runtime = EmbeddedRuntime.start(store, DefinitionLoader.defaultEcommerce(),
                    Clock.fixed(NOW, ZoneOffset.UTC), RuntimeOptions.defaults(), IngestCounters.NONE);
            long n = 0;
            List<IncomingEvent> batch = new ArrayList<>();
            int others = 20 * events;
            for (int i = 0; i < events + others; i++) {
                boolean mine = i % 21 == 0;
                String user = mine ? "traveller" : "other" + (i % 2_000);
                Instant at = first.plusMillis(span * i / (events + others));
                batch.add(view(user, ++n, at, batch.size()));
                if (batch.size() == 500) {
                    runtime.ingest(batch);
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) {
                runtime.ingest(batch);
            }
            runtime.flush();
            long version = runtime.profile("user_id", "traveller", null).orElseThrow().version();
            SplittableRandom random = new SplittableRandom(7);
            long[] nanos = new long[rounds];
            long[] cpu = new long[rounds];
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            for (int warm = 0; warm < 2; warm++) {
                for (int r = 0; r < rounds; r++) {
                    Instant at = first.plusMillis((long) (random.nextDouble() * span));
                    long start = System.nanoTime();
                    long cpuStart = threads.getCurrentThreadCpuTime();
                    runtime.profile("user_id", "traveller", at).orElseThrow();
                    nanos[r] = System.nanoTime() - start;
                    cpu[r] = threads.getCurrentThreadCpuTime() - cpuStart;
                }
            }
            Arrays.sort(nanos);
            Arrays.sort(cpu);
            System.out.printf(java.util.Locale.ROOT, "CPU time per call (this thread): p50=%.2fms p99=%.2fms%n",
                    cpu[rounds / 2] / 1e6, cpu[(int) (rounds * 0.99)] / 1e6);
            System.out.printf(java.util.Locale.ROOT, "RESULT events_of_person=%d log=%d rounds=%d p50=%.2fms p99=%.2fms max=%.2fms%n",
                    version, n, rounds, nanos[rounds / 2] / 1e6, nanos[(int) (rounds * 0.99)] / 1e6, nanos[rounds - 1] / 1e6);
            System.out.println("load average: " + Arrays.toString(LoadGenerator.loadAverage()));
            runtime.close();
        }
    }
}
