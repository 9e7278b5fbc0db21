package dev.portrait.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portrait.core.PortraitException;
import dev.portrait.core.event.EventCodec;
import dev.portrait.server.port.BatchEnvelope;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON lines of Segment events: one event object per line, or a line holding a whole batch
 * ({@code {"batch": [...], "context": {...}}}, as {@code /v1/batch} takes it). Blank lines are skipped;
 * they hold no event.
 *
 * <p>A batch line is treated as the HTTP API treats a batch body: its {@code context} and
 * {@code integrations} are merged into each item key by key, the item's own keys winning, and its
 * {@code sentAt} fills an item's missing one. A {@code writeKey} is removed from every event: it is a
 * credential and must not end up in the log or the quarantine.
 *
 * <p>A line that is not a JSON object, and a batch item that is not one, becomes an
 * {@link ImportItem.Unreadable} ({@code malformed_json}, or {@code nesting_too_deep}) naming its line.
 * Lines over {@link #MAX_LINE_BYTES} become {@code line_too_long} with their first kilobyte kept.
 */
final class JsonLinesSource implements EventSource {
    /** The HTTP API's request limit: a batch line may hold what one {@code /v1/batch} call may. */
    static final int MAX_LINE_BYTES = 4 * 1024 * 1024;
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
            return batch(json, line, where, out);
        }
        boolean hadKey = json.containsKey(WRITE_KEY);
        json.remove(WRITE_KEY);
        out.add(new ImportItem.Event(json, hadKey ? bytes(json) : line, where));
        return 1;
    }

    private static int batch(Map<String, Object> body, byte[] line, String where, List<ImportItem> out) {
        if (!(body.get("batch") instanceof List<?> items)) {
            out.add(new ImportItem.Unreadable("malformed_json", where + ": \"batch\" must be an array of events, got "
                    + describe(body.get("batch")), line, where));
            return 1;
        }
        Map<String, Object> context = objectOrNull(body.get("context"));
        Map<String, Object> integrations = objectOrNull(body.get("integrations"));
        BatchEnvelope envelope = new BatchEnvelope(context, integrations, body.get("sentAt"));
        int n = 0;
        for (int i = 0; i < items.size(); i++) {
            String itemWhere = where + " batch[" + i + "]";
            Object item = items.get(i);
            if (!(item instanceof Map<?, ?>)) {
                out.add(new ImportItem.Unreadable("malformed_json", itemWhere + ": a batch item must be an event "
                        + "object, got " + describe(item), bytes(item), itemWhere));
                n++;
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> json = new LinkedHashMap<>((Map<String, Object>) item);
            envelope.applyTo(json);
            out.add(new ImportItem.Event(json, bytes(json), itemWhere));
            n++;
        }
        return n;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> objectOrNull(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }


    private static byte[] bytes(Object value) {
        try {
            return EventCodec.mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("parsed JSON always serialises", e);
        }
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof List<?>) {
            return "an array";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return "an object";
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
