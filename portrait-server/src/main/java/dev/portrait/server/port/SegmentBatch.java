package dev.portrait.server.port;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.portrait.core.PortraitException;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.event.UntrustedJson;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Segment batch ({@code {"batch": [...], "context": {...}, "integrations": {...}, "sentAt": …,
 * "writeKey": …}}) read item by item, with the limits that count what it makes the server store. Both
 * ways in that take batches read them here: {@code POST /v1/batch} and {@code /v1/import}, and a batch
 * line of {@code portrait import}. So the same bytes give the same events and the same refusals.
 *
 * <h2>Reading</h2>
 * One streaming pass with {@link UntrustedJson} over the (already bounded) bytes. Each item is built
 * straight from the parser while its first and last byte offsets are noted, so its own bytes are known
 * without writing anything back out: they are what a quarantine keeps. A number no field can hold (an
 * integer beyond a long, a thousand-digit number) does not fail the read; it stays in its item, and the
 * cleaner rejects that item alone as {@code invalid_number}.
 *
 * <h2>Limits that count what is stored</h2>
 * The envelope is copied into every event. Counting only each item's own bytes let a 10 KB gzip body
 * (a 480 KB context, 2,000 tiny events) be accepted and write about a gigabyte. So each event is
 * measured as it will be stored: its own bytes plus every envelope entry it takes in
 * ({@link BatchEnvelope#bytesAddedTo}). The checks, in the order they apply:
 * <ol>
 *   <li>more than {@link Limits#maxEvents} items: the whole batch is refused ({@code too_many_events}),
 *       as soon as the next item starts, before the rest is read;</li>
 *   <li>all events together, each measured with its envelope, over {@link Limits#maxMergedBytes}: the
 *       whole batch is refused ({@code request_too_large}). This bounds what one request can make the
 *       server write, and it comes before any event is judged on its own, so an amplifying body is
 *       refused whole rather than quarantined event by event;</li>
 *   <li>one event over {@link Limits#maxEventBytes} with its envelope: that event alone is
 *       {@link Oversized}; the others go on. It is kept as the client sent it, without the envelope
 *       (usually what made it too large), so the quarantine holds no more than the body's bytes.</li>
 * </ol>
 * What makes the body unreadable as a batch fails all of it: bytes that are not JSON or nest too deep
 * ({@code malformed_json}, {@code nesting_too_deep}), a body that is no object with one {@code batch}
 * array, a {@code context} or {@code integrations} that is not an object ({@code invalid_request}). An
 * item that is not an object is reported as {@link NotAnObject} for the caller to decide.
 */
public final class SegmentBatch {
    private static final String WRITE_KEY = BatchEnvelope.WRITE_KEY;

    /**
     * The limits a batch is read under.
     *
     * @param maxEventBytes  bytes of one event with the envelope merged in
     * @param maxMergedBytes bytes of all the batch's events, each with the envelope merged in
     * @param maxEvents      items in the batch
     */
    public record Limits(int maxEventBytes, long maxMergedBytes, int maxEvents) {
        public Limits {
            if (maxEventBytes < 1 || maxMergedBytes < maxEventBytes || maxEvents < 1) {
                throw new IllegalArgumentException("batch limits must be positive with maxMergedBytes at least "
                        + "maxEventBytes, got " + maxEventBytes + " bytes per event, " + maxMergedBytes
                        + " merged bytes, " + maxEvents + " events");
            }
        }
    }

    /** One item of the batch, in order. */
    public sealed interface Item permits Event, Oversized, NotAnObject {
        /** Its position in the batch. */
        int index();

        /** Its bytes as sent, without a {@code writeKey} (rewritten without it when it had one). */
        byte[] raw();
    }

    /** An event to clean: the envelope merged in, any {@code writeKey} taken out. */
    public record Event(int index, Map<String, Object> json, byte[] raw) implements Item {
    }

    /**
     * An event over the per-event limit once the envelope is counted.
     *
     * @param json    the item alone, without the envelope or a {@code writeKey}: what to quarantine
     * @param bytes   its size as it would have been stored
     * @param message why, naming the item, its size and the limit
     */
    public record Oversized(int index, Map<String, Object> json, byte[] raw, long bytes, String message)
            implements Item {
    }

    /**
     * An item that is not a JSON object.
     *
     * @param kind what it is instead ({@code "a number"}, {@code "an array"}, …)
     */
    public record NotAnObject(int index, byte[] raw, String kind) implements Item {
    }

    private final List<Item> items;
    private final String writeKey;

    private SegmentBatch(List<Item> items, String writeKey) {
        this.items = items;
        this.writeKey = writeKey;
    }

    /** The items, in batch order. */
    public List<Item> items() {
        return items;
    }

    /** The batch's {@code writeKey} when it carried one as a string, else null. */
    public String writeKey() {
        return writeKey;
    }

    /**
     * Reads a batch.
     *
     * @throws PortraitException for a batch refused whole, with the codes above and a path
     *                           ({@code $}, {@code batch}, {@code context}, {@code integrations})
     */
    public static SegmentBatch read(byte[] body, Limits limits) {
        Reading r = new Reading(body, limits);
        try (JsonParser p = UntrustedJson.parser(body)) {
            r.read(p);
        } catch (StreamConstraintsException e) {
            throw new PortraitException("nesting_too_deep", "JSON nested deeper than " + EventCodec.MAX_PARSE_DEPTH
                    + " levels", "$", e);
        } catch (JsonProcessingException e) {
            throw EventCodec.malformed(e);
        } catch (IOException e) {
            throw new PortraitException("malformed_json", "could not read JSON: " + e.getMessage(), "$", e);
        }
        return r.judge();
    }

    /** One pass over one body: the spans found, then the verdicts. */
    private static final class Reading {
        private final byte[] body;
        private final Limits limits;
        private final List<Object> found = new ArrayList<>();
        private Map<String, Object> context;
        private Map<String, Object> integrations;
        private Object sentAt;
        private String writeKey;
        private boolean sawBatch;

        Reading(byte[] body, Limits limits) {
            this.body = body;
            this.limits = limits;
        }

        /** An object item and where its bytes lie. */
        private record Span(Map<String, Object> json, int start, int end) {
        }

        void read(JsonParser p) throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("$", "a batch body is a JSON object with a \"batch\" array");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "batch" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw invalid("batch", "\"batch\" must be an array of events, got "
                                    + UntrustedJson.describe(value));
                        }
                        if (sawBatch) {
                            throw invalid("batch", "the body has two \"batch\" arrays");
                        }
                        sawBatch = true;
                        readItems(p);
                    }
                    case "context" -> context = object(p, value, "context");
                    case "integrations" -> integrations = object(p, value, "integrations");
                    case "sentAt" -> sentAt = UntrustedJson.value(p);
                    case WRITE_KEY -> {
                        writeKey = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        p.skipChildren();
                    }
                    // anything else at the top (Segment's own "messageId" of the batch, SDK extras) is not an event
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new PortraitException("malformed_json", "unexpected content after the batch object", "$");
            }
            if (!sawBatch) {
                throw invalid("batch", "a batch body needs a \"batch\" array of events");
            }
        }

        private void readItems(JsonParser p) throws IOException {
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (found.size() >= limits.maxEvents()) {
                    throw new PortraitException("too_many_events", "the batch has more than " + limits.maxEvents()
                            + " events, the limit per batch; split it", "batch");
                }
                if (t == JsonToken.START_OBJECT) {
                    long start = p.currentTokenLocation().getByteOffset();
                    Map<String, Object> json = UntrustedJson.object(p);
                    // the parser now stands on the item's closing brace, which is one byte
                    long end = p.currentTokenLocation().getByteOffset() + 1;
                    found.add(new Span(json, (int) start, (int) end));
                } else {
                    found.add(new NotAnObject(found.size(), json(UntrustedJson.value(p)), UntrustedJson.describe(t)));
                }
            }
        }

        private static Map<String, Object> object(JsonParser p, JsonToken value, String field) throws IOException {
            if (value == JsonToken.VALUE_NULL) {
                return null;
            }
            if (value != JsonToken.START_OBJECT) {
                throw invalid(field, "the batch's \"" + field + "\" must be an object, got "
                        + UntrustedJson.describe(value));
            }
            return UntrustedJson.object(p);
        }

        SegmentBatch judge() {
            BatchEnvelope envelope = new BatchEnvelope(context, integrations, sentAt);
            long[] sizes = new long[found.size()];
            long total = 0;
            for (int i = 0; i < sizes.length; i++) {
                Object f = found.get(i);
                sizes[i] = f instanceof Span s ? s.end - s.start + envelope.bytesAddedTo(s.json)
                        : ((NotAnObject) f).raw().length;
                total += sizes[i];
            }
            if (total > limits.maxMergedBytes()) {
                throw new PortraitException("request_too_large", "the batch's " + sizes.length + " events come to "
                        + total + " bytes once the batch's context, integrations and sentAt are merged into each, "
                        + "over the limit of " + limits.maxMergedBytes() + " bytes one request may store; split the "
                        + "batch or send less context", "$");
            }
            List<Item> items = new ArrayList<>(sizes.length);
            for (int i = 0; i < sizes.length; i++) {
                Object f = found.get(i);
                items.add(f instanceof Span s ? item(i, s, sizes[i], envelope) : (Item) f);
            }
            return new SegmentBatch(List.copyOf(items), writeKey);
        }

        private Item item(int index, Span s, long size, BatchEnvelope envelope) {
            Map<String, Object> json = s.json;
            boolean hadKey = json.remove(WRITE_KEY) != null;
            // the writeKey is a credential: an item that carried one is kept as rewritten without it
            byte[] raw = hadKey ? json(json) : Arrays.copyOfRange(body, s.start, s.end);
            if (size > limits.maxEventBytes()) {
                long own = s.end - s.start;
                return new Oversized(index, json, raw, size, "event " + index + " of the batch is " + size
                        + " bytes" + (size > own ? " with the batch's context, integrations and sentAt merged in ("
                        + own + " of its own)" : "") + ", over the limit of " + limits.maxEventBytes()
                        + " bytes per event");
            }
            envelope.applyTo(json);
            return new Event(index, json, raw);
        }

        private static PortraitException invalid(String path, String message) {
            return new PortraitException("invalid_request", message, path);
        }

        private static byte[] json(Object value) {
            try {
                return EventCodec.mapper().writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("parsed JSON always serialises", e);
            }
        }
    }
}
