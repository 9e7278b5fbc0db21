package dev.portrait.store;

import java.util.Iterator;

/**
 * Replays the {@link EventLog} from a position: yields every readable record in sequence order and
 * skips the forgotten ones, counting them, so a replay never brings a forgotten person back and
 * still accounts for every position it passed.
 */
public interface LogCursor extends Iterator<LogEntry> {
    /** How many forgotten records were skipped so far. */
    long forgotten();

    /** The sequence of the last record passed (read or skipped), or the start position minus one. */
    long position();
}
