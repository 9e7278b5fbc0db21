package dev.portrait.core.clean;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An in-memory {@link Deduplicator} with a bounded footprint: it remembers at most
 * {@code maxEntries} ids, and forgets ids whose time is more than {@code window} behind the latest
 * time it has been given (its watermark; the core has no clock, so time only moves with calls).
 * Past the count, the longest-remembered ids are evicted first.
 *
 * <p>The bounds mean a very old duplicate can pass: one whose first copy was forgotten because it
 * fell out of the window, or was pushed out by {@code maxEntries} newer ids. An id arriving with a
 * time already outside the window is reported as new and not remembered at all. That is why
 * the runtimes back this with a durable messageId index; this class is the fast front that catches
 * the common case, a retry seconds or minutes after the original.
 *
 * <p>Forgetting runs in arrival order. When times arrive out of order an id can stay past its window
 * until the ids remembered before it expire or the count pushes it out; a lookup never trusts an
 * expired entry, so this only costs memory within {@code maxEntries}, never a wrong answer inside
 * the window.
 *
 * <p>Not thread-safe: runtimes keep one per partition, owned by that partition's single writer.
 */
public final class BoundedDeduplicator implements Deduplicator {
    private final int maxEntries;
    private final long windowMillis;
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
    private long watermark = Long.MIN_VALUE;

    /**
     * @param maxEntries the most ids remembered at once (at least 1)
     * @param window     how far behind the latest time an id is still remembered (positive)
     */
    public BoundedDeduplicator(int maxEntries, Duration window) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
        }
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        this.maxEntries = maxEntries;
        this.windowMillis = saturatedMillis(window);
    }

    @Override
    public boolean firstSeen(String messageId, long eventTimeOrNow) {
        Objects.requireNonNull(messageId, "messageId");
        if (eventTimeOrNow > watermark) {
            watermark = eventTimeOrNow;
        }
        long horizon = watermark - windowMillis;
        if (horizon > watermark) {
            horizon = Long.MIN_VALUE;   // the subtraction wrapped: nothing is old enough to forget
        }
        forgetOlderThan(horizon);
        Long first = seen.get(messageId);
        if (first != null) {
            if (first >= horizon) {
                return false;
            }
            seen.remove(messageId);
        }
        if (eventTimeOrNow < horizon) {
            return true;
        }
        seen.put(messageId, eventTimeOrNow);
        if (seen.size() > maxEntries) {
            Iterator<String> eldest = seen.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return true;
    }

    /** How many ids are remembered now. */
    public int size() {
        return seen.size();
    }

    private void forgetOlderThan(long horizon) {
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue() >= horizon) {
                return;
            }
            it.remove();
        }
    }

    private static long saturatedMillis(Duration d) {
        try {
            return d.toMillis();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
