package dev.portrait.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portrait.core.mapping.MappedRows;
import dev.portrait.core.mapping.RowMapping;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * JSON lines that are not Segment events (an app's log: {@code {"ts": "...", "user": {"id": 7}, "action":
 * "login"}}), turned into events by a {@link RowMapping} as CSV rows are: the mapping's "columns" are
 * keys of each line's object, a dotted name reaching into nested objects ({@code user.id}) unless the
 * object has that very key. A scalar is
 * taken as its text ({@code 7}, {@code true}), a missing key or {@code null} as an empty cell, an object
 * or array as its JSON text. A line that is no JSON object is {@code malformed_json}; blank lines are
 * skipped.
 */
final class MappedJsonLinesSource implements EventSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final LineReader lines;
    private final List<String> columns;
    private final List<String[]> paths = new ArrayList<>();
    private final MappedRows rows;
    private final MappedSource out = new MappedSource();
    private boolean finished;

    MappedJsonLinesSource(String name, InputStream in, RowMapping mapping) {
        this.name = name;
        this.lines = new LineReader(in, JsonLinesSource.MAX_LINE_BYTES);
        this.columns = mapping.columnsUsed();
        columns.forEach(c -> paths.add(c.split("\\.", -1)));
        this.rows = mapping.bind(columns, name);
    }

    static MappedJsonLinesSource open(Path file, RowMapping mapping) throws IOException {
        return new MappedJsonLinesSource(file.toString(), Files.newInputStream(file), mapping);
    }

    @Override
    public boolean read(List<ImportItem> items, int max) throws IOException {
        int limit = items.size() + max;
        while (items.size() < limit) {
            if (out.drainTo(items, limit)) {
                continue;
            }
            if (finished) {
                return false;
            }
            byte[] line = lines.next();
            if (line == null) {
                rows.finish(out);
                finished = true;
                continue;
            }
            String where = name + ":" + lines.lineNumber();
            if (lines.lastWasTooLong()) {
                out.unreadable(new ImportItem.Unreadable("line_too_long", where + ": the line is " + lines.lastLength()
                        + " bytes, over the " + JsonLinesSource.MAX_LINE_BYTES + " a line may hold",
                        Arrays.copyOf(line, Math.min(line.length, 1024)), where));
                continue;
            }
            String text = new String(line, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                node = null;
            }
            if (node == null || !node.isObject()) {
                out.unreadable(new ImportItem.Unreadable("malformed_json", where + ": the line is not a JSON object",
                        line, where));
                continue;
            }
            rows.add(new MappedSource.Row(cells(node), where, () -> text), out);
        }
        return true;
    }

    private List<String> cells(JsonNode object) {
        List<String> cells = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            JsonNode n = object.get(columns.get(i)); // a key that holds a dot itself comes first
            if (n == null) {
                n = object;
                for (String key : paths.get(i)) {
                    n = n == null ? null : n.get(key);
                }
            }
            if (n == null || n.isNull()) {
                cells.add("");
            } else if (n.isValueNode()) {
                cells.add(n.asText());
            } else {
                cells.add(n.toString());
            }
        }
        return cells;
    }

    /** Rows read so far. */
    long rows() {
        return rows.rows();
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
