package dev.portrait.server.port;

import java.time.Instant;

/** A quarantined event as the admin API lists it. */
public record QuarantineView(long id, String code, String message, String path, Instant receivedAt, String event) {
}
