package dev.portrait.server.runtime.worker;

import dev.portrait.core.PortraitException;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.HistoryBuffer;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.WriteBack;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * Batched write-backs of the worker's derived state: every profile changed since the last one (each
 * encoded once, however many events touched it), the profiles' histories, the merge log, the identity
 * changes and the shared models' checkpoint at the same position ({@link ModelConsumer} explains why
 * every write-back carries it), in one atomic store write at the applied log position.
 *
 * <p>The worker encodes (on its own thread, at the position) and a writer thread seals and commits
 * while the worker folds on. At most one write-back is in flight: a new one first waits for the last.
 * Folding during a commit is safe because the commit holds bytes and lists taken at the position, and
 * the store's identity overlay keeps later identity changes for the next write-back
 * ({@link WriteBack#takeIdentities()}); see {@link HotProfiles} for why memory never falls behind.
 */
final class WriteBacks {
    private static final int ATTEMPTS_WHEN_STOPPING = 3;

    private final PortraitStore store;
    private final HotProfiles profiles;
    private final HistoryRecorder history;
    private final ModelConsumer models;
    private final RuntimeOptions options;
    private final InstantSource clock;
    /** Runs while the worker waits for a write-back or encodes one: answers reads, which change nothing. */
    private final Runnable answerReads;
    private final Publisher publisher;
    private final List<String> mergeOwners = new ArrayList<>();
    private final List<byte[]> merges = new ArrayList<>();
    /** Reversed merges' rewrites, applied before anything else the next write-back carries. */
    private final List<java.util.function.Consumer<WriteBack>> rewrites = new ArrayList<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "portrait-writeback");
        t.setDaemon(true);
        return t;
    });
    private Future<?> inFlight;
    /** The write-back in flight, its position and its commit, kept to commit it again if it fails. */
    private java.util.concurrent.Callable<Void> currentCommit;
    private long currentPosition;
    private int failures;
    private volatile String failing;
    private volatile boolean patient;
    private long foldedSince;
    private long last;

    WriteBacks(PortraitStore store, HotProfiles profiles, HistoryRecorder history, ModelConsumer models,
               RuntimeOptions options, InstantSource clock, Runnable answerReads, Publisher publisher) {
        this.publisher = publisher;
        this.store = store;
        this.profiles = profiles;
        this.history = history;
        this.models = models;
        this.options = options;
        this.clock = clock;
        this.answerReads = answerReads;
    }

    /** Starts the interval (the worker thread's start). */
    void begin(long now) {
        last = now;
    }

    void folded() {
        foldedSince++;
    }

    /** A merge's undo entry for the merge log, written with the next write-back. */
    void merged(String winner, byte[] undo) {
        mergeOwners.add(winner);
        merges.add(undo);
    }

    /**
     * A reversed merge, written with the next write-back: the winner's merge log and history replaced
     * (the merge and the events that went to the loser leave them), the loser's history extended.
     */
    void reversed(String winner, List<byte[]> winnerMerges, HistoryBuffer winnerHistory, String loser,
                  HistoryBuffer loserAppended) {
        rewrites.add(wb -> {
            wb.replaceMerges(winner, winnerMerges);
            wb.replaceHistory(winner, winnerHistory);
            if (!loserAppended.isEmpty()) {
                wb.appendHistory(loser, loserAppended);
            }
        });
    }

    boolean pending() {
        return !rewrites.isEmpty() || profiles.hasChanges() || !history.isEmpty() || !merges.isEmpty() || foldedSince > 0;
    }

    /** When the next write-back is due by time; {@link Long#MAX_VALUE} when nothing waits to be written. */
    long dueAt() {
        return pending() ? last + options.writeBackEvery().toMillis() : Long.MAX_VALUE;
    }

    /**
     * Whether enough events are folded, or enough held profiles dirty, to write back whatever the time
     * (recovery's replay asks this too).
     */
    boolean full() {
        return foldedSince >= options.writeBackEvents() || profiles.tooManyDirty();
    }

    /** Whether a write-back should start now: enough events folded, or the interval is over with something to write. */
    boolean due(long now) {
        return full() || pending() && now - last >= options.writeBackEvery().toMillis();
    }

    /** Whether the write-back in flight has finished (its outcome not yet collected). */
    boolean finished() {
        return inFlight != null && inFlight.isDone();
    }

    /** Writes everything pending at {@code position} and waits until it is committed. */
    void writeNow(long position) {
        start(position);
        await();
    }

    /**
     * Encodes every dirty profile and takes the pending histories, merges and identity changes, at
     * {@code position} (the worker's applied position), asks the models for their checkpoint at the same
     * position, then hands everything to the writer thread, which waits for the models' bytes and commits.
     */
    void start(long position) {
        await();
        last = clock.millis();
        if (!pending()) {
            return;
        }
        WriteBack wb = store.writeBack();
        rewrites.forEach(r -> r.accept(wb)); // before the appends below, which then extend what they wrote
        rewrites.clear();
        profiles.drainInto(wb, answerReads);
        publisher.drained();
        history.drainInto(wb);
        for (int i = 0; i < merges.size(); i++) {
            wb.appendMerge(mergeOwners.get(i), merges.get(i));
        }
        wb.takeIdentities();
        // behind every update of the events up to the position; encoded on the models' thread
        CompletableFuture<byte[]> checkpoint = models.checkpoint();
        currentPosition = position;
        currentCommit = () -> {
            wb.putModelState(checkpoint.get()); // a retry puts the same bytes again: the last one counts
            wb.commit(position);
            return null;
        };
        inFlight = writer.submit(currentCommit);
        merges.clear();
        mergeOwners.clear();
        foldedSince = 0;
    }

    /**
     * Waits for the write-back in flight, if any, answering reads meanwhile; then evicts cold profiles.
     *
     * <p>A write-back that fails is committed again, the same one (its bytes, its identity changes, its
     * position), after a pause that grows to a second, until it lands: the log holds every event it
     * carries, so nothing is lost meanwhile, and the worker folds nothing new, so memory does not grow
     * while the store refuses writes. Ingest goes on into the log until the lag bound answers 503
     * {@code overloaded}, and readiness reports the failure ({@link #failing()}). Only a stopping
     * worker, or one still recovering, gives up after a few attempts: the next start replays the log.
     */
    void await() {
        while (inFlight != null) {
            while (!inFlight.isDone()) {
                answerReads.run();
                LockSupport.parkNanos(100_000);
            }
            Throwable cause;
            try {
                inFlight.get();
                inFlight = null;
                currentCommit = null;
                failures = 0;
                failing = null;
                profiles.committed();
                publisher.committed();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                inFlight = null;
                throw new PortraitException("unavailable", "interrupted during a write-back", null, e);
            } catch (ExecutionException e) {
                cause = e.getCause();
            }
            if (models.failure() != null) {
                // its checkpoint can never complete, so no retry can land: the worker stops, and the next
                // start replays the log from the last committed position
                inFlight = null;
                throw new PortraitException("unavailable", "the models' thread stopped: " + models.failure(), null,
                        models.failure());
            }
            failures++;
            failing = "the write-back at log position " + currentPosition + " failed " + failures + " time(s), last: "
                    + cause;
            if (!patient && failures >= ATTEMPTS_WHEN_STOPPING) {
                inFlight = null;
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException("write-back failed", cause);
            }
            long until = System.nanoTime() + Math.min(1_000L, 10L << Math.min(failures, 7)) * 1_000_000L;
            while (System.nanoTime() < until) {
                answerReads.run();
                LockSupport.parkNanos(1_000_000);
            }
            inFlight = writer.submit(currentCommit); // the same write-back, with the same models' bytes
        }
    }

    /** Why write-backs are failing (they are being retried), or null when the last one committed. */
    String failing() {
        return failing;
    }

    /** From now on a failing write-back is retried until it lands (the worker thread runs). */
    void patient() {
        patient = true;
    }

    /** From now on a failing write-back is given up after a few attempts (the worker is stopping). */
    void impatient() {
        patient = false;
    }

    /** Stops the writer thread; call after the last write-back. */
    void close() {
        writer.shutdown();
    }
}
