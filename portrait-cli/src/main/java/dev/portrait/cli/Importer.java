package dev.portrait.cli;

import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.store.Quarantine;
import dev.portrait.store.QuarantineRecord;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Feeds import files into an {@link EmbeddedRuntime} in batches, in file order.
 *
 * <pre>
 *  reader thread: read + parse JSON ──(≤ 4 batches)──► this thread: clean + wait for the group commit
 *                                                         │ (the runtime's threads fsync and fold)
 *                                                         └► summary, progress
 * </pre>
 *
 * One caller at a time keeps the log in the files' order (so an import is replayed the same way every
 * time), while parsing the next batch overlaps with cleaning and committing this one. Items that are
 * no JSON object never reach the cleaner, which takes maps: they are put in the store's quarantine
 * here, with their code and line, so nothing the files held goes uncounted.
 *
 * <p>The runtime folds events on its own thread after acknowledging them, and its queue has no bound,
 * so the importer waits while the fold lags more than {@link #MAX_LAG} events behind the log: without
 * that, a file larger than memory would queue whole.
 *
 * <p>Every event gets the import's own clock as {@code receivedAt}, as if sent to {@code /v1/import}
 * now: the dedup window (7 days by default) is measured from it, which is what makes a second import
 * of the same file count as duplicates, and the definition's {@code cleaning.maxPastAge} (365 days by
 * default; {@code none} turns it off) decides how old an imported event may be.
 */
final class Importer {
    static final long MAX_LAG = 200_000;
    private static final int QUEUE = 4;

    /** A batch as read, with the bytes read so far over all files. */
    private record Batch(List<ImportItem> items, long bytes, Throwable failure, boolean last) {
    }

    private final EmbeddedRuntime runtime;
    private final Quarantine quarantine;
    private final Clock clock;
    private final int batchSize;
    private final ImportSummary summary;

    Importer(EmbeddedRuntime runtime, Quarantine quarantine, Clock clock, int batchSize, ImportSummary summary) {
        this.runtime = runtime;
        this.quarantine = quarantine;
        this.clock = clock;
        this.batchSize = batchSize;
        this.summary = summary;
    }

    /**
     * Imports every source in order and closes them.
     *
     * @param progress told the bytes read so far after each batch
     */
    void run(List<EventSource> sources, Consumer<Long> progress) throws IOException, InterruptedException {
        BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(QUEUE);
        Thread reader = new Thread(() -> read(sources, queue), "portrait-import-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            while (true) {
                Batch b = queue.take();
                if (b.failure() != null) {
                    if (b.failure() instanceof IOException io) {
                        throw io;
                    }
                    if (b.failure() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException("reading the import failed", b.failure());
                }
                ingest(b.items());
                progress.accept(b.bytes());
                if (b.last()) {
                    break;
                }
            }
        } finally {
            reader.interrupt();
            reader.join();
        }
    }

    private void read(List<EventSource> sources, BlockingQueue<Batch> queue) {
        long before = 0;
        try {
            for (EventSource source : sources) {
                try (source) {
                    boolean more = true;
                    while (more) {
                        List<ImportItem> items = new ArrayList<>(batchSize);
                        more = source.read(items, batchSize);
                        if (!items.isEmpty()) {
                            queue.put(new Batch(items, before + source.bytesRead(), null, false));
                        }
                    }
                    before += source.bytesRead();
                }
            }
            queue.put(new Batch(List.of(), before, null, true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException | Error e) {
            try {
                queue.put(new Batch(List.of(), before, e, true));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void ingest(List<ImportItem> items) throws InterruptedException {
        while (runtime.lag() > MAX_LAG) {
            Thread.sleep(2);
        }
        Instant receivedAt = clock.instant();
        List<IncomingEvent> events = new ArrayList<>(items.size());
        List<String> eventPlaces = new ArrayList<>(items.size());
        List<QuarantineRecord> unreadable = new ArrayList<>();
        List<ImportItem.Unreadable> unreadableItems = new ArrayList<>();
        for (ImportItem item : items) {
            if (item instanceof ImportItem.Event e) {
                events.add(new IncomingEvent(e.json(), e.raw(), receivedAt, events.size()));
                eventPlaces.add(e.where());
            } else {
                ImportItem.Unreadable u = (ImportItem.Unreadable) item;
                unreadable.add(new QuarantineRecord(u.raw(), u.code(), u.message(), "$", receivedAt.toEpochMilli()));
                unreadableItems.add(u);
            }
        }
        if (!unreadable.isEmpty()) {
            quarantine.addAll(unreadable);
            for (ImportItem.Unreadable u : unreadableItems) {
                summary.countQuarantined(u.code(), u.where());
            }
        }
        if (events.isEmpty()) {
            return;
        }
        List<IngestOutcome> outcomes = runtime.ingest(events);
        if (outcomes.size() != events.size()) {
            throw new IllegalStateException("the runtime answered " + outcomes.size() + " outcomes for " + events.size()
                    + " events");
        }
        for (int i = 0; i < outcomes.size(); i++) {
            IngestOutcome o = outcomes.get(i);
            if (o instanceof IngestOutcome.Stored) {
                summary.countAccepted();
            } else if (o instanceof IngestOutcome.Duplicate) {
                summary.countDuplicate();
            } else if (o instanceof IngestOutcome.Quarantined q) {
                summary.countQuarantined(q.code(), eventPlaces.get(i));
            }
        }
    }
}
