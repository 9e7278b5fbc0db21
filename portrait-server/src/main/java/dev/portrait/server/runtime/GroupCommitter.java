package dev.portrait.server.runtime;

import dev.portrait.core.PortraitException;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.event.Event;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.store.EventLog;
import dev.portrait.store.EventRecord;
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
 * waiting caller's events into one atomic, fsynced append (with the dedup index and the quarantine),
 * answers them all, and passes the stored events to the {@link ProfileWorker} in log order. One
 * fsync thus acknowledges many requests: that is the group commit.
 */
final class GroupCommitter implements Runnable {
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

    private final PortraitStore store;
    private final ProfileWorker worker;
    private final int maxGroupEvents;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final IngestCounters counters;
    private volatile boolean running = true;

    GroupCommitter(PortraitStore store, ProfileWorker worker, int maxGroupEvents, IngestCounters counters) {
        this.store = store;
        this.worker = worker;
        this.maxGroupEvents = maxGroupEvents;
        this.counters = counters;
    }

    CompletableFuture<List<IngestOutcome>> submit(List<IncomingEvent> incoming, List<CleanResult> cleaned) {
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
        if (!running) {
            pending.answer().completeExceptionally(new PortraitException("unavailable", "the runtime is shutting down",
                    null));
            return pending.answer();
        }
        queue.add(pending);
        return pending.answer();
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        List<Pending> group = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
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
                commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                PortraitException failure = new PortraitException("unavailable",
                        "events could not be made durable: " + e.getMessage(), null, e);
                for (Pending p : group) {
                    p.answer().completeExceptionally(failure);
                }
            } finally {
                group.clear();
            }
        }
        PortraitException closed = new PortraitException("unavailable", "the runtime is shutting down", null);
        Pending left;
        while ((left = queue.poll()) != null) {
            left.answer().completeExceptionally(closed);
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
        long[] sequences = records.isEmpty() ? new long[0] : store.events().appendIfNew(records);
        long[] quarantineIds = rejected.isEmpty() ? new long[0] : store.quarantine().addAll(rejected);

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
        if (!stored.isEmpty()) {
            long[] seqs = new long[storedSequences.size()];
            for (int i = 0; i < seqs.length; i++) {
                seqs[i] = storedSequences.get(i);
            }
            worker.submit(seqs, stored);
        }
        // Answered after the worker has the events queued: a query that follows the answer is queued
        // behind them, so a client reads its own writes.
        for (int i = 0; i < group.size(); i++) {
            group.get(i).answer().complete(answers.get(i));
        }
    }
}
