package dev.portrait.server.runtime.ingest;

import dev.portrait.core.clean.CleanResult;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.store.EventRecord;
import dev.portrait.store.QuarantineRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Events already cleaned and encoded for the log or the quarantine, waiting for one group commit.
 *
 * <p>A bulk caller (the importer) makes these with {@code EmbeddedRuntime.prepare} on as many threads as
 * it likes, joins consecutive ones with {@link #concat} into a group as large as it wants one fsync to
 * cover, and hands them in file order to {@code EmbeddedRuntime.commit}. The committer thread then only
 * writes: the CPU of cleaning and encoding is spent before, in parallel, while earlier groups are being
 * written and folded.
 *
 * <p>Each one is committed at most once (a second commit is refused), so an event cannot be appended
 * twice by handing the same batch in again.
 */
public final class PreparedEvents {
    private final GroupCommitter.Pending pending;
    private final AtomicBoolean committed = new AtomicBoolean();

    PreparedEvents(GroupCommitter.Pending pending) {
        this.pending = pending;
    }

    /** How many outcomes its commit answers: the events, then the unreadable records. */
    public int size() {
        return pending.cleaned().size();
    }

    /** Joins prepared batches, in order, into one that a single group commit makes durable. */
    public static PreparedEvents concat(List<PreparedEvents> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int size = 0;
        for (PreparedEvents p : parts) {
            size += p.size();
        }
        List<CleanResult> cleaned = new ArrayList<>(size);
        List<EventRecord> stored = new ArrayList<>(size);
        List<QuarantineRecord> quarantined = new ArrayList<>(size);
        for (PreparedEvents p : parts) {
            if (p.committed.get()) {
                throw new IllegalStateException("a prepared batch that was committed cannot be part of another");
            }
            cleaned.addAll(p.pending.cleaned());
            stored.addAll(p.pending.stored());
            quarantined.addAll(p.pending.quarantined());
        }
        return new PreparedEvents(new GroupCommitter.Pending(cleaned, stored, quarantined, new CompletableFuture<>()));
    }

    /** The pending commit, claimed once. */
    GroupCommitter.Pending claim() {
        if (!committed.compareAndSet(false, true)) {
            throw new IllegalStateException("these prepared events were committed already");
        }
        return pending;
    }

    CompletableFuture<List<IngestOutcome>> answer() {
        return pending.answer();
    }
}
