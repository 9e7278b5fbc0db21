package dev.portrait.core.identity;

import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test data: cleaned events with just the fields identity resolution reads. */
final class EventBuilder {
    private final EventType type;
    private final String messageId;
    private String userId;
    private String anonymousId;
    private String previousId;
    private long time;
    private final Map<String, Object> traits = new LinkedHashMap<>();
    private final Map<String, Object> context = new LinkedHashMap<>();
    private final Map<String, Object> properties = new LinkedHashMap<>();

    private EventBuilder(EventType type, String messageId) {
        this.type = type;
        this.messageId = messageId;
    }

    static EventBuilder track(String messageId) {
        return new EventBuilder(EventType.TRACK, messageId);
    }

    static EventBuilder identify(String messageId) {
        return new EventBuilder(EventType.IDENTIFY, messageId);
    }

    static EventBuilder alias(String messageId) {
        return new EventBuilder(EventType.ALIAS, messageId);
    }

    static EventBuilder of(EventType type, String messageId) {
        return new EventBuilder(type, messageId);
    }

    EventBuilder user(String value) {
        this.userId = value;
        return this;
    }

    EventBuilder anon(String value) {
        this.anonymousId = value;
        return this;
    }

    EventBuilder previous(String value) {
        this.previousId = value;
        return this;
    }

    EventBuilder email(Object value) {
        traits.put("email", value);
        return this;
    }

    EventBuilder contextEmail(Object value) {
        context.put("traits", Map.of("email", value));
        return this;
    }

    EventBuilder device(Object value) {
        context.put("device", Map.of("id", value));
        return this;
    }

    EventBuilder property(String key, Object value) {
        properties.put(key, value);
        return this;
    }

    EventBuilder at(long epochMillis) {
        this.time = epochMillis;
        return this;
    }

    Event build() {
        return new Event(type, messageId, userId, anonymousId, type == EventType.TRACK ? "Product Viewed" : null,
                null, null, previousId, Map.copyOf(properties), Map.copyOf(traits), Map.copyOf(context),
                Instant.ofEpochMilli(time), null, null, null, Map.of());
    }
}
