package dev.portrait.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressBarTest {
    @Test
    void theLineShowsTheShareDoneTheEventsAndTheirRate() {
        ProgressBar bar = new ProgressBar(new PrintWriter(new StringWriter()), "events", false, () -> 0L);
        assertThat(bar.render(50_000, 250, 1_000, 2_000_000_000L))
                .isEqualTo("[########----------------------]  25%  50,000 events  25,000 events/s");
        assertThat(bar.render(0, 0, 0, 1)).as("an unknown total").startsWith("[------------------------------]   0%");
    }

    @Test
    void withoutATerminalItWritesAPlainLineEveryTenSecondsAndNothingAtTheEnd() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), "events", false, now::get);
        now.set(9_000_000_000L);
        bar.update(10, 1, 10);
        assertThat(text.toString()).isEmpty();
        now.set(10_000_000_000L);
        bar.update(20, 2, 10);
        assertThat(text.toString()).isEqualTo("[######------------------------]  20%  20 events  2 events/s" + System.lineSeparator());
        bar.finish(30, 10, 10);
        assertThat(text.toString().lines()).hasSize(1);
    }

    @Test
    void onATerminalItRedrawsInPlaceAndEndsTheLine() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), "events", true, now::get);
        now.set(300_000_000L);
        bar.update(1, 1, 2);
        bar.finish(2, 2, 2);
        assertThat(text.toString()).startsWith("\r[").contains("\r[##############################] 100%").endsWith("\n");
    }
}
