package dev.portrait.cli;

import dev.portrait.core.PortraitException;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.server.runtime.ingest.PreparedEvents;
import dev.portrait.store.QuarantineRecord;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Feeds import files into an {@link EmbeddedRuntime} as a pipeline whose stages overlap:
 *
 * <pre>
 *  reader thread        cleaner threads (N)            this thread                 runtime's threads
 *  read + parse ──chunk──► clean + encode ──in order──► join chunks into a group ──► committer: one write,
 *  (file order)            (any order)                  wait while the fold lags    one fsync per group
 *                                                        count outcomes, progress   worker: fold, write back
 * </pre>
 *
 * <h2>Order</h2>
 * The reader hands each chunk of {@code chunkSize} items to the cleaner pool and queues the chunk's
 * future, in file order, on a bounded queue; this thread takes the futures in that order, so chunks
 * cleaned out of order still reach the log in the files' order, and an import is replayed the same way
 * every time.
 *
 * <h2>Durability</h2>
 * Consecutive chunks are joined into one group of at least {@code groupEvents} items, committed with one
 * fsync. A group is durable as a whole or not at all: the log records, the dedup ids and the quarantined
 * items (rejected events, and lines that are no JSON object) go in the same group write. A crash
 * mid-import loses at most the groups not yet acknowledged, and running the same file again stores each
 * event once: the ones already logged come back as duplicates (dedup by messageId).
 *
 * <h2>Bounds</h2>
 * Memory does not grow with the file: the queue holds at most {@code 2 × cleaners + 2} chunks, at most
 * {@link #GROUPS_IN_FLIGHT} groups wait for their fsync, and a group is only handed in while the fold
 * lags at most {@code maxLag} events behind the log (the worker's queue would otherwise hold the file): the
 * runtime's own lag bound, which the memory budget sets (65,536 events for a 1 GB heap), less the groups
 * in flight, so that what waits decoded for the fold stays within the budget's share for it.
 *
 * <p>Every event gets the import's own clock as {@code receivedAt} when its chunk is cleaned, as if sent
 * to {@code /v1/import} then: the dedup window (7 days by default) is measured from it, which is what
 * makes a second import of the same file count as duplicates, and the definition's
 * {@code cleaning.maxPastAge} (365 days by default; {@code none} turns it off) decides how old an imported
 * event may be.
 */
final class Importer {
    /** Groups handed to the committer and not yet answered: one being written while the next is built. */
    static final int GROUPS_IN_FLIGHT = 2;

    /** A chunk as read, in file order: its cleaning under way, with the bytes read so far over all files. */
    private record Chunk(CompletableFuture<Cleaned> cleaned, long bytes, Throwable failure, boolean last) {
    }

    /** A chunk cleaned and encoded; {@code places} name each outcome's line, events first, then unreadables. */
    private record Cleaned(PreparedEvents prepared, List<String> places) {
    }

    /** A group handed to the committer. */
    private record InFlight(CompletableFuture<List<IngestOutcome>> answer, List<String> places, long bytes) {
    }

    private final EmbeddedRuntime runtime;
    private final Clock clock;
    private final int chunkSize;
    private final int cleaners;
    private final int groupEvents;
    /** Groups wait to be handed in while more events than this wait to be folded. */
    private final long foldLagBound;
    private final ImportSummary summary;

    /**
     * @param chunkSize   items read and cleaned as one piece of work
     * @param cleaners    threads that clean and encode chunks
     * @param groupEvents items per group commit (one fsync), at least
     * @param maxLag      the runtime's bound on events logged but not folded ({@code RuntimeOptions.maxLag})
     */
    Importer(EmbeddedRuntime runtime, Clock clock, int chunkSize, int cleaners, int groupEvents, long maxLag,
             ImportSummary summary) {
        if (chunkSize < 1 || cleaners < 1 || groupEvents < 1) {
            throw new IllegalArgumentException("chunkSize, cleaners and groupEvents must be at least 1, got "
                    + chunkSize + ", " + cleaners + ", " + groupEvents);
        }
        this.runtime = runtime;
        this.clock = clock;
        this.chunkSize = chunkSize;
        this.cleaners = cleaners;
        this.groupEvents = groupEvents;
        // a fixed 200,000 before: at ≈ 1 KB a decoded event that alone was a fifth of a 1 GB heap
        this.foldLagBound = Math.max(groupEvents, maxLag - (long) GROUPS_IN_FLIGHT * groupEvents);
        this.summary = summary;
    }

    /** One cleaner a core, leaving one for the reader, the committer and the fold; at most four. */
    static int defaultCleaners() {
        return Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
    }

    /**
     * Imports every source in order and closes them.
     *
     * @param progress told the bytes read so far each time a group is durable
     */
    void run(List<EventSource> sources, Consumer<Long> progress) throws IOException, InterruptedException {
        AtomicInteger named = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(cleaners, r -> {
            Thread t = new Thread(r, "portrait-import-clean-" + named.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(2 * cleaners + 2);
        Thread reader = new Thread(() -> read(sources, queue, pool), "portrait-import-reader");
        reader.setDaemon(true);
        reader.start();
        Deque<InFlight> inFlight = new ArrayDeque<>();
        try {
            List<PreparedEvents> group = new ArrayList<>();
            List<String> places = new ArrayList<>();
            int items = 0;
            while (true) {
                Chunk c = queue.take();
                if (c.failure() != null) {
                    throw rethrown(c.failure());
                }
                if (!c.last()) {
                    Cleaned done = joined(c.cleaned());
                    group.add(done.prepared());
                    places.addAll(done.places());
                    items += done.prepared().size();
                }
                if (items >= groupEvents || c.last() && items > 0) {
                    commit(group, places, c.bytes(), inFlight, progress);
                    group = new ArrayList<>();
                    places = new ArrayList<>();
                    items = 0;
                }
                if (c.last()) {
                    break;
                }
            }
            while (!inFlight.isEmpty()) {
                answered(inFlight.removeFirst(), progress);
            }
        } finally {
            reader.interrupt();
            pool.shutdownNow();
            reader.join();
        }
    }

    private void commit(List<PreparedEvents> group, List<String> places, long bytes, Deque<InFlight> inFlight,
                        Consumer<Long> progress) throws IOException, InterruptedException {
        while (runtime.lag() > foldLagBound) {
            String stopped = runtime.stopped();
            if (stopped != null) { // the lag would never fall: fail the import instead of waiting forever
                throw new PortraitException("unavailable", "the import cannot go on: " + stopped, null);
            }
            Thread.sleep(2);
        }
        inFlight.addLast(new InFlight(runtime.commit(PreparedEvents.concat(group)), places, bytes));
        while (inFlight.size() > GROUPS_IN_FLIGHT) {
            answered(inFlight.removeFirst(), progress);
        }
    }

    private void answered(InFlight group, Consumer<Long> progress) throws IOException, InterruptedException {
        List<IngestOutcome> outcomes;
        try {
            outcomes = group.answer().get();
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
        if (outcomes.size() != group.places().size()) {
            throw new IllegalStateException("the runtime answered " + outcomes.size() + " outcomes for "
                    + group.places().size() + " items");
        }
        for (int i = 0; i < outcomes.size(); i++) {
            IngestOutcome o = outcomes.get(i);
            if (o instanceof IngestOutcome.Stored) {
                summary.countAccepted();
            } else if (o instanceof IngestOutcome.Duplicate) {
                summary.countDuplicate();
            } else if (o instanceof IngestOutcome.Quarantined q) {
                summary.countQuarantined(q.code(), group.places().get(i));
            }
        }
        progress.accept(group.bytes());
    }

    private void read(List<EventSource> sources, BlockingQueue<Chunk> queue, ExecutorService pool) {
        long before = 0;
        try {
            for (EventSource source : sources) {
                try (source) {
                    boolean more = true;
                    while (more) {
                        List<ImportItem> items = new ArrayList<>(chunkSize);
                        more = source.read(items, chunkSize);
                        if (!items.isEmpty()) {
                            queue.put(new Chunk(CompletableFuture.supplyAsync(() -> clean(items), pool),
                                    before + source.bytesRead(), null, false));
                        }
                    }
                    before += source.bytesRead();
                }
            }
            queue.put(new Chunk(null, before, null, true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException | Error e) {
            try {
                queue.put(new Chunk(null, before, e, true));
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** On a cleaner thread: cleans and encodes a chunk; lines that are no event object become quarantine records. */
    private Cleaned clean(List<ImportItem> items) {
        Instant receivedAt = clock.instant();
        List<IncomingEvent> events = new ArrayList<>(items.size());
        List<String> places = new ArrayList<>(items.size());
        List<QuarantineRecord> unreadable = new ArrayList<>();
        List<String> unreadablePlaces = new ArrayList<>();
        for (ImportItem item : items) {
            if (item instanceof ImportItem.Event e) {
                events.add(new IncomingEvent(e.json(), e.raw(), receivedAt, events.size()));
                places.add(e.where());
            } else {
                ImportItem.Unreadable u = (ImportItem.Unreadable) item;
                unreadable.add(new QuarantineRecord(u.raw(), u.code(), u.message(), "$", receivedAt.toEpochMilli()));
                unreadablePlaces.add(u.where());
            }
        }
        places.addAll(unreadablePlaces);
        return new Cleaned(runtime.prepare(events, unreadable), places);
    }

    private static Cleaned joined(CompletableFuture<Cleaned> cleaned) throws IOException, InterruptedException {
        try {
            return cleaned.get();
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    /** A failure of another stage, thrown here as what it was. */
    private static RuntimeException rethrown(Throwable failure) throws IOException, InterruptedException {
        Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (f instanceof IOException io) {
            throw io;
        }
        if (f instanceof InterruptedException ie) {
            throw ie;
        }
        if (f instanceof PortraitException p) {
            return p;
        }
        if (f instanceof RuntimeException r) {
            return r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("importing failed", f);
    }
}
