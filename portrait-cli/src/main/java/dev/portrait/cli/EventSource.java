package dev.portrait.cli;

import java.io.IOException;
import java.util.List;

/** An import file read as a sequence of {@link ImportItem}s. */
interface EventSource extends AutoCloseable {
    /**
     * Appends up to {@code max} items to {@code out}.
     *
     * @return false once the file is exhausted (after which nothing more is appended)
     */
    boolean read(List<ImportItem> out, int max) throws IOException;

    /** Bytes of the file consumed so far, for the progress bar. */
    long bytesRead();

    @Override
    void close() throws IOException;
}
