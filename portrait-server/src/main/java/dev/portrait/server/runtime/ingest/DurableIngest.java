package dev.portrait.server.runtime.ingest;

import dev.portrait.core.PortraitException;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.port.IngestPort;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

/**
 * The ingest port: cleans events on the calling thread, refuses them while folding lags too far, and
 * waits for the {@link GroupCommitter} to make them durable.
 */
public final class DurableIngest implements IngestPort {
    private final Cleaner cleaner;
    private final GroupCommitter committer;
    private final LongSupplier lag;
    private final long maxLag;

    /**
     * @param lag    how many logged events wait to be folded
     * @param maxLag above it, ingest answers {@code overloaded}
     */
    public DurableIngest(Cleaner cleaner, GroupCommitter committer, LongSupplier lag, long maxLag) {
        this.cleaner = cleaner;
        this.committer = committer;
        this.lag = lag;
        this.maxLag = maxLag;
    }

    @Override
    public List<IngestOutcome> ingest(List<IncomingEvent> events) {
        long behind = lag.getAsLong();
        if (behind > maxLag) {
            // The log would take it, but folding is this far behind: a bounded backlog keeps queries and
            // recovery fast, and the client's SDK retries on 503 after Retry-After.
            throw new PortraitException("overloaded", "the runtime is " + behind + " events behind (at most "
                    + maxLag + " may wait to be folded); retry shortly", null);
        }
        List<CleanResult> cleaned = new ArrayList<>(events.size());
        for (IncomingEvent in : events) {
            cleaned.add(in.verdict(cleaner));
        }
        return commit(events, cleaned);
    }

    /** Makes events cleaned already durable (a re-drive cleans them itself) and answers their outcomes. */
    public List<IngestOutcome> commit(List<IncomingEvent> events, List<CleanResult> cleaned) {
        return await(committer.submit(events, cleaned));
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
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
