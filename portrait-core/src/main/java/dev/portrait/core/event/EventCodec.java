package dev.portrait.core.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.portrait.core.PortraitException;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes events as Segment's JSON.
 *
 * <p>Two doors, on purpose. {@link #parseRaw} turns untrusted bytes into a plain map for the
 * cleaner and only fails when the bytes are not JSON at all (or are nested deeper than any event
 * could be). {@link #decode} reads events that were cleaned before (the event log, a Kafka topic
 * written by Portrait) and fails loudly when one is not valid, because that is corruption, not
 * bad input.
 */
public final class EventCodec {
    /**
     * Jackson's own depth guard. The cleaner's limit is far lower; this one only keeps a hostile
     * body from costing stack while it is parsed.
     */
    public static final int MAX_PARSE_DEPTH = 256;

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    /** Fields the {@link Event} record models; every other top-level field goes to {@code extra}. */
    static final Set<String> MODELLED = Set.of("type", "messageId", "userId", "anonymousId", "event", "name",
            "groupId", "previousId", "properties", "traits", "context", "timestamp", "originalTimestamp",
            "sentAt", "receivedAt");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();

    static {
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_PARSE_DEPTH)
                .build());
    }

    private EventCodec() {
    }

    /** The shared, configured mapper: longs for integers, bounded nesting. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Parses untrusted bytes into a JSON object, with {@link UntrustedJson}: a number no event field
     * can hold (beyond a long, or longer than {@link UntrustedJson#MAX_NUMBER_CHARS} characters) does
     * not fail the parse but is left in place for the cleaner to reject at its path.
     *
     * @throws PortraitException {@code malformed_json} when the bytes are not one JSON object,
     *                           {@code nesting_too_deep} past {@link #MAX_PARSE_DEPTH}
     */
    public static Map<String, Object> parseRaw(byte[] json) {
        try (JsonParser p = UntrustedJson.parser(json)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new PortraitException("malformed_json", "expected a JSON object, got "
                        + UntrustedJson.describe(first), "$");
            }
            Map<String, Object> map = UntrustedJson.object(p);
            if (p.nextToken() != null) {
                // one object per body or line: a second one would be silently dropped
                throw new PortraitException("malformed_json", "unexpected content after the JSON object at line "
                        + p.currentTokenLocation().getLineNr() + ", column " + p.currentTokenLocation().getColumnNr(),
                        "$");
            }
            return map;
        } catch (StreamConstraintsException e) {
            throw new PortraitException("nesting_too_deep", "JSON nested deeper than " + MAX_PARSE_DEPTH
                    + " levels", "$", e);
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new PortraitException("malformed_json", "could not read JSON: " + e.getMessage(), "$", e);
        }
    }

    /** The answer to bytes the parser could not read, naming where it stopped. */
    public static PortraitException malformed(JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                + ", column " + e.getLocation().getColumnNr();
        return new PortraitException("malformed_json", "not valid JSON" + where + ": " + e.getOriginalMessage(), "$", e);
    }

    /** Writes an event as Segment's JSON (fields in a fixed order, so output is deterministic). */
    public static byte[] encode(Event e) {
        try {
            return MAPPER.writeValueAsBytes(toMap(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("an event's values are plain JSON and always serialise", ex);
        }
    }

    /** The event as a JSON-ready map in Segment's field names. */
    public static Map<String, Object> toMap(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", e.type().wireName());
        m.put("messageId", e.messageId());
        putIfPresent(m, "userId", e.userId());
        putIfPresent(m, "anonymousId", e.anonymousId());
        putIfPresent(m, "event", e.event());
        putIfPresent(m, "name", e.name());
        putIfPresent(m, "groupId", e.groupId());
        putIfPresent(m, "previousId", e.previousId());
        if (!e.properties().isEmpty()) {
            m.put("properties", e.properties());
        }
        if (!e.traits().isEmpty()) {
            m.put("traits", e.traits());
        }
        if (!e.context().isEmpty()) {
            m.put("context", e.context());
        }
        m.put("timestamp", e.timestamp().toString());
        putIfPresent(m, "originalTimestamp", e.originalTimestamp());
        putIfPresent(m, "sentAt", e.sentAt());
        putIfPresent(m, "receivedAt", e.receivedAt());
        for (Map.Entry<String, Object> x : e.extra().entrySet()) {
            m.putIfAbsent(x.getKey(), x.getValue());
        }
        return m;
    }

    /**
     * Reads an event that was cleaned before.
     *
     * @throws PortraitException {@code corrupt_event} when it is not a valid cleaned event
     */
    public static Event decode(byte[] json) {
        Map<String, Object> raw;
        try {
            raw = MAPPER.readValue(json, MAP);
        } catch (IOException e) {
            throw new PortraitException("corrupt_event", "stored event is not JSON: " + e.getMessage(), "$", e);
        }
        return fromCleanMap(raw);
    }

    /** Builds an event from a map whose values are already clean (see {@link Event}). */
    @SuppressWarnings("unchecked")
    public static Event fromCleanMap(Map<String, Object> raw) {
        try {
            EventType type = EventType.fromWire((String) raw.get("type"));
            if (type == null) {
                throw new PortraitException("corrupt_event", "unknown type " + raw.get("type"), "type");
            }
            Map<String, Object> extra = new LinkedHashMap<>();
            for (Map.Entry<String, Object> x : raw.entrySet()) {
                if (!MODELLED.contains(x.getKey())) {
                    extra.put(x.getKey(), x.getValue());
                }
            }
            return new Event(type, (String) raw.get("messageId"), (String) raw.get("userId"),
                    (String) raw.get("anonymousId"), (String) raw.get("event"), (String) raw.get("name"),
                    (String) raw.get("groupId"), (String) raw.get("previousId"),
                    frozen((Map<String, Object>) raw.get("properties")), frozen((Map<String, Object>) raw.get("traits")),
                    frozen((Map<String, Object>) raw.get("context")), instant(raw.get("timestamp")),
                    instant(raw.get("originalTimestamp")), instant(raw.get("sentAt")), instant(raw.get("receivedAt")),
                    frozen(extra));
        } catch (ClassCastException | IllegalArgumentException | DateTimeParseException | NullPointerException e) {
            throw new PortraitException("corrupt_event", "stored event is not a valid cleaned event: " + e.getMessage(),
                    "$", e);
        }
    }

    private static Instant instant(Object value) {
        return value == null ? null : Instant.parse((String) value);
    }

    private static Map<String, Object> frozen(Map<String, Object> m) {
        return m == null || m.isEmpty() ? Map.of() : Collections.unmodifiableMap(m);
    }

    private static void putIfPresent(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value instanceof Instant i ? i.toString() : value);
        }
    }

    /** Deep-freezes a JSON value tree (maps and lists become unmodifiable). */
    @SuppressWarnings("unchecked")
    public static Object freeze(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> x : map.entrySet()) {
                copy.put((String) x.getKey(), freeze(x.getValue()));
            }
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            Object[] copy = new Object[list.size()];
            for (int i = 0; i < copy.length; i++) {
                copy[i] = freeze(list.get(i));
            }
            return Collections.unmodifiableList(java.util.Arrays.asList(copy));
        }
        return value;
    }
}
