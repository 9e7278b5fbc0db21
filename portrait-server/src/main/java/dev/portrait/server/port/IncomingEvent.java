package dev.portrait.server.port;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One event as it arrived, before cleaning: its JSON object (with a batch's outer {@code context}
 * and {@code integrations} already merged in, as Segment does) and its own bytes, which are what a
 * quarantine keeps.
 *
 * @param json       the parsed event object
 * @param raw        the event's JSON bytes as received (for the quarantine)
 * @param receivedAt the server's clock when the request arrived
 * @param index      its position in the request (0 for single-event calls), for error answers
 */
public record IncomingEvent(Map<String, Object> json, byte[] raw, Instant receivedAt, int index) {
    public IncomingEvent {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
