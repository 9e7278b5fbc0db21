package dev.portrait.core.mapping;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV records (RFC 4180): cells split by a delimiter, records by {@code \n} or {@code \r\n},
 * cells in double quotes may hold delimiters, line breaks and {@code ""} for a quote. A quote inside
 * an unquoted cell is taken literally, as spreadsheet exports expect.
 *
 * <p>Hand-written because the module table allows no CSV library (Jackson's CSV format is not in the
 * build) and the format is small; the reader is one pass over a buffered {@link Reader}. It lives in the
 * core (a {@link Reader} is given, no file is opened) so that the import command and the evaluation harness
 * read a file the same way.
 *
 * <p>A quoted cell that runs past {@link #MAX_RECORD_CHARS} fails the file: the usual cause is a missing
 * closing quote, after which no record boundary can be trusted.
 */
public final class CsvRecords implements Closeable {
    public static final int MAX_RECORD_CHARS = 1 << 20;

    /** A record and the line it starts on. */
    public record Row(List<String> cells, long line) {
    }

    /** The file cannot be read as CSV from this point on. */
    public static final class CsvFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        CsvFormatException(String message) {
            super(message);
        }
    }

    private final Reader in;
    private final char delimiter;
    private final String name;
    private final char[] buffer = new char[1 << 16];
    private int pos;
    private int limit;
    private long line = 1;
    private boolean first = true;

    public CsvRecords(Reader in, char delimiter, String name) {
        this.in = in;
        this.delimiter = delimiter;
        this.name = name;
    }

    /** The next record, or {@code null} at the end. A blank line is a record of one empty cell. */
    public Row next() throws IOException {
        int c = read();
        if (c < 0) {
            return null;
        }
        if (first) {
            first = false;
            if (c == '\uFEFF') { // the byte order mark spreadsheet programs write
                c = read();
                if (c < 0) {
                    return null;
                }
            }
        }
        long start = line;
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int chars = 0;
        boolean quoted = false;
        boolean cellStart = true;
        while (true) {
            if (c < 0) {
                if (quoted) {
                    throw new CsvFormatException(name + ":" + start + ": a quoted cell is not closed before the end "
                            + "of the file");
                }
                cells.add(cell.toString());
                return new Row(cells, start);
            }
            if (++chars > MAX_RECORD_CHARS) {
                throw new CsvFormatException(name + ":" + start + ": the record runs past " + MAX_RECORD_CHARS
                        + " characters; is a closing quote missing?");
            }
            char ch = (char) c;
            if (quoted) {
                if (ch == '"') {
                    int next = read();
                    if (next == '"') {
                        cell.append('"');
                    } else {
                        quoted = false;
                        c = next;
                        continue;
                    }
                } else {
                    if (ch == '\n') {
                        line++;
                    }
                    cell.append(ch);
                }
            } else if (ch == '"' && cellStart) {
                quoted = true;
                cellStart = false;
            } else if (ch == delimiter) {
                cells.add(cell.toString());
                cell.setLength(0);
                cellStart = true;
            } else if (ch == '\n') {
                line++;
                int end = cell.length();
                if (end > 0 && cell.charAt(end - 1) == '\r') {
                    cell.setLength(end - 1);
                }
                cells.add(cell.toString());
                return new Row(cells, start);
            } else {
                cell.append(ch);
                cellStart = false;
            }
            c = read();
        }
    }

    private int read() throws IOException {
        if (pos == limit) {
            int n = in.read(buffer, 0, buffer.length);
            if (n <= 0) {
                return -1;
            }
            pos = 0;
            limit = n;
        }
        return buffer[pos++];
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
