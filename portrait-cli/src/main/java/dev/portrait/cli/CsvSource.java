package dev.portrait.cli;

import dev.portrait.cli.PortraitCli.UsageProblem;
import dev.portrait.core.mapping.CsvRecords;
import dev.portrait.core.mapping.MappedRows;
import dev.portrait.core.mapping.RowMapping;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A CSV file with a header row, turned into Segment events by a {@link RowMapping} (in the core, which
 * the evaluation harness reads files with too). Opening it reads the header and checks that every
 * column the mapping names is there, so a wrong mapping fails before anything is imported. Blank lines
 * are skipped.
 */
final class CsvSource implements EventSource {
    private final String name;
    private final RowMapping mapping;
    private final CountingStream counted;
    private final CsvRecords reader;
    private final MappedRows rows;
    private final MappedSource out = new MappedSource();
    private boolean finished;

    CsvSource(String name, InputStream in, RowMapping mapping) throws IOException {
        this.name = name;
        this.mapping = mapping;
        this.counted = new CountingStream(in);
        this.reader = new CsvRecords(new BufferedReader(new InputStreamReader(counted, StandardCharsets.UTF_8)),
                mapping.delimiter(), name);
        CsvRecords.Row header;
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
        try {
            this.rows = mapping.bind(header.cells(), name);
        } catch (IllegalArgumentException e) {
            reader.close();
            throw new UsageProblem(e.getMessage(), e);
        }
    }

    static CsvSource open(Path file, RowMapping mapping) throws IOException {
        return new CsvSource(file.toString(), Files.newInputStream(file), mapping);
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
            CsvRecords.Row row = reader.next();
            if (row == null) {
                rows.finish(out);
                finished = true;
                continue;
            }
            List<String> cells = row.cells();
            if (cells.size() == 1 && cells.get(0).isBlank()) {
                continue;
            }
            rows.add(new MappedSource.Row(cells, name + ":" + row.line(), () -> textOf(cells)), out);
        }
        return true;
    }

    /** Rows read so far (blank lines not counted). */
    long rows() {
        return rows.rows();
    }

    /** The row as CSV text again, for the quarantine. */
    private String textOf(List<String> cells) {
        StringBuilder b = new StringBuilder();
        char d = mapping.delimiter();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                b.append(d);
            }
            String c = cells.get(i);
            if (c.indexOf(d) >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0) {
                b.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                b.append(c);
            }
        }
        return b.toString();
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
