package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.event.Event;
import dev.portrait.store.EventLog;
import dev.portrait.store.EventRecord;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The event log's write path alone, as the group committer drives it: cleaned {@code SyntheticStream}
 * events (seed 42, 100,000 users) are made into log records ({@link EventRecord#of}, which an ingest
 * thread does) and appended with dedup in groups ({@link EventLog#appendIfNew}, which the committer
 * does), into a fresh data directory. Prints CPU time per event of each side (this thread's CPU time,
 * so the fsync's wait is not counted, and neither are other processes on a shared machine), then
 * compacts; {@link StoreSizeReport} on the directory gives the log's and the dedup index's bytes.
 * It compiles against the log of format 1 too, which is how the "before" figures were taken.
 *
 * <pre>
 * java -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.LogWriteLoop /tmp/logdir 1000000 [group 1000]
 * java -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.StoreSizeReport /tmp/logdir
 * </pre>
 */
public final class LogWriteLoop {
    private LogWriteLoop() {
    }

    public static void main(String[] args) {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: LogWriteLoop DATA_DIR EVENTS [GROUP]");
        }
        Path dir = Path.of(args[0]);
        int events = Integer.parseInt(args[1]);
        int group = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        CleanedStream stream = new CleanedStream(DefinitionLoader.defaultEcommerce(), 42, 100_000);
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long prepareNs = 0;
        long commitNs = 0;
        long stored = 0;
        long wall = System.nanoTime();
        try (PortraitStore store = PortraitStore.open(dir, StoreOptions.defaults())) {
            List<Event> batch = new ArrayList<>(group);
            for (int done = 0; done < events; done += group) {
                batch.clear();
                for (int i = 0; i < Math.min(group, events - done); i++) {
                    batch.add(stream.next());
                }
                long t0 = cpu.getCurrentThreadCpuTime();
                List<EventRecord> records = new ArrayList<>(batch.size());
                for (Event e : batch) {
                    long receivedAt = e.receivedAt() != null ? e.receivedAt().toEpochMilli() : e.time();
                    records.add(EventRecord.of(e, receivedAt));
                }
                long t1 = cpu.getCurrentThreadCpuTime();
                long[] sequences = store.events().appendIfNew(records);
                long t2 = cpu.getCurrentThreadCpuTime();
                prepareNs += t1 - t0;
                commitNs += t2 - t1;
                for (long s : sequences) {
                    stored += s == EventLog.DUPLICATE ? 0 : 1;
                }
            }
            double seconds = (System.nanoTime() - wall) / 1e9;
            System.out.printf("%,d events in groups of %,d: %,d stored; %.1f s wall%n", events, group, stored, seconds);
            System.out.printf("  record preparation (ingest thread): %.2f µs CPU per event%n", prepareNs / 1e3 / events);
            System.out.printf("  append with dedup (committer):      %.2f µs CPU per event%n", commitNs / 1e3 / events);
            store.compact();
        }
    }
}
