package dev.portrait.core.feature;

import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code sessions}: visits, where a session is a run of events with no silence longer than
 * {@code gap} (default 30m) between consecutive ones. Its duration is last event minus first event,
 * so a one-event session lasts 0 s.
 *
 * <p>The value (STATS, null before any event):
 * <ul>
 *   <li>{@code count}: sessions so far;</li>
 *   <li>{@code mean_duration_s}: their mean duration in seconds;</li>
 *   <li>{@code last_start}: epoch ms of the latest session's first event;</li>
 *   <li>{@code last_duration_s}: the latest session's duration so far, in seconds;</li>
 *   <li>{@code active}: 1 while an event at {@code now} would continue the latest session (within
 *       {@code gap} of it), else 0. This is what changes without events: {@link #nextChange} is
 *       when it flips.</li>
 * </ul>
 *
 * <p><b>Why the last few sessions are kept.</b> Counting sessions needs to know which events lie
 * within {@code gap} of each other, which a bounded state cannot know for all of history. The state
 * keeps the {@value #RECENT} most recent sessions as intervals and only totals (count, summed
 * duration) for older ones. An event, and a whole other state in a merge, is laid over the recent
 * intervals: whatever lands within {@code gap} of one extends it, and intervals that come within
 * {@code gap} of each other coalesce, so a late event inside a recent session's span +/- gap extends
 * it and the overlapping last sessions of two devices become one after an identity merge. An event
 * from before all recent sessions becomes a session of its own, and only intervals pushed out of the
 * recent ones are folded into the totals, where they can no longer coalesce. So folding a stream in
 * time order is exact, and merges and out-of-order folds are exact (associative, commutative, equal to
 * a whole fold) whenever what they bring together lies within the last {@value #RECENT} sessions; past
 * that a late event or a merged older session can be counted as a session of its own. That is why
 * {@link #orderFree()} is false.
 */
final class Sessions extends AbstractFeature<Sessions.State> {
    static final FeatureKind KIND = new DeclaredKind("sessions",
            "Session statistics (count, mean duration, latest session, active) with a gap: (default 30m).",
            Sessions::new);

    static final int RECENT = 4;
    private static final int VERSION = 1;

    static final class State {
        long olderCount;
        long olderDurationMs;
        /** Recent sessions oldest first, each more than gap after the one before; size <= RECENT. */
        long[] starts;
        long[] ends;
        int size;

        State(long olderCount, long olderDurationMs, long[] starts, long[] ends, int size) {
            this.olderCount = olderCount;
            this.olderDurationMs = olderDurationMs;
            this.starts = starts;
            this.ends = ends;
            this.size = size;
        }
    }

    private final long gap;

    private Sessions(FeatureSpec spec) {
        super(spec, "sessions", ValueType.STATS);
        this.gap = spec.params().optDuration("gap", Duration.ofMinutes(30)).toMillis();
    }

    @Override
    public boolean orderFree() {
        return false;
    }

    @Override
    public State empty() {
        return new State(0, 0, new long[0], new long[0], 0);
    }

    @Override
    public State update(State state, Event event) {
        long t = event.time();
        State merged = combine(state, 0, 0, new long[] {t}, new long[] {t}, 1);
        state.olderCount = merged.olderCount;
        state.olderDurationMs = merged.olderDurationMs;
        state.starts = merged.starts;
        state.ends = merged.ends;
        state.size = merged.size;
        return state;
    }

    @Override
    public State merge(State a, State b) {
        return combine(a, b.olderCount, b.olderDurationMs, b.starts, b.ends, b.size);
    }

    /** Lays the intervals of b over those of a, coalesces, and folds all but the RECENT last into totals. */
    private State combine(State a, long bCount, long bDuration, long[] bStarts, long[] bEnds, int bSize) {
        int total = a.size + bSize;
        long[][] all = new long[total][];
        for (int i = 0; i < a.size; i++) {
            all[i] = new long[] {a.starts[i], a.ends[i]};
        }
        for (int i = 0; i < bSize; i++) {
            all[a.size + i] = new long[] {bStarts[i], bEnds[i]};
        }
        Arrays.sort(all, (x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        long[] starts = new long[total];
        long[] ends = new long[total];
        int n = 0;
        for (long[] interval : all) {
            if (n > 0 && interval[0] - ends[n - 1] <= gap) {
                ends[n - 1] = Math.max(ends[n - 1], interval[1]);
            } else {
                starts[n] = interval[0];
                ends[n] = interval[1];
                n++;
            }
        }
        long olderCount = a.olderCount + bCount;
        long olderDuration = a.olderDurationMs + bDuration;
        int drop = Math.max(0, n - RECENT);
        for (int i = 0; i < drop; i++) {
            olderCount++;
            olderDuration += ends[i] - starts[i];
        }
        return new State(olderCount, olderDuration,
                Arrays.copyOfRange(starts, drop, n), Arrays.copyOfRange(ends, drop, n), n - drop);
    }

    @Override
    public Object read(State state, long now) {
        if (state.size == 0) {
            return null;
        }
        long count = state.olderCount + state.size;
        long duration = state.olderDurationMs;
        for (int i = 0; i < state.size; i++) {
            duration += state.ends[i] - state.starts[i];
        }
        long lastStart = state.starts[state.size - 1];
        long lastEnd = state.ends[state.size - 1];
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("count", (double) count);
        out.put("mean_duration_s", duration / 1000.0 / count);
        out.put("last_start", (double) lastStart);
        out.put("last_duration_s", (lastEnd - lastStart) / 1000.0);
        out.put("active", now >= lastStart - gap && now <= lastEnd + gap ? 1.0 : 0.0);
        return Collections.unmodifiableMap(out);
    }

    @Override
    public long nextChange(State state, long now) {
        if (state.size == 0) {
            return Long.MAX_VALUE;
        }
        long lastStart = state.starts[state.size - 1];
        long lastEnd = state.ends[state.size - 1];
        if (now < lastStart - gap) {
            return lastStart - gap;
        }
        return now <= lastEnd + gap ? lastEnd + gap + 1 : Long.MAX_VALUE;
    }

    @Override
    public State copy(State state) {
        return new State(state.olderCount, state.olderDurationMs,
                state.starts.clone(), state.ends.clone(), state.size);
    }

    /** Recent sessions as the first start, then (duration, distance from the previous end) pairs. */
    @Override
    public void encode(State state, BinaryOut out) {
        out.writeByte(VERSION).writeVarLong(state.olderCount).writeVarLong(state.olderDurationMs)
                .writeVarInt(state.size);
        for (int i = 0; i < state.size; i++) {
            if (i == 0) {
                out.writeSignedVarLong(state.starts[0]);
            } else {
                out.writeVarLong(state.starts[i] - state.ends[i - 1]);
            }
            out.writeVarLong(state.ends[i] - state.starts[i]);
        }
    }

    @Override
    public State decode(BinaryIn in) {
        in.expectVersion("sessions", VERSION);
        long olderCount = in.readVarLong();
        long olderDuration = in.readVarLong();
        int size = in.readLength();
        if (size > RECENT) {
            throw new dev.portrait.core.PortraitException("corrupt_state",
                    "sessions: " + size + " recent sessions, at most " + RECENT, null);
        }
        long[] starts = new long[size];
        long[] ends = new long[size];
        for (int i = 0; i < size; i++) {
            starts[i] = i == 0 ? in.readSignedVarLong() : ends[i - 1] + in.readVarLong();
            ends[i] = starts[i] + in.readVarLong();
        }
        return new State(olderCount, olderDuration, starts, ends, size);
    }
}
