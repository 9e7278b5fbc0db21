package dev.portrait.server.port;

import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One event as it arrived, before cleaning: its JSON object (with a batch's outer {@code context}
 * and {@code integrations} already merged in, as Segment does) and its own bytes, which are what a
 * quarantine keeps.
 *
 * <p>An event the edge already refused (over the size limit once its batch envelope is counted, see
 * {@link SegmentBatch}) carries that {@code refusal}: it is quarantined with it and never cleaned,
 * and its {@code json} is the event alone, without the envelope that made it too large. Runtimes take
 * the verdict from {@link #verdict}, so no runtime can forget the refusal and store the event.
 *
 * @param json       the parsed event object
 * @param raw        the event's JSON bytes as received (for the quarantine)
 * @param receivedAt the server's clock when the request arrived
 * @param index      its position in the request (0 for single-event calls), for error answers
 * @param refusal    the edge's verdict when it refused the event before cleaning, else null
 */
public record IncomingEvent(Map<String, Object> json, byte[] raw, Instant receivedAt, int index,
                            CleanResult.Rejected refusal) {
    public IncomingEvent {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** An event for the cleaner to judge. */
    public IncomingEvent(Map<String, Object> json, byte[] raw, Instant receivedAt, int index) {
        this(json, raw, receivedAt, index, null);
    }

    /** The edge's refusal if there is one, else what {@code cleaner} makes of the event. */
    public CleanResult verdict(Cleaner cleaner) {
        return refusal != null ? refusal : cleaner.clean(json, receivedAt);
    }
}
