package dev.portrait.server.http;

import dev.portrait.core.PortraitException;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.event.EventType;
import dev.portrait.server.port.BatchEnvelope;
import dev.portrait.server.port.SegmentBatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of one ingest body, each with its own bytes, and the write key the body carried.
 *
 * <p>A batch is read by {@link SegmentBatch} (the rule {@code portrait import} applies to a batch line
 * too): a streaming pass that keeps each item's own bytes, hands the batch's {@code context},
 * {@code integrations} and {@code sentAt} down into each item (Segment's rule, the item's own keys
 * winning), and measures every event as it will be stored, envelope included. A single call gets its
 * endpoint's {@code type} when it has none. A {@code writeKey} is taken out of every event: it is a
 * credential, and the quarantine must not keep it, so an event that had one gets its raw bytes
 * re-serialised without it (the one case where the raw bytes are not the bytes received).
 *
 * <h2>Which answer when</h2>
 * <ul>
 *   <li>The request is refused whole, and nothing is stored, when it cannot be read as what its route
 *       takes (400 {@code malformed_json}, {@code nesting_too_deep}, {@code invalid_request}: no
 *       {@code batch} array, an item that is not an object), and when it is over a limit on the request
 *       as a whole (413 {@code too_many_events}, {@code request_too_large}: the decoded body, or all its
 *       events with the envelope merged into each). A single call over the per-event limit is also a
 *       413 {@code event_too_large}: there the request is the event.</li>
 *   <li>One event of a batch over the per-event limit, counted with the envelope, is refused alone: it
 *       goes to the ingest port with a {@link Item#refusal} {@code event_too_large}, is quarantined as
 *       the client sent it (without the envelope) and listed by index in the answer, while the others
 *       are stored.</li>
 *   <li>A value no field can hold (an integer beyond a long, a thousand-digit number) never fails the
 *       parse: it stays in its event, which the cleaner rejects alone as {@code invalid_number}.</li>
 * </ul>
 */
record IngestBody(List<Item> events, String writeKey) {
    private static final String WRITE_KEY = BatchEnvelope.WRITE_KEY;

    /**
     * One event as it arrived.
     *
     * @param json    the parsed event, merged as described above; the event alone when refused
     * @param raw     its bytes
     * @param index   its position in the batch (0 for a single call)
     * @param refusal why the edge refused it before cleaning ({@code event_too_large}), or null
     */
    record Item(Map<String, Object> json, byte[] raw, int index, CleanResult.Rejected refusal) {
        Item(Map<String, Object> json, byte[] raw, int index) {
            this(json, raw, index, null);
        }
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
        SegmentBatch batch = SegmentBatch.read(body, limits.batch());
        List<Item> items = new ArrayList<>(batch.items().size());
        for (SegmentBatch.Item item : batch.items()) {
            if (item instanceof SegmentBatch.Event e) {
                items.add(new Item(e.json(), e.raw(), e.index()));
            } else if (item instanceof SegmentBatch.Oversized o) {
                items.add(new Item(o.json(), o.raw(), o.index(), new CleanResult.Rejected("event_too_large",
                        o.message(), "$")));
            } else {
                SegmentBatch.NotAnObject n = (SegmentBatch.NotAnObject) item;
                throw ApiError.invalidRequest("batch[" + n.index() + "]", "every batch item must be an event object, "
                        + "got " + n.kind());
            }
        }
        return new IngestBody(List.copyOf(items), batch.writeKey());
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

    private static String shown(Object type) {
        String s = type instanceof String str ? "\"" + str + "\"" : String.valueOf(type);
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
