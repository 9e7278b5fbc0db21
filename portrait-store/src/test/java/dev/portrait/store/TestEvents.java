package dev.portrait.store;

import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Cleaned events for the store's tests, with times relative to a fixed start. */
final class TestEvents {
    static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

    private TestEvents() {
    }

    static Event track(String messageId, String userId, String anonymousId, String name, long at, Object... properties) {
        return new Event(EventType.TRACK, messageId, userId, anonymousId, name, null, null, null, map(properties),
                Map.of(), Map.of(), Instant.ofEpochMilli(at), null, null, null, Map.of());
    }

    static Event identify(String messageId, String userId, String anonymousId, long at, Object... traits) {
        return new Event(EventType.IDENTIFY, messageId, userId, anonymousId, null, null, null, null, Map.of(),
                map(traits), Map.of(), Instant.ofEpochMilli(at), null, null, null, Map.of());
    }

    static Event page(String messageId, String anonymousId, long at, String name) {
        return new Event(EventType.PAGE, messageId, null, anonymousId, null, name, null, null, Map.of(), Map.of(),
                Map.of(), Instant.ofEpochMilli(at), null, null, null, Map.of());
    }

    /** A track event from a user, received at {@code at}. */
    static EventRecord record(String messageId, String userId, long at) {
        return EventRecord.of(track(messageId, userId, null, "Product Viewed", at, "product_id", "sku-" + messageId),
                at);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
