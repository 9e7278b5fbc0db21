package dev.portrait.flink;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class IdleAdvancingWatermarksTest {
    private static final long T = 1_800_000_000_000L;

    private final AtomicLong wall = new AtomicLong(T + 200);
    private final Recorded out = new Recorded();
    private final IdleAdvancingWatermarks<String> watermarks = new IdleAdvancingWatermarks<>(Duration.ofSeconds(10), wall::get);

    @Test
    void aSubtaskThatHasSeenNoEventHoldsTheWatermarkBackForTheStartupWaitThenIsIdle() {
        watermarks.onPeriodicEmit(out);
        assertThat(out.idle).as("just started: its partition's backlog may not be fetched yet").isFalse();
        assertThat(out.last).isNull();
        wall.addAndGet(IdleAdvancingWatermarks.MIN_STARTUP_WAIT_MS - 1);
        watermarks.onPeriodicEmit(out);
        assertThat(out.idle).isFalse();
        wall.addAndGet(1);
        watermarks.onPeriodicEmit(out);
        assertThat(out.idle).as("the startup wait has gone by without an event").isTrue();
        assertThat(out.last).isNull();
    }

    @Test
    void aLatenessLongerThanTheStartupWaitIsWaitedInstead() {
        IdleAdvancingWatermarks<String> patient = new IdleAdvancingWatermarks<>(Duration.ofMinutes(5), wall::get);
        wall.addAndGet(Duration.ofMinutes(5).toMillis() - 1);
        patient.onPeriodicEmit(out);
        assertThat(out.idle).isFalse();
        wall.addAndGet(1);
        patient.onPeriodicEmit(out);
        assertThat(out.idle).isTrue();
    }

    @Test
    void aSubtaskWhoseFirstEventComesLateInTheStartupWaitIsNeverIdle() {
        wall.addAndGet(IdleAdvancingWatermarks.MIN_STARTUP_WAIT_MS - 2_000);
        watermarks.onPeriodicEmit(out);
        long old = T - Duration.ofDays(2).toMillis(); // a replay's backlog after a restore
        watermarks.onEvent("backlog", old, out);
        wall.addAndGet(60_000);
        watermarks.onPeriodicEmit(out);
        assertThat(out.idle).isFalse();
        assertThat(out.last).isEqualTo(old - 10_001);
    }

    @Test
    void withTrafficTheWatermarkIsTheNewestEventTimeMinusTheLateness() {
        watermarks.onEvent("a", T, out);
        watermarks.onEvent("b", T - 3_000, out);
        watermarks.onPeriodicEmit(out);
        assertThat(out.last).isEqualTo(T - 10_001);
    }

    @Test
    void aLoneLiveEventIsPassedByTheWatermarkOnceTheLatenessHasGoneByWithoutTraffic() {
        watermarks.onEvent("alone", T, out);
        wall.addAndGet(5_000);
        watermarks.onPeriodicEmit(out);
        assertThat(out.last).as("half way").isEqualTo(T - 5_001);
        wall.addAndGet(5_001);
        watermarks.onPeriodicEmit(out);
        assertThat(out.last).as("the event's own time: its timer fires").isGreaterThanOrEqualTo(T);
    }

    @Test
    void aReplayOfOldEventsWaitsForLaterEventsSoThatAPauseMakesNoneOfThemLate() {
        wall.set(T + Duration.ofDays(2).toMillis());
        watermarks.onEvent("old", T, out);
        wall.addAndGet(60_000);
        watermarks.onPeriodicEmit(out);
        assertThat(out.last).isEqualTo(T - 10_001);
        watermarks.onEvent("jittered", T - 5_000, out);
        assertThat(T - 5_000).as("still in time after the pause").isGreaterThan(out.last);
    }

    @Test
    void theWatermarkNeverGoesBackWhenTrafficResumesBehindIt() {
        watermarks.onEvent("a", T, out);
        wall.addAndGet(30_000);
        watermarks.onPeriodicEmit(out);
        long advanced = out.last;
        watermarks.onEvent("b", T + 1_000, out);
        watermarks.onPeriodicEmit(out);
        assertThat(out.last).isEqualTo(advanced);
        assertThat(out.emitted).isEqualTo(1);
    }

    private static final class Recorded implements WatermarkOutput {
        Long last;
        int emitted;
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            last = watermark.getTimestamp();
            emitted++;
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }
}
