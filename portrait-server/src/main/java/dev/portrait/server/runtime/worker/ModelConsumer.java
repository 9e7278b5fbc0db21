package dev.portrait.server.runtime.worker;

import dev.portrait.core.PortraitException;
import dev.portrait.core.model.ModelUpdate;
import dev.portrait.core.model.ScoringModels;
import dev.portrait.core.model.SharedModels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The shared models' own thread: it absorbs the engine's {@code modelUpdates} one queue behind the fold,
 * answers the queries that read the shared models, and hands out checkpoints. The fold thread only
 * appends updates to a list and passes full lists over a bounded queue.
 *
 * <p><b>Why a barrier and not a journal.</b> Model updates depend on the profile as it was when the event
 * was folded (an interaction carries the person's recent items), so once profiles have moved on they
 * cannot be recomputed from the log. For a crash to lose nothing, the models' checkpoint must be at a
 * position from which the log replay re-creates exactly the updates it lacks — the profiles' position.
 * Two designs get there: a journal of absorbed updates written with each write-back and trimmed at each
 * model checkpoint (which needs a durable form of every update kind, including the person's recent
 * history), or a barrier: every write-back at position {@code W} enqueues a {@link #checkpoint()} marker
 * behind the updates of the events up to {@code W}, this thread encodes the models when it reaches the
 * marker, and the write-back commits those bytes in the same batch as the profiles at {@code W}. We chose
 * the barrier: it needs no second encoding of updates, and the model position is the write-back position
 * by construction, so recovery restores both and replays the log from {@code W + 1}, re-creating every
 * later update exactly once. The price is encoding the models once per write-back (about once a second)
 * instead of once a minute; it is paid on this thread, the write-back's committer waits for it, and the
 * fold thread does not (docs/BENCHMARKS.md, "Issue 10 — after the log", has the figures).
 *
 * <p><b>Bounded.</b> At most {@link #QUEUE_BATCHES} lists of up to {@link #BATCH} updates wait; when the
 * models fall that far behind, the fold thread blocks on {@link #offer} until they catch up, so memory
 * stays bounded and the backlog shows as fold lag (which ingest's backpressure already watches).
 *
 * <p><b>Reads</b> run on this thread. A query about a person ({@link #readBehind}) is queued by the fold thread
 * behind the updates of every event applied so far, so a client that reads after its ingest was
 * acknowledged sees the models learn from its own events (it waits for at most the bounded queue). A read
 * that needs no such order (a metrics scrape, {@link #read}) runs between two lists and never waits for the
 * backlog. A profile's scores need neither: they are read from {@link #scoring()}, a frozen copy of the
 * scoring parts this thread refreshes at most every {@link #SCORING_REFRESH_MILLIS} while they learn, so a
 * profile read costs this thread nothing and waits for nothing.
 */
public final class ModelConsumer implements Runnable {
    /** Updates per list handed over; a list costs one queue operation. */
    static final int BATCH = 512;
    static final int QUEUE_BATCHES = 64;
    private static final long CALL_TIMEOUT_SECONDS = 60;
    /**
     * How often the readers' frozen scoring copy is refreshed while the models learn. Freezing costs a pass
     * over the propensity model's coordinates (under a millisecond), so ten times a second is noise next to
     * the learning, and scores a tenth of a second behind are as good as current for a read without a
     * position.
     */
    static final long SCORING_REFRESH_MILLIS = 100;
    private static final Object STOP = new Object();

    private record Checkpoint(CompletableFuture<byte[]> bytes) {
    }

    private record Read<T>(Function<SharedModels, T> read, CompletableFuture<T> answer) {
        void run(SharedModels models) {
            try {
                answer.complete(read.apply(models));
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        }
    }

    private final SharedModels models;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES);
    private final ConcurrentLinkedQueue<Read<?>> reads = new ConcurrentLinkedQueue<>();
    /** Updates gathered by the fold thread for the next list; fold thread only. */
    private List<ModelUpdate> gathering = new ArrayList<>(BATCH);
    private final Thread thread;
    private volatile Throwable failure;
    private volatile long absorbed;
    /** The scoring parts as last frozen for readers; replaced by this thread, never changed in place. */
    private volatile ScoringModels scoring;
    private long scoringFrozenAt;

    ModelConsumer(SharedModels models) {
        this.models = models;
        this.thread = new Thread(this, "portrait-models");
        thread.setDaemon(true);
    }

    /** Restores the checkpoint before the thread starts (the log replay then resumes from its position). */
    void restore(byte[] checkpoint) {
        if (thread.isAlive()) {
            throw new IllegalStateException("restore the models before their thread starts");
        }
        models.restore(checkpoint);
    }

    void start() {
        scoring = models.scoring(); // before the thread owns the models: restored, nothing learned yet
        scoringFrozenAt = System.nanoTime();
        thread.start();
    }

    // ---- the fold thread's side ----

    /** Adds one step's updates, in step order; hands a full list over (blocking while the queue is full). */
    void add(List<ModelUpdate> updates) {
        if (updates.isEmpty()) {
            return;
        }
        gathering.addAll(updates);
        if (gathering.size() >= BATCH) {
            handOver();
        }
    }

    /** Hands over what was gathered, so that what comes next (a checkpoint, a read) is behind it. */
    void handOver() {
        if (gathering.isEmpty()) {
            return;
        }
        List<ModelUpdate> list = gathering;
        gathering = new ArrayList<>(BATCH);
        put(list);
    }

    /**
     * The models' bytes once every update added before this call is absorbed: the checkpoint at the fold
     * thread's current position. Called by the fold thread.
     */
    CompletableFuture<byte[]> checkpoint() {
        handOver();
        Checkpoint c = new Checkpoint(new CompletableFuture<>());
        put(c);
        return c.bytes();
    }

    private void put(Object item) {
        while (true) {
            checkAlive();
            try {
                if (queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PortraitException("unavailable", "interrupted while handing updates to the models", null, e);
            }
        }
    }

    private void checkAlive() {
        if (failure != null) {
            throw new PortraitException("unavailable", "the models' thread stopped: " + failure, null, failure);
        }
    }

    // ---- readers ----

    /**
     * Queues {@code read} behind every update added so far; called by the fold thread (for a query that
     * has waited there until its own events were applied). Wait for the answer with {@link #await}, off
     * the fold thread.
     */
    public <T> CompletableFuture<T> readBehind(Function<SharedModels, T> read) {
        handOver();
        Read<T> r = new Read<>(read, new CompletableFuture<>());
        put(r);
        return r.answer();
    }

    /** Waits (bounded) for an answer of {@link #readBehind}. */
    public <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new PortraitException("unavailable", "the models did not answer within " + CALL_TIMEOUT_SECONDS + " s", null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortraitException("unavailable", "interrupted while waiting for the models", null, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new PortraitException("internal_error", String.valueOf(e.getCause()), null, e.getCause());
        }
    }

    /** Runs {@code read} on this thread between two lists and waits for its answer. */
    public <T> T read(Function<SharedModels, T> read) {
        checkAlive();
        CompletableFuture<T> answer = new CompletableFuture<>();
        reads.add(new Read<>(read, answer));
        queue.offer(WAKE); // wakes an idle thread; a full queue means it is busy and will look anyway
        return await(answer);
    }

    private static final Object WAKE = new Object();

    /**
     * Like {@link #read}, but behind every list handed over so far: the answer includes every update the
     * fold thread handed over before this call (it hands over at each publication, so a read made after a
     * published position sees the models' updates up to it). Waits for the models' queue, which is bounded.
     */
    public <T> T readPublished(Function<SharedModels, T> read) {
        checkAlive();
        Read<T> r = new Read<>(read, new CompletableFuture<>());
        put(r);
        try {
            return r.answer().get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new PortraitException("unavailable", "the models did not answer within " + CALL_TIMEOUT_SECONDS + " s", null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortraitException("unavailable", "interrupted while waiting for the models", null, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException x) {
                throw x;
            }
            throw new PortraitException("internal_error", String.valueOf(e.getCause()), null, e.getCause());
        }
    }

    /** Updates absorbed so far (for metrics and tests). */
    public long absorbed() {
        return absorbed;
    }

    Throwable failure() {
        return failure;
    }

    /**
     * The scoring parts of the shared models as this thread last froze them (at most
     * {@link #SCORING_REFRESH_MILLIS} behind what it has learned): any thread may score with them.
     */
    public ScoringModels scoring() {
        ScoringModels s = scoring;
        if (s == null) {
            throw new PortraitException("unavailable", "the models have not started yet", null);
        }
        return s;
    }

    /** Absorbs everything handed over, then ends the thread. Called by the fold thread after its last write-back. */
    void stop() {
        handOver();
        if (thread.isAlive()) {
            put(STOP);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- this thread ----

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        try {
            while (true) {
                Object item = queue.poll(50, TimeUnit.MILLISECONDS);
                answerReads();
                if (item == STOP) {
                    answerReads();
                    // later callers are refused at once instead of waiting on a thread that is gone
                    failure = new IllegalStateException("the models' thread was stopped with the worker");
                    failAll(failure);
                    return;
                }
                if (item instanceof List<?> list) {
                    models.absorb((List<ModelUpdate>) list);
                    absorbed += list.size();
                    refreshScoring(false);
                } else if (item == null) {
                    refreshScoring(true); // idle: what was learned last shows at once
                } else if (item instanceof Checkpoint c) {
                    c.bytes().complete(models.encode());
                } else if (item instanceof Read<?> r) {
                    r.run(models);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            failAll(t);
            throw t;
        }
    }

    private void refreshScoring(boolean idle) {
        long now = System.nanoTime();
        if (models.scoringChanged() && (idle || now - scoringFrozenAt >= SCORING_REFRESH_MILLIS * 1_000_000)) {
            scoring = models.scoring();
            scoringFrozenAt = now;
        }
    }

    private void answerReads() {
        Read<?> r;
        while ((r = reads.poll()) != null) {
            r.run(models);
        }
    }

    /** A dead consumer fails whoever waits on it (checkpoints, reads) instead of leaving them hanging. */
    private void failAll(Throwable t) {
        Object item;
        while ((item = queue.poll()) != null) {
            if (item instanceof Checkpoint c) {
                c.bytes().completeExceptionally(t);
            } else if (item instanceof Read<?> r) {
                r.answer().completeExceptionally(t);
            }
        }
        Read<?> r;
        while ((r = reads.poll()) != null) {
            r.answer().completeExceptionally(t);
        }
    }
}
