package dev.portrait.core.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A cleaned behaviour event with Segment's fields. Only the {@code Cleaner} (or the codec reading
 * events that were cleaned before, such as the event log) makes these, so every instance is valid:
 * it has a type, a message id, at least one of {@code userId} / {@code anonymousId}, and an event
 * time ({@link #timestamp()}, already corrected for client clock skew).
 *
 * <p>Maps hold plain JSON values: {@code String}, {@code Long} (every integral number),
 * {@code Double} (every other number, never NaN or infinite), {@code Boolean}, {@code List},
 * {@code Map<String, Object>} and {@code null}. They are unmodifiable. Fields that Segment defines
 * but Portrait does not interpret (for example {@code integrations}, {@code version}) and fields
 * nobody defines are kept in {@link #extra()} and written back out by the codec.
 *
 * @param type              track, identify, page, screen, group or alias
 * @param messageId         the deduplication key
 * @param userId            the product's own id for the person, or {@code null}
 * @param anonymousId       the device or cookie id, or {@code null}
 * @param event             the event name of a track call ({@code "Product Viewed"}), else {@code null}
 * @param name              the page or screen name, else {@code null}
 * @param groupId           the group id of a group call, else {@code null}
 * @param previousId        the previous id of an alias call, else {@code null}
 * @param properties        track/page/screen properties (never {@code null})
 * @param traits            identify/group traits (never {@code null})
 * @param context           Segment's context object (never {@code null})
 * @param timestamp         the event time used for every computation
 * @param originalTimestamp the client's own clock reading, or {@code null}
 * @param sentAt            when the client sent the batch, or {@code null}
 * @param receivedAt        when the server received it, or {@code null}
 * @param extra             every other top-level field, kept verbatim (never {@code null})
 */
public record Event(
        EventType type,
        String messageId,
        String userId,
        String anonymousId,
        String event,
        String name,
        String groupId,
        String previousId,
        Map<String, Object> properties,
        Map<String, Object> traits,
        Map<String, Object> context,
        Instant timestamp,
        Instant originalTimestamp,
        Instant sentAt,
        Instant receivedAt,
        Map<String, Object> extra) {

    public Event {
        Objects.requireNonNull(type, "type");
        if (messageId == null || messageId.isEmpty()) {
            throw new IllegalArgumentException("messageId is required");
        }
        if (userId == null && anonymousId == null) {
            throw new IllegalArgumentException("event " + messageId + " has neither userId nor anonymousId");
        }
        Objects.requireNonNull(timestamp, "timestamp");
        properties = properties == null ? Map.of() : properties;
        traits = traits == null ? Map.of() : traits;
        context = context == null ? Map.of() : context;
        extra = extra == null ? Map.of() : extra;
    }

    /** The event time in epoch milliseconds; every feature and window works in these. */
    public long time() {
        return timestamp.toEpochMilli();
    }

    /**
     * The key that features and event rules match on: the event name for a track call, otherwise
     * the wire name of the type ({@code "identify"}, {@code "page"}, …).
     */
    public String key() {
        return type == EventType.TRACK ? event : type.wireName();
    }

    /** A property as a double, or {@code NaN} when it is absent or not a number. */
    public double number(String property) {
        Object v = properties.get(property);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** A property as a string ({@code null} when absent); numbers and booleans are rendered. */
    public String string(String property) {
        Object v = properties.get(property);
        return v == null || v instanceof Map || v instanceof java.util.List ? null : v.toString();
    }

    /** A copy with another message id, user id and time; used by generators and tests. */
    public Event withIds(String newMessageId, String newUserId, String newAnonymousId) {
        return new Event(type, newMessageId, newUserId, newAnonymousId, event, name, groupId, previousId,
                properties, traits, context, timestamp, originalTimestamp, sentAt, receivedAt, extra);
    }

    /** A copy at another event time. */
    public Event withTimestamp(Instant newTimestamp) {
        return new Event(type, messageId, userId, anonymousId, event, name, groupId, previousId,
                properties, traits, context, newTimestamp, originalTimestamp, sentAt, receivedAt, extra);
    }
}
