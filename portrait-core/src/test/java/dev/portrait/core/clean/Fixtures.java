package dev.portrait.core.clean;

import dev.portrait.core.definition.CleaningPolicy;
import dev.portrait.core.definition.ConflictPolicy;
import dev.portrait.core.definition.EventSpec;
import dev.portrait.core.definition.IdentityRule;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.definition.PropertySpec;
import dev.portrait.core.definition.PropertyType;
import dev.portrait.core.definition.TraitSpec;
import dev.portrait.core.definition.TraitType;
import dev.portrait.core.definition.UnknownEventPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A small shop's definition and raw events to clean against it. */
final class Fixtures {
    static final Instant RECEIVED = Instant.parse("2024-01-01T00:00:05Z");

    private Fixtures() {
    }

    static CleaningPolicy policy(UnknownEventPolicy unknown, boolean allowReturns, boolean redact) {
        CleaningPolicy d = CleaningPolicy.defaults();
        return new CleaningPolicy(unknown, allowReturns, d.maxFutureSkew(), d.maxPastAge(), d.maxStringLength(),
                d.maxMapEntries(), d.maxArrayLength(), d.maxDepth(), redact);
    }

    static ProfileDefinition shop() {
        return shop(CleaningPolicy.defaults());
    }

    static ProfileDefinition shop(CleaningPolicy policy) {
        return shop(policy, List.of(new IdentityRule("user_id", List.of("userId"), true, 1, 0, Duration.ofDays(1),
                Set.of("0", "null", "guest"), 0)));
    }

    static ProfileDefinition shop(CleaningPolicy policy, List<IdentityRule> identity) {
        Map<String, EventSpec> events = new LinkedHashMap<>();
        events.put("Product Viewed", new EventSpec("Product Viewed", Map.of(
                "sku", prop("sku", PropertyType.STRING, true, null, null, false, false),
                "price", prop("price", PropertyType.NUMBER, false, 0.0, 100_000.0, false, false),
                "quantity", prop("quantity", PropertyType.INTEGER, false, null, null, false, false),
                "phone", prop("phone", PropertyType.STRING, false, null, null, true, false),
                "customer_email", prop("customer_email", PropertyType.STRING, false, null, null, true, true)),
                "events[0]"));
        events.put("Order Completed", new EventSpec("Order Completed", Map.of(
                "revenue", prop("revenue", PropertyType.NUMBER, false, null, null, false, false),
                "products", prop("products", PropertyType.ARRAY, false, null, null, false, false)),
                "events[1]"));
        Map<String, TraitSpec> traits = new LinkedHashMap<>();
        traits.put("age", trait("age", TraitType.INTEGER));
        traits.put("score", trait("score", TraitType.NUMBER));
        traits.put("plan", trait("plan", TraitType.STRING));
        traits.put("vip", trait("vip", TraitType.BOOLEAN));
        return new ProfileDefinition("shop", 1, policy, events, traits, List.of(), identity, List.of(), "test");
    }

    private static PropertySpec prop(String name, PropertyType type, boolean required, Double min, Double max,
                                     boolean pii, boolean keep) {
        return new PropertySpec(name, type, required, min, max, pii, keep, "events.properties." + name);
    }

    private static TraitSpec trait(String name, TraitType type) {
        return new TraitSpec(name, type, ConflictPolicy.LATEST, List.of(), false, "traits." + name);
    }

    /** A valid track call, as a mutable map a test can spoil. */
    static Map<String, Object> track(String event) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "track");
        m.put("messageId", "m-1");
        m.put("userId", "u-1");
        m.put("event", event);
        m.put("timestamp", "2024-01-01T00:00:00.000Z");
        m.put("properties", new LinkedHashMap<String, Object>());
        return m;
    }

    /** A valid Product Viewed call. */
    static Map<String, Object> productViewed() {
        Map<String, Object> m = track("Product Viewed");
        properties(m).put("sku", "SKU-1");
        properties(m).put("price", 12.5);
        return m;
    }

    static Map<String, Object> identify() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "identify");
        m.put("messageId", "m-2");
        m.put("userId", "u-1");
        m.put("timestamp", "2024-01-01T00:00:00Z");
        m.put("traits", new LinkedHashMap<String, Object>());
        return m;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> properties(Map<String, Object> event) {
        return (Map<String, Object>) event.get("properties");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> traits(Map<String, Object> event) {
        return (Map<String, Object>) event.get("traits");
    }

    static Map<String, Object> with(Map<String, Object> event, String key, Object value) {
        event.put(key, value);
        return event;
    }

    static Map<String, Object> withProperty(Map<String, Object> event, String key, Object value) {
        properties(event).put(key, value);
        return event;
    }

    /** {@code {"a": {"a": … {}}}}, {@code levels} objects deep. */
    static Map<String, Object> nested(int levels) {
        Map<String, Object> inner = new LinkedHashMap<>();
        for (int i = 1; i < levels; i++) {
            Map<String, Object> outer = new LinkedHashMap<>();
            outer.put("a", inner);
            inner = outer;
        }
        return inner;
    }
}
