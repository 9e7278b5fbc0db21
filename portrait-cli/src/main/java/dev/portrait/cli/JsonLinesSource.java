package dev.portrait.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portrait.core.PortraitException;
import dev.portrait.core.event.EventCodec;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.port.BatchEnvelope;
import dev.portrait.server.port.SegmentBatch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * JSON lines of Segment events: one event object per line, or a line holding a whole batch
 * ({@code {"batch": [...], "context": {...}}}, as {@code /v1/batch} takes it). Blank lines are skipped;
 * they hold no event.
 *
 * <p>A line is held to what the HTTP API would take, by the same code and the same default limits
 * ({@link HttpConfig.Limits#DEFAULT}), so a file of captured request bodies imports as the requests
 * would have been stored. A batch line is read by {@link SegmentBatch}: its {@code context} and
 * {@code integrations} are merged into each item key by key, the item's own keys winning, its
 * {@code sentAt} fills an item's missing one, and each event counts against the per-event limit with
 * that envelope merged in. An event line over the per-event limit, or a batch item over it with its
 * envelope, is quarantined alone as {@code event_too_large}; a batch line whose events together would
 * store more than the batch limit is quarantined whole ({@code request_too_large}), as is one of more
 * than 2,500 events ({@code too_many_events}). A number no field can hold (beyond a long, a thousand
 * digits) never spoils its line: the cleaner rejects the one event carrying it as {@code invalid_number}.
 * A {@code writeKey} is removed from every event: it is a credential and must not end up in the log or
 * the quarantine.
 *
 * <p>A line that is not a JSON object, a batch line that is not one batch, and a batch item that is not
 * an object become an {@link ImportItem.Unreadable} ({@code malformed_json}, or
 * {@code nesting_too_deep}) naming its line. Lines over {@link #MAX_LINE_BYTES} become
 * {@code line_too_long} with their first kilobyte kept.
 *
 * <p>A batch line is parsed twice (once to see that it is a batch, once item by item); batch lines are
 * the rare kind in an export, and one event per line, the common kind, is parsed once.
 */
final class JsonLinesSource implements EventSource {
    /** The limits of the HTTP API, which a line is held to. */
    static final HttpConfig.Limits LIMITS = HttpConfig.Limits.DEFAULT;
    /** The HTTP API's request limit: a batch line may hold what one {@code /v1/batch} call may. */
    static final int MAX_LINE_BYTES = LIMITS.maxRequestBytes();
    private static final int KEPT_OF_LONG_LINE = 1024;
    private static final String WRITE_KEY = BatchEnvelope.WRITE_KEY;

    private final String name;
    private final LineReader lines;

    JsonLinesSource(String name, InputStream in, int maxLineBytes) {
        this.name = name;
        this.lines = new LineReader(in, maxLineBytes);
    }

    static JsonLinesSource open(Path file) throws IOException {
        return new JsonLinesSource(file.toString(), Files.newInputStream(file), MAX_LINE_BYTES);
    }

    @Override
    public boolean read(List<ImportItem> out, int max) throws IOException {
        int added = 0;
        while (added < max) {
            byte[] line = lines.next();
            if (line == null) {
                return false;
            }
            String where = name + ":" + lines.lineNumber();
            if (lines.lastWasTooLong()) {
                out.add(new ImportItem.Unreadable("line_too_long", where + ": the line is " + lines.lastLength()
                        + " bytes, over the " + MAX_LINE_BYTES + " a line may hold; its first " + KEPT_OF_LONG_LINE
                        + " bytes are kept here", Arrays.copyOf(line, Math.min(line.length, KEPT_OF_LONG_LINE)), where));
                added++;
                continue;
            }
            if (isBlank(line)) {
                continue;
            }
            added += parse(line, where, out);
        }
        return true;
    }

    /** Adds the line's items; returns how many. */
    static int parse(byte[] line, String where, List<ImportItem> out) {
        Map<String, Object> json;
        try {
            json = EventCodec.parseRaw(line);
        } catch (PortraitException e) {
            out.add(new ImportItem.Unreadable(e.code(), where + ": " + e.getMessage(), line, where));
            return 1;
        }
        if (json.containsKey("batch") && !json.containsKey("type")) {
            return batch(line, where, out);
        }
        boolean hadKey = json.remove(WRITE_KEY) != null;
        byte[] raw = hadKey ? bytes(json) : line;
        if (line.length > LIMITS.maxEventBytes()) {
            out.add(new ImportItem.Unreadable("event_too_large", where + ": the event is " + line.length
                    + " bytes, over the limit of " + LIMITS.maxEventBytes() + " bytes per event", raw, where));
            return 1;
        }
        out.add(new ImportItem.Event(json, raw, where));
        return 1;
    }

    private static int batch(byte[] line, String where, List<ImportItem> out) {
        SegmentBatch batch;
        try {
            batch = SegmentBatch.read(line, LIMITS.batch());
        } catch (PortraitException e) {
            // the API's invalid_request (no batch array, a context that is no object) is a malformed line here
            String code = e.code().equals("invalid_request") ? "malformed_json" : e.code();
            out.add(new ImportItem.Unreadable(code, where + ": " + e.getMessage(), line, where));
            return 1;
        }
        for (SegmentBatch.Item item : batch.items()) {
            String itemWhere = where + " batch[" + item.index() + "]";
            if (item instanceof SegmentBatch.Event e) {
                out.add(new ImportItem.Event(e.json(), e.raw(), itemWhere));
            } else if (item instanceof SegmentBatch.Oversized o) {
                out.add(new ImportItem.Unreadable("event_too_large", itemWhere + ": " + o.message(), o.raw(),
                        itemWhere));
            } else {
                SegmentBatch.NotAnObject n = (SegmentBatch.NotAnObject) item;
                out.add(new ImportItem.Unreadable("malformed_json", itemWhere + ": a batch item must be an event "
                        + "object, got " + n.kind(), n.raw(), itemWhere));
            }
        }
        return batch.items().size();
    }

    private static byte[] bytes(Object value) {
        try {
            return EventCodec.mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("parsed JSON always serialises", e);
        }
    }

    private static boolean isBlank(byte[] line) {
        for (byte b : line) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    @Override
    public long bytesRead() {
        return lines.bytesRead();
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
