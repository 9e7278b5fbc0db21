package dev.portrait.core.profile;

import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds cleaned events for tests, with times relative to a fixed start. */
final class TestEvents {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private int next;

    Event track(String user, String name, Duration at, Object... properties) {
        return new Event(EventType.TRACK, "m" + (++next), user, null, name, null, null, null, map(properties), Map.of(),
                Map.of(), T0.plus(at), null, null, null, Map.of());
    }

    Event identify(String user, Duration at, String channel, Object... traits) {
        return new Event(EventType.IDENTIFY, "m" + (++next), user, null, null, null, null, null, Map.of(), map(traits),
                Map.of(), T0.plus(at), null, null, null, channel == null ? Map.of() : Map.of("channel", channel));
    }

    Event view(String user, Duration at, String product, String category, String brand, double price) {
        return track(user, "Product Viewed", at, "product_id", product, "category", category, "brand", brand,
                "price", price);
    }

    Event order(String user, Duration at, double revenue) {
        return track(user, "Order Completed", at, "order_id", "o" + next, "revenue", revenue);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
