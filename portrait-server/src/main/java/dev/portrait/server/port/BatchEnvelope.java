package dev.portrait.server.port;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portrait.core.event.EventCodec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a Segment batch says around its events, and Segment's rule for handing it down: the batch's
 * {@code context} and {@code integrations} keys go into each event's object of the same name where the
 * event has none of its own, the batch's {@code sentAt} fills an event's missing one (the cleaner uses
 * it to correct clock skew), and a {@code writeKey} never stays in a stored event (it is a credential).
 *
 * <p>Because every event gets its own copy, the envelope is also measured here: {@link #bytesAddedTo}
 * says how much longer an event's JSON becomes once the envelope is merged into it, so that the size
 * limits count what is stored rather than what was sent ({@link SegmentBatch}). Each of the envelope's
 * entries is written once, compactly, when the envelope is made; measuring an event then costs a
 * look-up per envelope key, not a serialisation.
 */
public final class BatchEnvelope {
    public static final String WRITE_KEY = "writeKey";
    private static final int SENT_AT_FIELD = jsonLength("sentAt");

    private final Map<String, Object> context;
    private final Map<String, Object> integrations;
    private final Object sentAt;
    private final Part contextPart;
    private final Part integrationsPart;
    private final long sentAtBytes;

    /**
     * @param context      the batch's {@code context} object, or null
     * @param integrations the batch's {@code integrations} object, or null
     * @param sentAt       the batch's {@code sentAt} as sent, or null
     */
    public BatchEnvelope(Map<String, Object> context, Map<String, Object> integrations, Object sentAt) {
        this.context = context;
        this.integrations = integrations;
        this.sentAt = sentAt;
        this.contextPart = Part.of("context", context);
        this.integrationsPart = Part.of("integrations", integrations);
        // ,"sentAt":value
        this.sentAtBytes = sentAt == null ? 0 : 1 + SENT_AT_FIELD + 1 + jsonLength(sentAt);
    }

    public Map<String, Object> context() {
        return context;
    }

    public Map<String, Object> integrations() {
        return integrations;
    }

    public Object sentAt() {
        return sentAt;
    }

    /** Hands the envelope down into {@code event} (a mutable map); true when a {@code writeKey} was taken out. */
    public boolean applyTo(Map<String, Object> event) {
        fill(event, "context", context);
        fill(event, "integrations", integrations);
        if (sentAt != null) {
            event.putIfAbsent("sentAt", sentAt);
        }
        return event.remove(WRITE_KEY) != null;
    }

    /**
     * How many bytes {@link #applyTo} would add to {@code event}'s JSON text: every envelope entry the
     * event takes in, written compactly with its separator (an upper bound by at most a byte per
     * object). Looks, does not change.
     */
    public long bytesAddedTo(Map<String, Object> event) {
        long added = contextPart.addedTo(event) + integrationsPart.addedTo(event);
        if (sentAtBytes > 0 && event.get("sentAt") == null) {
            added += sentAtBytes;
        }
        return added;
    }

    @SuppressWarnings("unchecked")
    private static void fill(Map<String, Object> event, String field, Map<String, Object> outer) {
        if (outer == null || outer.isEmpty()) {
            return;
        }
        Object own = event.get(field);
        if (own == null) {
            event.put(field, new LinkedHashMap<>(outer));
        } else if (own instanceof Map<?, ?> ownMap) {
            Map<String, Object> merged = new LinkedHashMap<>((Map<String, Object>) ownMap);
            outer.forEach(merged::putIfAbsent);
            event.put(field, merged);
        }
        // an event's field that is not an object stays as it is, for the cleaner to reject as wrong_type
    }

    /**
     * One of the envelope's objects, measured once.
     *
     * @param field      {@code context} or {@code integrations}
     * @param entryBytes each key's {@code "key":value}, compactly written
     * @param wholeBytes {@code ,"field":{…}} with every entry: what an event without the field gains
     */
    private record Part(String field, Map<String, Long> entryBytes, long wholeBytes) {
        static Part of(String field, Map<String, Object> outer) {
            if (outer == null || outer.isEmpty()) {
                return new Part(field, Map.of(), 0);
            }
            Map<String, Long> entries = new LinkedHashMap<>();
            long sum = 0;
            for (Map.Entry<String, Object> e : outer.entrySet()) {
                long bytes = jsonLength(e.getKey()) + 1 + jsonLength(e.getValue());
                entries.put(e.getKey(), bytes);
                sum += bytes;
            }
            // ,"field":{ entries and the commas between them }
            long whole = 1 + jsonLength(field) + 1 + 1 + sum + (entries.size() - 1) + 1;
            return new Part(field, Map.copyOf(entries), whole);
        }

        /** As {@link BatchEnvelope#fill} decides: the whole object, the keys the event lacks, or nothing. */
        long addedTo(Map<String, Object> event) {
            if (wholeBytes == 0) {
                return 0;
            }
            Object own = event.get(field);
            if (own == null) {
                return wholeBytes;
            }
            if (!(own instanceof Map<?, ?> ownMap)) {
                return 0;
            }
            long added = 0;
            for (Map.Entry<String, Long> e : entryBytes.entrySet()) {
                if (ownMap.get(e.getKey()) == null) { // putIfAbsent fills a key held as null too
                    added += e.getValue() + 1;
                }
            }
            return added;
        }
    }

    private static int jsonLength(Object value) {
        try {
            return EventCodec.mapper().writeValueAsBytes(value).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("parsed JSON always serialises", e);
        }
    }
}
