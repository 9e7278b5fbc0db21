package dev.portrait.server.runtime.worker;

import dev.portrait.core.profile.Profile;

import java.util.Arrays;

/**
 * When each profile next needs a look without an event ({@code nextCheck}: a window slides, a decay
 * crosses a threshold, a segment should be left, a pending model example falls due).
 *
 * <p>Each profile has at most one live entry, the earliest {@code nextCheck} scheduled for it; a later
 * {@code nextCheck} is found when that entry fires and is rescheduled then, so a busy profile does not
 * add an entry per event. Entries superseded by an earlier one stay in the queue until they are reached
 * and are skipped then. Worker thread only.
 *
 * <p><b>Why numbers and primitive arrays.</b> Almost every profile has a timer (a model example waits
 * seven days for its label), so this schedule grows with every profile ever seen, hot or not. Keyed by
 * profile id it cost ≈ 150 bytes a profile in objects (a record, a boxed time, a map entry, the id);
 * at a million profiles that was a large part of what filled a 1 GB heap. Profiles already have dense
 * numbers ({@link ProfileNumbers}, for the segment bitmaps), so the queue holds (time, number) pairs in
 * a primitive heap ({@link TimerQueue}, 12 bytes an entry) and each number's live time sits in a chunked
 * {@code long[]} (8 bytes a number); the id is looked up from the number only when an entry fires.
 * Numbers are never reused, so an entry left behind by a profile merged away or forgotten cannot fire
 * for someone else: its live time was cleared with the profile.
 */
final class ProfileTimers {
    private static final int CHUNK = 1 << 14;
    /** In {@link #live}: no entry. {@code nextCheck} never schedules at this time, so it cannot collide. */
    private static final long NONE = Long.MAX_VALUE;

    /** How the worker numbers its profiles: numbers and ids, both ways. */
    interface Numbering {
        /** The profile's number, assigning one if it has none. */
        int numberOf(String profileId);

        /** The profile's number, or -1 when it has none. */
        int existing(String profileId);

        /** The profile behind a number, or null when the number is retired. */
        String profileId(int number);
    }

    private final Numbering numbering;
    private final TimerQueue queue = new TimerQueue();
    /** number → the time of its one live entry, {@link #NONE} when it has none; chunks made on demand. */
    private long[][] live = new long[16][];
    private int profiles;

    ProfileTimers(Numbering numbering) {
        this.numbering = numbering;
    }

    void schedule(Profile p) {
        schedule(p.profileId(), p.nextCheck());
    }

    /** Schedules a look at the profile at {@code at} unless an earlier one is set; {@link Long#MAX_VALUE} is never. */
    void schedule(String profileId, long at) {
        if (at == NONE) {
            return;
        }
        int number = numbering.numberOf(profileId);
        long current = liveAt(number);
        if (current <= at) {
            return; // the live entry fires first and reschedules from the profile's nextCheck then
        }
        if (current == NONE) {
            profiles++;
        }
        setLive(number, at);
        queue.add(at, number);
    }

    /** The next profile whose live entry is due at {@code now}, taken off the schedule; null when none is. */
    String nextDue(long now) {
        while (!queue.isEmpty() && queue.peekTime() <= now) {
            long at = queue.peekTime();
            int number = queue.peekNumber();
            queue.poll();
            if (liveAt(number) != at) {
                continue; // superseded by an earlier entry, or the profile is gone
            }
            String profileId = numbering.profileId(number);
            clear(number);
            if (profileId != null) {
                return profileId;
            }
        }
        return null;
    }

    /** When the earliest entry fires; {@link Long#MAX_VALUE} when none is set. */
    long nextAt() {
        return queue.isEmpty() ? Long.MAX_VALUE : queue.peekTime();
    }

    /** Takes the profile off the schedule; call before its number is retired. */
    void remove(String profileId) {
        int number = numbering.existing(profileId);
        if (number >= 0) {
            clear(number);
        }
    }

    /** Profiles with a timer set. */
    int profiles() {
        return profiles;
    }

    /** Entries in the queue (live ones plus superseded ones not yet reached). */
    int entries() {
        return queue.size();
    }

    private long liveAt(int number) {
        int chunk = number / CHUNK;
        if (chunk >= live.length || live[chunk] == null) {
            return NONE;
        }
        return live[chunk][number % CHUNK];
    }

    private void setLive(int number, long at) {
        int chunk = number / CHUNK;
        if (chunk >= live.length) {
            live = Arrays.copyOf(live, Math.max(live.length * 2, chunk + 1));
        }
        if (live[chunk] == null) {
            live[chunk] = new long[CHUNK];
            Arrays.fill(live[chunk], NONE);
        }
        live[chunk][number % CHUNK] = at;
    }

    private void clear(int number) {
        if (liveAt(number) != NONE) {
            live[number / CHUNK][number % CHUNK] = NONE;
            profiles--;
        }
    }
}
