package dev.portrait.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr: a bar for the share done, the events so far and their rate. On a
 * terminal it redraws in place five times a second; otherwise (a log, a pipe, a test) it writes a
 * plain line every ten seconds, so logs stay readable.
 */
final class ProgressBar {
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String unit;
    private final boolean interactive;
    private final LongSupplier nanos;
    private final long started;
    private final long every;
    private long lastDrawn;
    private boolean drewInPlace;

    ProgressBar(PrintWriter err, String unit, boolean interactive, LongSupplier nanos) {
        this.err = err;
        this.unit = unit;
        this.interactive = interactive;
        this.nanos = nanos;
        this.started = nanos.getAsLong();
        this.every = interactive ? 200_000_000L : 10_000_000_000L;
        this.lastDrawn = started;
    }

    /** For the process's own stderr: interactive when a person is watching. */
    static ProgressBar onStderr(PrintWriter err, String unit) {
        return new ProgressBar(err, unit, System.console() != null, System::nanoTime);
    }

    /**
     * Reports progress; draws only when the last drawing is old enough.
     *
     * @param events events handled so far
     * @param done   work done, in the same measure as {@code total} (bytes, log positions)
     * @param total  all the work, or 0 when unknown
     */
    void update(long events, long done, long total) {
        long now = nanos.getAsLong();
        if (now - lastDrawn < every) {
            return;
        }
        lastDrawn = now;
        draw(events, done, total, now);
    }

    /** Draws the final state and ends the line. */
    void finish(long events, long done, long total) {
        if (interactive || drewInPlace) {
            draw(events, done, total, nanos.getAsLong());
            err.print('\n');
            err.flush();
        }
    }

    private void draw(long events, long done, long total, long now) {
        String line = render(events, done, total, now - started);
        if (interactive) {
            err.print("\r" + line + "\u001b[K");
            drewInPlace = true;
        } else {
            err.println(line);
        }
        err.flush();
    }

    String render(long events, long done, long total, long elapsedNanos) {
        double share = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(share * WIDTH);
        double seconds = Math.max(elapsedNanos / 1e9, 1e-9);
        return String.format(Locale.ROOT, "[%s%s] %3d%%  %,d %s  %,.0f %s/s", "#".repeat(filled),
                "-".repeat(WIDTH - filled), Math.round(share * 100), events, unit, events / seconds, unit);
    }
}
