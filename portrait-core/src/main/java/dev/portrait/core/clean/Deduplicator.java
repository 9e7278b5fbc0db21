package dev.portrait.core.clean;

/**
 * Remembers message ids so that an event delivered twice (a client retry, a redelivered Kafka
 * record) is applied once.
 */
public interface Deduplicator {
    /**
     * Records {@code messageId} and says whether it is new.
     *
     * @param messageId       the event's message id (never {@code null})
     * @param eventTimeOrNow  the event time, or the caller's clock reading, in epoch milliseconds;
     *                        it drives forgetting, so the same kind of time must be passed every call
     * @return {@code true} the first time an id is seen, {@code false} for a duplicate
     */
    boolean firstSeen(String messageId, long eventTimeOrNow);
}
