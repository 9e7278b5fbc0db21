package dev.portrait.server.runtime.worker;

import dev.portrait.core.event.Event;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What the profile worker is asked to do: batches of logged events, in log order, and queries that
 * each wait until the log position they carry has been applied.
 *
 * <p>Queries do not queue behind the folding backlog: they sit in their own queue, and the worker
 * looks at them after every event ({@link #answer}). Any thread may add; only the worker thread takes.
 */
final class WorkerMailbox {
    /** One logged event: its log position and the event. */
    record Logged(long sequence, Event event) {
    }

    /**
     * A task to run once the worker has applied the log up to {@code after}; a {@code read} changes
     * nothing, so it may also run between the profiles of a write-back.
     */
    private record Query(long after, boolean read, Runnable task) {
    }

    /** Wakes an idle worker for a query or a stop; carries no work itself. */
    private static final Object WAKE = new Object();

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Queue<Query> queries = new ConcurrentLinkedQueue<>();
    /** Queries taken from {@link #queries} that wait for events not yet applied; worker thread only. */
    private final ArrayDeque<Query> waiting = new ArrayDeque<>();
    private boolean answering;

    void post(List<Logged> batch) {
        events.add(batch);
    }

    void wake() {
        events.add(WAKE);
    }

    /** Queues {@code task} to run on the worker once the log up to {@code after} is applied. */
    <T> CompletableFuture<T> ask(boolean read, long after, Callable<T> task) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        queries.add(new Query(after, read, () -> {
            try {
                answer.complete(task.call());
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        }));
        events.add(WAKE);
        return answer;
    }

    /**
     * The next batch of logged events, or null after a wake-up or {@code waitMillis} without one. Does
     * not wait when queries are waiting: they are looked at again right away.
     */
    @SuppressWarnings("unchecked")
    List<Logged> next(long waitMillis) throws InterruptedException {
        Object task = waiting.isEmpty() ? events.poll(waitMillis, TimeUnit.MILLISECONDS) : events.poll();
        return task instanceof List<?> batch ? (List<Logged>) batch : null;
    }

    boolean hasQueries() {
        return !queries.isEmpty() || !waiting.isEmpty();
    }

    /** Whether batches of events (or wake-ups) are still queued. */
    boolean hasEvents() {
        return !events.isEmpty();
    }

    boolean isEmpty() {
        return events.isEmpty() && !hasQueries();
    }

    /**
     * Runs every query whose log position is at or before {@code applied} (with {@code readsOnly}, only
     * reads); the others keep waiting, in arrival order.
     */
    void answer(long applied, boolean readsOnly) {
        if (answering) {
            return; // a query that writes back runs inside this loop; its reads wait for the loop
        }
        answering = true;
        try {
            Query q;
            while ((q = queries.poll()) != null) {
                waiting.add(q);
            }
            for (var it = waiting.iterator(); it.hasNext(); ) {
                Query next = it.next();
                if (next.after() <= applied && (next.read() || !readsOnly)) {
                    it.remove();
                    next.task().run();
                }
            }
        } finally {
            answering = false;
        }
    }

    /** Stopping: nothing more will be applied, so every waiting query runs now on what there is. */
    void answerAll() {
        Query q;
        while ((q = queries.poll()) != null) {
            waiting.add(q);
        }
        waiting.forEach(w -> w.task().run());
        waiting.clear();
    }
}
