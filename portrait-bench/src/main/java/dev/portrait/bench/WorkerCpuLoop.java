package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.server.runtime.IngestCounters;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import dev.portrait.synth.SyntheticConfig;
import dev.portrait.synth.SyntheticEvent;
import dev.portrait.synth.SyntheticStream;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time per event of each of the embedded runtime's threads — above all the fold thread
 * ({@code portrait-worker}) — while it takes a synthetic stream through {@code ingest} and folds it,
 * measured with the JVM's per-thread CPU clock so that waiting for a core on a shared machine does not
 * count. Uses only the runtime's public API, so the same class compiled against an older build gives
 * the "before" figure (docs/BENCHMARKS.md, "Issue 10 — after the log").
 *
 * <pre>
 * java -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.WorkerCpuLoop [events] [users] [memory|rocks] [laps]
 * </pre>
 */
public final class WorkerCpuLoop {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private WorkerCpuLoop() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        String kind = args.length > 2 ? args[2] : "memory";
        int laps = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        var definition = DefinitionLoader.defaultEcommerce();
        SyntheticStream stream = SyntheticStream.of(SyntheticConfig.defaults(42).withUsers(users));
        List<IncomingEvent> all = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            SyntheticEvent e = stream.next();
            all.add(new IncomingEvent(e.json(), e.toJsonLine(), stream.clock(), i % 500));
        }
        Instant end = stream.clock();
        for (int lap = 0; lap < laps; lap++) {
            Path dir = kind.equals("rocks") ? Files.createTempDirectory("portrait-cpu") : null;
            PortraitStore store = dir == null ? PortraitStore.inMemory(StoreOptions.defaults())
                    : PortraitStore.open(dir, StoreOptions.defaults());
            EmbeddedRuntime runtime = EmbeddedRuntime.start(store, definition, Clock.fixed(end, ZoneOffset.UTC),
                    RuntimeOptions.defaults(), IngestCounters.NONE);
            Map<String, Long> before = threadCpu();
            long wall = System.nanoTime();
            for (int i = 0; i < all.size(); i += 500) {
                runtime.ingest(all.subList(i, Math.min(all.size(), i + 500)));
            }
            runtime.flush();
            double seconds = (System.nanoTime() - wall) / 1e9;
            Map<String, Long> after = threadCpu();
            long applied = runtime.appliedSequence();
            StringBuilder line = new StringBuilder(String.format("lap %d: %,d events folded in %.1f s wall;", lap, applied, seconds));
            after.forEach((name, ns) -> {
                long used = ns - before.getOrDefault(name, 0L);
                line.append(String.format(" %s %.2f µs/event;", name, used / 1e3 / applied));
            });
            System.out.println(line);
            runtime.close();
            store.close();
        }
    }

    /** CPU time so far of the runtime's threads, by name (summed over threads that share one). */
    private static Map<String, Long> threadCpu() {
        Map<String, Long> out = new TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("portrait-")) {
                long ns = CPU.getThreadCpuTime(t.getId());
                if (ns >= 0) {
                    out.merge(t.getName(), ns, Long::sum);
                }
            }
        }
        return out;
    }
}
