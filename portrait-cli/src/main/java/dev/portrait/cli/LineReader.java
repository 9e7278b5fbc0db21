package dev.portrait.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into lines of bytes, counting the bytes consumed. Lines end at {@code \n}; a
 * {@code \r} before it is dropped. JSON text is UTF-8 and a line feed byte never occurs inside a
 * multi-byte UTF-8 character, so splitting bytes is safe and saves decoding each line twice (Jackson
 * parses the bytes directly).
 *
 * <p>A line longer than {@code maxLine} bytes is not buffered whole: its first {@code maxLine} bytes are
 * returned with {@link #lastWasTooLong()} set and {@link #lastLength()} telling its real length, and the
 * rest is skipped, so one runaway line cannot exhaust the heap.
 */
final class LineReader implements Closeable {
    private final InputStream in;
    private final int maxLine;
    private final byte[] buffer = new byte[1 << 16];
    private int pos;
    private int limit;
    private long consumed;
    private long lineNumber;
    private boolean tooLong;
    private long lastLength;
    private byte[] line = new byte[256];

    LineReader(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /** The next line without its terminator, or {@code null} at the end of the stream. */
    byte[] next() throws IOException {
        int length = 0;
        long total = 0;
        boolean sawAny = false;
        while (true) {
            if (pos == limit) {
                int n = in.read(buffer, 0, buffer.length);
                if (n < 0) {
                    if (!sawAny) {
                        return null;
                    }
                    break;
                }
                pos = 0;
                limit = n;
                continue;
            }
            sawAny = true;
            int start = pos;
            int end = start;
            while (end < limit && buffer[end] != '\n') {
                end++;
            }
            int chunk = end - start;
            total += chunk;
            int room = Math.min(chunk, maxLine - length);
            if (room > 0) {
                if (length + room > line.length) {
                    line = Arrays.copyOf(line, Math.min(maxLine, Math.max(line.length * 2, length + room)));
                }
                System.arraycopy(buffer, start, line, length, room);
                length += room;
            }
            consumed += chunk;
            if (end < limit) {
                pos = end + 1;
                consumed++;
                break;
            }
            pos = limit;
        }
        lineNumber++;
        tooLong = total > maxLine;
        lastLength = total;
        if (!tooLong && length > 0 && line[length - 1] == '\r') {
            length--;
        }
        return Arrays.copyOf(line, length);
    }

    long bytesRead() {
        return consumed;
    }

    /** The 1-based number of the line {@link #next()} returned last. */
    long lineNumber() {
        return lineNumber;
    }

    boolean lastWasTooLong() {
        return tooLong;
    }

    /** The full length in bytes of the last line, terminator excluded. */
    long lastLength() {
        return lastLength;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
