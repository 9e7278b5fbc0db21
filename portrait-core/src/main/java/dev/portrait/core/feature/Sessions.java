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
        /**
         * Recent sessions oldest first, each more than gap after the one before; size <= RECENT. The
         * arrays have room for RECENT, so the common update changes them in place.
         */
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
        return new State(0, 0, new long[RECENT], new long[RECENT], 0);
    }

    /**
     * An event at or after the latest session's start, which is nearly every event, touches only the
     * latest session or opens a new one, so it is applied in place; {@link #combine} gives the same
     * state, but sorts and allocates, and is kept for late events.
     */
    @Override
    public State update(State state, Event event) {
        long t = event.time();
        int last = state.size - 1;
        if (last < 0) {
            open(state, t);
            return state;
        }
        if (t >= state.starts[last]) {
            if (t <= state.ends[last]) {
                return state;
            }
            if (t - state.ends[last] <= gap) {
                state.ends[last] = t;
                return state;
            }
            if (state.size == RECENT) {
                state.olderCount++;
                state.olderDurationMs += state.ends[0] - state.starts[0];
                System.arraycopy(state.starts, 1, state.starts, 0, last);
                System.arraycopy(state.ends, 1, state.ends, 0, last);
                state.size--;
            }
            open(state, t);
            return state;
        }
        State merged = combine(state, 0, 0, new long[] {t}, new long[] {t}, 1);
        state.olderCount = merged.olderCount;
        state.olderDurationMs = merged.olderDurationMs;
        state.starts = merged.starts;
        state.ends = merged.ends;
        state.size = merged.size;
        return state;
    }

    /** Appends a one-event session at {@code t}; there is room for it. */
    private static void open(State state, long t) {
        if (state.starts.length <= state.size) {
            state.starts = Arrays.copyOf(state.starts, RECENT);
            state.ends = Arrays.copyOf(state.ends, RECENT);
        }
        state.starts[state.size] = t;
        state.ends[state.size] = t;
        state.size++;
    }

    @Override
    public State merge(State a, State b) {
        return combine(a, b.olderCount, b.olderDurationMs, b.starts, b.ends, b.size);
    }

    /**
     * Lays the intervals of b over those of a, coalesces, and folds all but the RECENT last into
     * totals. Both lists are sorted by start (each session begins more than gap after the one before
     * ends), so they are merged in (start, end) order rather than sorted.
     */
    private State combine(State a, long bCount, long bDuration, long[] bStarts, long[] bEnds, int bSize) {
        int total = a.size + bSize;
        long[] starts = new long[Math.max(RECENT, total)];
        long[] ends = new long[starts.length];
        int n = 0;
        int i = 0;
        int j = 0;
        while (i < a.size || j < bSize) {
            boolean fromA = j == bSize || (i < a.size && (a.starts[i] < bStarts[j]
                    || (a.starts[i] == bStarts[j] && a.ends[i] <= bEnds[j])));
            long start = fromA ? a.starts[i] : bStarts[j];
            long end = fromA ? a.ends[i++] : bEnds[j++];
            if (n > 0 && start - ends[n - 1] <= gap) {
                ends[n - 1] = Math.max(ends[n - 1], end);
            } else {
                starts[n] = start;
                ends[n] = end;
                n++;
            }
        }
        long olderCount = a.olderCount + bCount;
        long olderDuration = a.olderDurationMs + bDuration;
        int drop = Math.max(0, n - RECENT);
        for (int k = 0; k < drop; k++) {
            olderCount++;
            olderDuration += ends[k] - starts[k];
        }
        System.arraycopy(starts, drop, starts, 0, n - drop);
        System.arraycopy(ends, drop, ends, 0, n - drop);
        return new State(olderCount, olderDuration, starts, ends, n - drop);
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
        long[] starts = new long[RECENT];
        long[] ends = new long[RECENT];
        for (int i = 0; i < size; i++) {
            starts[i] = i == 0 ? in.readSignedVarLong() : ends[i - 1] + in.readVarLong();
            ends[i] = starts[i] + in.readVarLong();
        }
        return new State(olderCount, olderDuration, starts, ends, size);
    }
}
