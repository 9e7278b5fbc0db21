package dev.portrait.server.runtime.ingest;

import dev.portrait.core.PortraitException;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.event.Event;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.runtime.IngestCounters;
import dev.portrait.server.runtime.worker.ProfileWorker;
import dev.portrait.store.CommittedGroup;
import dev.portrait.store.EventLog;
import dev.portrait.store.EventRecord;
import dev.portrait.store.LogEntry;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.QuarantineRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that makes ingested events durable. Callers (HTTP threads, the importer) clean
 * their events themselves, in parallel, then hand them here and wait; the committer gathers every
 * waiting caller's events into one fsynced store write (with the dedup index and the quarantine),
 * answers them all, and passes the stored events to the {@link ProfileWorker} in log order. One
 * fsync thus acknowledges many requests: that is the group commit.
 *
 * <p><b>Failures.</b> Whatever a group's write throws, {@link Error}s included, fails that group's
 * callers with {@code unavailable} (503, the SDKs retry) and the thread goes on with the next group:
 * a failing disk costs the requests it touches, not the process. Should the thread die anyway, every
 * caller still queued is failed and later ones are refused at once; callers also wait with a bound
 * ({@link DurableIngest}), so nobody waits forever.
 *
 * <p><b>The worker gets every event the log holds.</b> A write can fail after the log took its
 * records (an fsync that reports failure after the append, or a second write that fails after the
 * first). Those events are durable though their callers heard 503: a retry finds them as duplicates,
 * and the worker must still fold them, or its position would later jump past them. So the committer
 * tracks the last log position it handed over and, whenever the log is ahead of it, hands over the
 * missing records read back from the log ({@link #catchUp}).
 */
public final class GroupCommitter implements Runnable {
    /**
     * One caller's cleaned events, already encoded for the log or the quarantine (on the caller's thread,
     * so the one committer thread only writes), and where to send the answer.
     *
     * @param stored      per event, its log record, or null when it was rejected
     * @param quarantined per event, its quarantine record, or null when it was accepted
     */
    record Pending(List<CleanResult> cleaned, List<EventRecord> stored, List<QuarantineRecord> quarantined,
                   CompletableFuture<List<IngestOutcome>> answer) {
    }

    /** Log records read back per step of a catch-up. */
    private static final int CATCH_UP_PAGE = 1_000;

    private final PortraitStore store;
    private final ProfileWorker worker;
    private final int maxGroupEvents;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final IngestCounters counters;
    private volatile boolean running = true;
    /** Why the thread stopped other than by {@link #stop()}; null while it runs. */
    private volatile Throwable death;
    /** Group writes that succeeded, for readiness: a store error is over once a write after it succeeds. */
    private final java.util.concurrent.atomic.AtomicLong writes = new java.util.concurrent.atomic.AtomicLong();
    /** The last group write's failure, while no write has succeeded since; and when it failed (nanoTime). */
    private volatile Throwable lastFailure;
    private volatile long lastFailureNanos;
    /** The last log position handed to the worker; committer thread only. */
    private long handed;

    /**
     * @param worker the worker: recovered, or recovering (it replays the log as it is now, and skips
     *               whatever it is handed that the replay reached)
     */
    public GroupCommitter(PortraitStore store, ProfileWorker worker, int maxGroupEvents, IngestCounters counters) {
        this.store = store;
        this.worker = worker;
        this.maxGroupEvents = maxGroupEvents;
        this.counters = counters;
        this.handed = store.events().lastSequence();
    }

    public CompletableFuture<List<IngestOutcome>> submit(List<IncomingEvent> incoming, List<CleanResult> cleaned) {
        return submit(prepare(incoming, cleaned, List.of()));
    }

    /**
     * Encodes cleaned events for the log or the quarantine, on the calling thread: any thread may, and
     * the importer's cleaners do, so the one committer thread only writes.
     *
     * @param unreadable records that never became events (an import's lines that are no JSON object),
     *                   quarantined in the same group write as the events; their outcomes follow the
     *                   events' in the answer
     */
    static Pending prepare(List<IncomingEvent> incoming, List<CleanResult> cleaned, List<QuarantineRecord> unreadable) {
        int size = cleaned.size() + unreadable.size();
        List<CleanResult> results = new ArrayList<>(size);
        List<EventRecord> stored = new ArrayList<>(size);
        List<QuarantineRecord> quarantined = new ArrayList<>(size);
        for (int i = 0; i < cleaned.size(); i++) {
            IncomingEvent in = incoming.get(i);
            CleanResult r = cleaned.get(i);
            results.add(r);
            if (r instanceof CleanResult.Accepted a) {
                stored.add(EventRecord.of(a.event(), in.receivedAt().toEpochMilli()));
                quarantined.add(null);
            } else {
                CleanResult.Rejected x = (CleanResult.Rejected) r;
                stored.add(null);
                // The event as it was cleaned (a batch's context merged in, the route's type set),
                // not the raw bytes: that is what a redrive must clean again.
                quarantined.add(new QuarantineRecord(asCleaned(in), x.code(), x.message(), x.path(),
                        in.receivedAt().toEpochMilli()));
            }
        }
        for (QuarantineRecord u : unreadable) {
            results.add(new CleanResult.Rejected(u.code(), u.message(), u.path()));
            stored.add(null);
            quarantined.add(u);
        }
        return new Pending(results, stored, quarantined, new CompletableFuture<>());
    }

    /** Queues prepared events for the next group commit; the answer completes once they are durable. */
    CompletableFuture<List<IngestOutcome>> submit(Pending pending) {
        PortraitException refused = refusal();
        if (refused != null) {
            pending.answer().completeExceptionally(refused);
            return pending.answer();
        }
        queue.add(pending);
        if (death != null || !running) {
            failQueued(refusal()); // it stopped while this one was being queued
        }
        return pending.answer();
    }

    /** Why a new caller is refused at once, or null when the committer takes events. */
    private PortraitException refusal() {
        Throwable d = death;
        if (d != null) {
            return new PortraitException("unavailable", "the group committer stopped: " + d, null, d);
        }
        if (!running) {
            return new PortraitException("unavailable", "the runtime is shutting down", null);
        }
        return null;
    }

    /** What stopped the thread other than {@link #stop()}, or null. */
    public Throwable failure() {
        return death;
    }

    public void stop() {
        running = false;
    }

    /**
     * Why the last group write failed, when no write has succeeded since and it failed within
     * {@code recent}; null otherwise. Without traffic nothing proves the store healthy again, so a
     * failure stops counting after a while rather than keep an idle instance out of rotation for good.
     */
    public String recentFailure(java.time.Duration recent) {
        Throwable t = lastFailure;
        if (t == null || System.nanoTime() - lastFailureNanos > recent.toNanos()) {
            return null;
        }
        return "the last group commit failed " + (System.nanoTime() - lastFailureNanos) / 1_000_000 + " ms ago: " + t;
    }

    /** How many group writes have succeeded since start. */
    public long successfulWrites() {
        return writes.get();
    }

    @Override
    public void run() {
        List<Pending> group = new ArrayList<>();
        try {
            while (running || !queue.isEmpty()) {
                Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                int events = first.cleaned().size();
                while (events < maxGroupEvents) {
                    Pending next = queue.poll();
                    if (next == null) {
                        break;
                    }
                    group.add(next);
                    events += next.cleaned().size();
                }
                try {
                    commit(group);
                } catch (Throwable t) { // Errors too: see the class comment
                    fail(group, t);
                } finally {
                    group.clear();
                }
            }
            failQueued(new PortraitException("unavailable", "the runtime is shutting down", null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            death = e;
            fail(group, e);
            failQueued(refusal());
        } catch (Throwable t) {
            death = t;
            fail(group, t);
            failQueued(refusal());
            throw t;
        }
    }

    private void fail(List<Pending> group, Throwable cause) {
        lastFailureNanos = System.nanoTime();
        lastFailure = cause;
        PortraitException failure = new PortraitException("unavailable",
                "events could not be made durable: " + cause, null, cause);
        for (Pending p : group) {
            p.answer().completeExceptionally(failure);
        }
        try {
            catchUp(store.events().lastSequence()); // the write may have landed in the log before it failed
        } catch (Throwable again) {
            // the log cannot be read either: the next group hands over whatever is missing
        }
    }

    private void failQueued(PortraitException failure) {
        Pending left;
        while ((left = queue.poll()) != null) {
            left.answer().completeExceptionally(failure);
        }
    }

    private static byte[] asCleaned(IncomingEvent in) {
        try {
            return dev.portrait.core.event.EventCodec.mapper().writeValueAsBytes(in.json());
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            return in.raw(); // a map the mapper cannot write (a hostile Java caller): keep what arrived
        }
    }

    private void commit(List<Pending> group) {
        List<EventRecord> records = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        List<QuarantineRecord> rejected = new ArrayList<>();
        for (Pending p : group) {
            for (int i = 0; i < p.cleaned().size(); i++) {
                if (p.cleaned().get(i) instanceof CleanResult.Accepted a) {
                    records.add(p.stored().get(i));
                    events.add(a.event());
                } else {
                    rejected.add(p.quarantined().get(i));
                }
            }
        }
        CommittedGroup written = store.commitGroup(records, rejected);
        writes.incrementAndGet();
        lastFailure = null;
        long[] sequences = written.sequences();
        long[] quarantineIds = written.quarantineIds();

        List<Event> stored = new ArrayList<>();
        List<Long> storedSequences = new ArrayList<>();
        List<List<IngestOutcome>> answers = new ArrayList<>(group.size());
        int at = 0;
        int q = 0;
        for (Pending p : group) {
            List<IngestOutcome> outcomes = new ArrayList<>(p.cleaned().size());
            for (CleanResult r : p.cleaned()) {
                if (r instanceof CleanResult.Accepted a) {
                    long seq = sequences[at];
                    Event e = events.get(at++);
                    if (seq == EventLog.DUPLICATE) {
                        outcomes.add(new IngestOutcome.Duplicate(e.messageId()));
                        counters.duplicate();
                    } else {
                        outcomes.add(new IngestOutcome.Stored(e.messageId(), seq));
                        stored.add(e);
                        storedSequences.add(seq);
                        counters.stored();
                    }
                } else {
                    CleanResult.Rejected x = (CleanResult.Rejected) r;
                    outcomes.add(new IngestOutcome.Quarantined(quarantineIds[q++], x.code(), x.message(), x.path()));
                    counters.quarantined(x.code());
                }
            }
            answers.add(outcomes);
        }
        handOver(storedSequences, stored);
        // Answered after the worker has the events queued: a query that follows the answer is queued
        // behind them, so a client reads its own writes.
        for (int i = 0; i < group.size(); i++) {
            group.get(i).answer().complete(answers.get(i));
        }
    }

    /** Hands the group's stored events to the worker, after any the log holds that it was not given. */
    private void handOver(List<Long> sequences, List<Event> events) {
        if (sequences.isEmpty()) {
            catchUp(store.events().lastSequence());
            return;
        }
        long first = sequences.get(0);
        if (first > handed + 1) {
            catchUp(first - 1);
        }
        long[] seqs = new long[sequences.size()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = sequences.get(i);
        }
        worker.submit(seqs, events);
        handed = seqs[seqs.length - 1];
    }

    /** Hands the worker, read back from the log, every record after the last one handed over up to {@code upTo}. */
    private void catchUp(long upTo) {
        while (handed < upTo) {
            List<LogEntry> entries = store.events().read(handed + 1, (int) Math.min(CATCH_UP_PAGE, upTo - handed));
            if (entries.isEmpty()) {
                return;
            }
            long[] seqs = new long[entries.size()];
            List<Event> events = new ArrayList<>(entries.size());
            for (int i = 0; i < seqs.length; i++) {
                LogEntry e = entries.get(i);
                seqs[i] = e.sequence();
                events.add(e.forgotten() ? null : e.decode()); // a forgotten one is passed, not folded
            }
            worker.submit(seqs, events);
            handed = seqs[seqs.length - 1];
        }
    }
}
