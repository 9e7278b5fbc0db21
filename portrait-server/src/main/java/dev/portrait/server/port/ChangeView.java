package dev.portrait.server.port;

import java.time.Instant;

/** One entry of a profile's changelog. */
public record ChangeView(long sequence, Instant time, String field, Object oldValue, Object newValue, String messageId) {
}
