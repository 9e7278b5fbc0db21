package dev.portrait.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portrait.core.PortraitException;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.event.EventType;
import dev.portrait.server.port.BatchEnvelope;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of one ingest body, each with its own bytes, and the write key the body carried.
 *
 * <h2>Why a streaming pass</h2>
 * A batch is walked with Jackson's streaming parser over the (already bounded) body, and each item
 * is bound to a map straight from the parser while its first and last byte offsets are noted. So
 * every event's own bytes are known without writing anything back out: the per-event limit measures
 * what the client actually sent, and the quarantine keeps exactly that. Re-serialising every item
 * would cost a second pass over each event and measure a different text than the one received.
 *
 * <h2>What the layer does to each event</h2>
 * The batch's {@code context} and {@code integrations} are merged into each item, key by key, the
 * item's own keys winning (Segment's rule); the batch's {@code sentAt} fills an item's missing one,
 * because SDKs stamp the send time on the batch and the cleaner needs it per event to correct clock
 * skew. A single call gets its endpoint's {@code type} when it has none. A {@code writeKey} is taken
 * out of every event: it is a credential, and the quarantine must not keep it, so an event that had
 * one gets its raw bytes re-serialised without it (the one case where the raw bytes are not the
 * bytes received). The raw bytes are otherwise the item as sent, before any of these merges: the
 * parsed map (in {@link Item#json}) is what the cleaner judges.
 *
 * <h2>Whole-request answers</h2>
 * Problems that make the request itself unusable fail all of it, and nothing is stored: invalid JSON
 * (400 {@code malformed_json}), a batch without a {@code batch} array or with an item that is not an
 * object (400 {@code invalid_request}), more than the batch limit (413 {@code too_many_events}),
 * and one event over the per-event limit (413 {@code event_too_large}, naming the item). The last is
 * a deliberate choice: the ingest port cannot quarantine an event the HTTP layer rejected, and
 * storing the rest while answering 200 would hide the oversized one behind a success that Segment's
 * SDKs never inspect; a 413 makes the client see it.
 */
record IngestBody(List<Item> events, String writeKey) {
    private static final String WRITE_KEY = BatchEnvelope.WRITE_KEY;

    /**
     * One event as it arrived.
     *
     * @param json  the parsed event, merged as described above
     * @param raw   its bytes
     * @param index its position in the batch (0 for a single call)
     */
    record Item(Map<String, Object> json, byte[] raw, int index) {
    }

    /** The body of a single call ({@code /v1/track} and its siblings). */
    static IngestBody single(byte[] body, EventType endpoint, HttpConfig.Limits limits) {
        if (body.length > limits.maxEventBytes()) {
            throw ApiError.eventTooLarge("$", "the event is " + body.length + " bytes, over the limit of "
                    + limits.maxEventBytes() + " bytes per event");
        }
        Map<String, Object> json = EventCodec.parseRaw(body);
        Object type = json.get("type");
        if (type == null) {
            json.put("type", endpoint.wireName());
        } else if (!(type instanceof String s) || EventType.fromWire(s.strip()) != endpoint) {
            throw new PortraitException("wrong_type", "the body's type " + shown(type) + " contradicts the endpoint /v1/"
                    + endpoint.wireName() + ": leave type out or send it to its own endpoint", "type");
        }
        boolean hadKey = json.containsKey(WRITE_KEY);
        String writeKey = takeWriteKey(json);
        byte[] raw = hadKey ? Json.bytes(withoutTypeAdded(json, type)) : body;
        return new IngestBody(List.of(new Item(json, raw, 0)), writeKey);
    }

    /** The body of {@code /v1/batch} and {@code /v1/import}. */
    static IngestBody batch(byte[] body, HttpConfig.Limits limits) {
        ObjectMapper mapper = EventCodec.mapper();
        List<Span> spans = new ArrayList<>();
        Map<String, Object> context = null;
        Map<String, Object> integrations = null;
        Object sentAt = null;
        String writeKey = null;
        boolean sawBatch = false;
        try (JsonParser p = mapper.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ApiError.invalidRequest("$", "a batch body is a JSON object with a \"batch\" array");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "batch" -> {
                        if (value != JsonToken.START_ARRAY) {
                            throw ApiError.invalidRequest("batch", "\"batch\" must be an array of events, got "
                                    + describe(value));
                        }
                        if (sawBatch) {
                            throw ApiError.invalidRequest("batch", "the body has two \"batch\" arrays");
                        }
                        sawBatch = true;
                        readItems(p, mapper, limits, spans);
                    }
                    case "context" -> context = object(p, mapper, value, "context");
                    case "integrations" -> integrations = object(p, mapper, value, "integrations");
                    case "sentAt" -> sentAt = value == JsonToken.VALUE_NULL ? null : mapper.readValue(p, Object.class);
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
        } catch (StreamConstraintsException e) {
            throw new PortraitException("nesting_too_deep", "JSON nested deeper than " + EventCodec.MAX_PARSE_DEPTH
                    + " levels", "$", e);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
            throw new PortraitException("malformed_json", "not valid JSON" + where + ": " + e.getOriginalMessage(),
                    "$", e);
        } catch (IOException e) {
            throw new PortraitException("malformed_json", "could not read JSON: " + e.getMessage(), "$", e);
        }
        if (!sawBatch) {
            throw ApiError.invalidRequest("batch", "a batch body needs a \"batch\" array of events");
        }
        List<Item> items = new ArrayList<>(spans.size());
        BatchEnvelope envelope = new BatchEnvelope(context, integrations, sentAt);
        for (Span s : spans) {
            Map<String, Object> json = s.json;
            boolean hadKey = envelope.applyTo(json);
            byte[] raw = hadKey ? Json.bytes(json) : Arrays.copyOfRange(body, s.start, s.end);
            items.add(new Item(json, raw, s.index));
        }
        return new IngestBody(List.copyOf(items), writeKey);
    }

    private record Span(Map<String, Object> json, int start, int end, int index) {
    }

    private static void readItems(JsonParser p, ObjectMapper mapper, HttpConfig.Limits limits, List<Span> out)
            throws IOException {
        int index = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (index >= limits.maxBatchEvents()) {
                throw ApiError.tooManyEvents("the batch has more than " + limits.maxBatchEvents()
                        + " events, the limit per batch; split it");
            }
            if (t != JsonToken.START_OBJECT) {
                throw ApiError.invalidRequest("batch[" + index + "]", "every batch item must be an event object, got "
                        + describe(t));
            }
            long start = p.currentTokenLocation().getByteOffset();
            Map<String, Object> json = mapper.readValue(p, mapper.getTypeFactory()
                    .constructMapType(LinkedHashMap.class, String.class, Object.class));
            // the parser now stands on the item's closing brace, which is one byte
            long end = p.currentTokenLocation().getByteOffset() + 1;
            if (end - start > limits.maxEventBytes()) {
                throw ApiError.eventTooLarge("batch[" + index + "]", "event " + index + " of the batch is "
                        + (end - start) + " bytes, over the limit of " + limits.maxEventBytes() + " bytes per event");
            }
            out.add(new Span(json, (int) start, (int) end, index));
            index++;
        }
    }

    private static Map<String, Object> object(JsonParser p, ObjectMapper mapper, JsonToken value, String field)
            throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.START_OBJECT) {
            throw ApiError.invalidRequest(field, "the batch's \"" + field + "\" must be an object, got " + describe(value));
        }
        return mapper.readValue(p, mapper.getTypeFactory().constructMapType(LinkedHashMap.class, String.class,
                Object.class));
    }

    private static String takeWriteKey(Map<String, Object> json) {
        Object key = json.remove(WRITE_KEY);
        return key instanceof String s ? s : null;
    }

    /** The map as the client sent it: the type the endpoint filled in is not part of what was received. */
    private static Map<String, Object> withoutTypeAdded(Map<String, Object> json, Object typeSent) {
        if (typeSent != null) {
            return json;
        }
        Map<String, Object> copy = new LinkedHashMap<>(json);
        copy.remove("type");
        return copy;
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the body";
        }
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private static String shown(Object type) {
        String s = type instanceof String str ? "\"" + str + "\"" : String.valueOf(type);
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
