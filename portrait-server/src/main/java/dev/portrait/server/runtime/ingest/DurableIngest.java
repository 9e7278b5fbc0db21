package dev.portrait.server.runtime.ingest;

import dev.portrait.core.PortraitException;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.port.IngestPort;
import dev.portrait.store.QuarantineRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The ingest port: cleans events on the calling thread, refuses them while folding lags too far or
 * cannot go on at all (the worker stopped), and waits, at most {@code commitTimeout}, for the
 * {@link GroupCommitter} to make them durable. Every way out of {@link #ingest} other than the outcomes
 * is a {@code PortraitException} the HTTP layer answers with its status (503 for {@code unavailable}
 * and {@code overloaded}); none waits without a bound.
 */
public final class DurableIngest implements IngestPort {
    private final Cleaner cleaner;
    private final GroupCommitter committer;
    private final LongSupplier lag;
    private final long maxLag;
    private final Duration commitTimeout;
    private final Supplier<String> stopped;
    private final java.util.function.UnaryOperator<CleanResult> screen;

    /**
     * @param lag           how many logged events wait to be folded
     * @param maxLag        above it, ingest answers {@code overloaded}
     * @param commitTimeout the longest a caller waits for its group commit
     * @param stopped       why events could not be folded at all (the worker stopped), or null: then ingest
     *                      answers {@code unavailable} at once instead of logging what nobody folds
     */
    public DurableIngest(Cleaner cleaner, GroupCommitter committer, LongSupplier lag, long maxLag,
                         Duration commitTimeout, Supplier<String> stopped) {
        this(cleaner, committer, lag, maxLag, commitTimeout, stopped, java.util.function.UnaryOperator.identity());
    }

    /**
     * @param screen a second look at each verdict after cleaning, on the calling thread: it may turn an
     *               accepted event into a rejected one (the suppression list of forgotten people)
     */
    public DurableIngest(Cleaner cleaner, GroupCommitter committer, LongSupplier lag, long maxLag,
                         Duration commitTimeout, Supplier<String> stopped,
                         java.util.function.UnaryOperator<CleanResult> screen) {
        this.screen = java.util.Objects.requireNonNull(screen, "screen");
        this.cleaner = cleaner;
        this.committer = committer;
        this.lag = lag;
        this.maxLag = maxLag;
        this.commitTimeout = commitTimeout;
        this.stopped = stopped;
    }

    @Override
    public List<IngestOutcome> ingest(List<IncomingEvent> events) {
        String why = stopped.get();
        if (why != null) {
            throw new PortraitException("unavailable", why, null);
        }
        long behind = lag.getAsLong();
        if (behind > maxLag) {
            // The log would take it, but folding is this far behind: a bounded backlog keeps queries and
            // recovery fast, and the client's SDK retries on 503 after Retry-After.
            throw new PortraitException("overloaded", "the runtime is " + behind + " events behind (at most "
                    + maxLag + " may wait to be folded); retry shortly", null);
        }
        List<CleanResult> cleaned = new ArrayList<>(events.size());
        for (IncomingEvent in : events) {
            cleaned.add(screen.apply(in.verdict(cleaner)));
        }
        return commit(events, cleaned);
    }

    /**
     * The bulk half of {@link #ingest}, for a caller that keeps its own order and backlog (the importer):
     * cleans and encodes on the calling thread, which may be any thread, so several can prepare at once.
     * Nothing is durable until {@link #commit(PreparedEvents)}.
     *
     * @param unreadable records that never became events (lines that are no JSON object): they are
     *                   quarantined in the same group write as the events, and their outcomes follow
     *                   the events' in the answer
     */
    public PreparedEvents prepare(List<IncomingEvent> events, List<QuarantineRecord> unreadable) {
        List<CleanResult> cleaned = new ArrayList<>(events.size());
        for (IncomingEvent in : events) {
            cleaned.add(screen.apply(in.verdict(cleaner)));
        }
        return new PreparedEvents(GroupCommitter.prepare(events, cleaned, unreadable));
    }

    /**
     * Queues prepared events for the group commit and returns at once; the answer completes, one outcome
     * per event and then per unreadable record, when they are durable and queued for the worker, or fails
     * with {@code unavailable}. Commits are made in the order of the calls, so one caller's events reach
     * the log in its order. Unlike {@link #ingest} this does not refuse when the fold lags: the caller
     * bounds its own backlog with the runtime's lag.
     */
    public CompletableFuture<List<IngestOutcome>> commit(PreparedEvents prepared) {
        return committer.submit(prepared.claim());
    }

    /** Makes events cleaned already durable (a re-drive cleans them itself) and answers their outcomes. */
    public List<IngestOutcome> commit(List<IncomingEvent> events, List<CleanResult> cleaned) {
        return await(committer.submit(events, cleaned));
    }

    private <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(commitTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new PortraitException("unavailable", "the group commit did not finish within " + commitTimeout.toMillis()
                    + " ms; the events may or may not be durable, and a retry with the same messageIds is safe", null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortraitException("unavailable", "interrupted while waiting for the group commit", null, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PortraitException p) {
                throw p;
            }
            throw new PortraitException("unavailable", "events could not be made durable: " + e.getCause(), null,
                    e.getCause());
        }
    }
}
