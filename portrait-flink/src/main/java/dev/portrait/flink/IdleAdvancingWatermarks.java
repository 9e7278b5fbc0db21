package dev.portrait.flink;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

import java.io.Serializable;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Event-time watermarks that keep moving when a live stream goes quiet.
 *
 * <p>Flink's bounded-out-of-orderness watermark is "the newest event time seen, minus the lateness", so
 * it moves only with new events: one event sent to a quiet stream waited in the identity operator's
 * buffer until some later event arrived, and its profile stayed "not found" meanwhile. Here, while no
 * event arrives, the watermark also advances by the wall-clock time that has passed since the last one:
 * {@code newest − lateness + quiet time}. After {@code lateness} of quiet the watermark has passed the
 * newest event, so it is applied within the lateness and published at the next checkpoint, with or
 * without traffic after it.
 *
 * <p><b>Only for a live stream.</b> The advance assumes event time runs with the wall clock: an event
 * that arrives after {@code d} of quiet happened about {@code d} after the newest one, which is how far
 * the watermark moved. That holds when the newest event was live — at most {@code lateness} old when it
 * arrived. A replay of old events (a backfill, the tests' synthetic days) breaks it: after a pause of a
 * few seconds the next events of the replay are still behind the newest one, and an advancing watermark
 * would quarantine them as {@code too_late}. So for a stream whose newest event was already old on
 * arrival the watermark waits for events, as Flink's does; a replay's last events are applied when later
 * events (or the end of a bounded input) move it.
 *
 * <p><b>A subtask that has seen no event</b> holds the watermark back for a while after it started
 * ({@value #MIN_STARTUP_WAIT_MS} ms, or the lateness if longer), then declares itself idle, so that the
 * others' watermarks count alone (a partition that never gets an event must not stop the job). The wait
 * is for a backlog that its reader has not fetched yet: at a start on a full topic, and after every
 * failover, when each subtask starts again with no event seen. Declared idle at once, a subtask whose
 * reader was slower let the others' watermarks run through their backlog, and the identity operator
 * quarantined the slow partition's events as {@code too_late}: thousands of them in
 * {@code FlinkEquivalenceIT}'s failure test, where a reader on the loaded test machine took 14 s to
 * deliver its first record (a wait of 10 s was measured too short there). A subtask cannot tell a slow
 * reader from an empty partition; only the wait tells them apart, so a reader slower than it still
 * loses events to {@code too_late}, and a partition without events holds every profile back for the
 * wait after each (re)start.
 *
 * <p>The wall clock is a parameter (tests move it); the job passes the system clock.
 */
final class IdleAdvancingWatermarks<T> implements WatermarkGenerator<T> {
    /** The least a subtask without events waits before it declares itself idle, whatever the lateness. */
    static final long MIN_STARTUP_WAIT_MS = 60_000;

    private final long lateness;
    private final LongSupplier wallClock;
    private final long startedAt;
    private final long startupWait;
    private long newest = Long.MIN_VALUE;
    private long lastEventAt;
    private boolean live;
    private long emitted = Long.MIN_VALUE;

    IdleAdvancingWatermarks(Duration lateness, LongSupplier wallClock) {
        this.lateness = lateness.toMillis();
        this.wallClock = wallClock;
        this.startedAt = wallClock.getAsLong();
        this.startupWait = Math.max(this.lateness, MIN_STARTUP_WAIT_MS);
    }

    /** The strategy for the job: these watermarks over {@code time} as each event's timestamp. */
    static WatermarkStrategy<LoggedEvent> strategy(Duration lateness) {
        return new SystemClockStrategy(lateness).withTimestampAssigner((e, previous) -> e.time);
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        long now = wallClock.getAsLong();
        if (eventTimestamp > newest) {
            newest = eventTimestamp;
            live = now - eventTimestamp <= lateness;
        }
        lastEventAt = now;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        if (newest == Long.MIN_VALUE) {
            if (wallClock.getAsLong() - startedAt >= startupWait) {
                output.markIdle();
            }
            return; // until then no watermark at all: downstream waits for this subtask's events
        }
        long quiet = live ? Math.max(0, wallClock.getAsLong() - lastEventAt) : 0;
        // −1: an event exactly `lateness` behind the newest is still in time (as in Flink's own generator)
        long watermark = newest - lateness - 1 + quiet;
        if (watermark > emitted) {
            emitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }

    private static final class SystemClockStrategy implements WatermarkStrategy<LoggedEvent> {
        private static final long serialVersionUID = 1L;
        private final Duration lateness;

        SystemClockStrategy(Duration lateness) {
            this.lateness = lateness;
        }

        @Override
        public WatermarkGenerator<LoggedEvent> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
            return new IdleAdvancingWatermarks<>(lateness, (LongSupplier & Serializable) System::currentTimeMillis);
        }
    }
}
