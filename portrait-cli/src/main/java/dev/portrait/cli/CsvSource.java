package dev.portrait.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portrait.cli.CsvMapping.Field;
import dev.portrait.cli.PortraitCli.UsageProblem;
import dev.portrait.core.event.EventCodec;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV file with a header row, turned into Segment events by a {@link CsvMapping}. Opening it reads
 * the header and checks that every column the mapping names is there, so a wrong mapping fails before
 * anything is imported. Blank lines are skipped.
 */
final class CsvSource implements EventSource {
    private final String name;
    private final CsvMapping mapping;
    private final CountingStream counted;
    private final CsvReader reader;
    private final int width;
    private final int[] fieldAt;
    private final int[] propertyAt;
    private final int[] traitAt;

    CsvSource(String name, InputStream in, CsvMapping mapping) throws IOException {
        this.name = name;
        this.mapping = mapping;
        this.counted = new CountingStream(in);
        this.reader = new CsvReader(new BufferedReader(new InputStreamReader(counted, StandardCharsets.UTF_8)),
                mapping.delimiter(), name);
        CsvReader.Row header;
        try {
            header = reader.next();
        } catch (IOException e) {
            reader.close();
            throw e;
        }
        if (header == null) {
            reader.close();
            throw new UsageProblem(name + " is empty: a CSV file needs a header row naming its columns");
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.cells().size(); i++) {
            index.putIfAbsent(header.cells().get(i).strip(), i);
        }
        this.width = header.cells().size();
        try {
            this.fieldAt = positions(mapping.fields(), index, header.cells());
            this.propertyAt = positions(mapping.properties(), index, header.cells());
            this.traitAt = positions(mapping.traits(), index, header.cells());
        } catch (UsageProblem e) {
            reader.close();
            throw e;
        }
    }

    static CsvSource open(Path file, CsvMapping mapping) throws IOException {
        return new CsvSource(file.toString(), Files.newInputStream(file), mapping);
    }

    private int[] positions(List<Field> fields, Map<String, Integer> index, List<String> header) {
        int[] at = new int[fields.size()];
        for (int i = 0; i < at.length; i++) {
            Integer p = index.get(fields.get(i).column());
            if (p == null) {
                throw new UsageProblem(name + " has no column \"" + fields.get(i).column() + "\" (the mapping reads it for "
                        + fields.get(i).target() + "); its header is " + header);
            }
            at[i] = p;
        }
        return at;
    }

    @Override
    public boolean read(List<ImportItem> out, int max) throws IOException {
        int added = 0;
        while (added < max) {
            CsvReader.Row row = reader.next();
            if (row == null) {
                return false;
            }
            if (row.cells().size() == 1 && row.cells().get(0).isBlank()) {
                continue;
            }
            out.add(toItem(row));
            added++;
        }
        return true;
    }

    ImportItem toItem(CsvReader.Row row) {
        String where = name + ":" + row.line();
        List<String> cells = row.cells();
        if (cells.size() != width) {
            return new ImportItem.Unreadable("malformed_csv", where + ": the row has " + cells.size() + " cells, the "
                    + "header " + width, text(cells), where);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", mapping.type());
        Map<String, Object> properties = new LinkedHashMap<>();
        Map<String, Object> traits = new LinkedHashMap<>();
        try {
            put(json, mapping.fields(), fieldAt, cells);
            put(properties, mapping.properties(), propertyAt, cells);
            put(traits, mapping.traits(), traitAt, cells);
        } catch (IllegalArgumentException e) {
            return new ImportItem.Unreadable("wrong_type", where + ": " + e.getMessage(), text(cells), where);
        }
        if (!properties.isEmpty()) {
            json.put("properties", properties);
        }
        if (!traits.isEmpty()) {
            // Segment carries a person's traits at the top of identify calls and in context.traits elsewhere
            if ("identify".equals(json.get("type"))) {
                json.put("traits", traits);
            } else {
                json.put("context", new LinkedHashMap<>(Map.of("traits", traits)));
            }
        }
        return new ImportItem.Event(json, bytes(json), where);
    }

    private static void put(Map<String, Object> into, List<Field> fields, int[] at, List<String> cells) {
        for (int i = 0; i < at.length; i++) {
            Field f = fields.get(i);
            Object v;
            try {
                v = CsvMapping.convert(cells.get(at[i]), f.kind());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("column \"" + f.column() + "\" (" + f.target() + "): " + e.getMessage(), e);
            }
            if (v != null) {
                into.put(f.target(), v);
            }
        }
    }

    /** The row as CSV text again, for the quarantine. */
    private String textOf(List<String> cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                b.append(mapping.delimiter());
            }
            String c = cells.get(i);
            if (c.indexOf(mapping.delimiter()) >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0) {
                b.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private byte[] text(List<String> cells) {
        return textOf(cells).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(Map<String, Object> json) {
        try {
            return EventCodec.mapper().writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings, numbers and booleans always serialise", e);
        }
    }

    @Override
    public long bytesRead() {
        return counted.count;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    /** Counts the bytes the decoder has taken from the file (a buffer ahead of the rows: fine for progress). */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
