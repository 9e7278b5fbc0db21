package dev.portrait.server.port;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a Segment batch says around its events, and Segment's rule for handing it down: the batch's
 * {@code context} and {@code integrations} keys go into each event's object of the same name where the
 * event has none of its own, the batch's {@code sentAt} fills an event's missing one (the cleaner uses
 * it to correct clock skew), and a {@code writeKey} never stays in a stored event (it is a credential).
 * The HTTP batch routes and the file importer both apply it, so a file line and a request body of the
 * same batch store the same events.
 *
 * @param context      the batch's {@code context} object, or null
 * @param integrations the batch's {@code integrations} object, or null
 * @param sentAt       the batch's {@code sentAt} as sent, or null
 */
public record BatchEnvelope(Map<String, Object> context, Map<String, Object> integrations, Object sentAt) {
    public static final String WRITE_KEY = "writeKey";

    /** Hands the envelope down into {@code event} (a mutable map); true when a {@code writeKey} was taken out. */
    public boolean applyTo(Map<String, Object> event) {
        fill(event, "context", context);
        fill(event, "integrations", integrations);
        if (sentAt != null) {
            event.putIfAbsent("sentAt", sentAt);
        }
        return event.remove(WRITE_KEY) != null;
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
}
