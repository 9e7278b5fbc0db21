package dev.portrait.server.runtime.worker;

import dev.portrait.core.profile.Profile;

import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * When each profile next needs a look without an event ({@code nextCheck}: a window slides, a decay
 * crosses a threshold, a segment should be left).
 *
 * <p>Each profile has at most one live entry, the earliest {@code nextCheck} scheduled for it; a later
 * {@code nextCheck} is found when that entry fires and is rescheduled then, so a busy profile does not
 * add an entry per event. Entries superseded by an earlier one stay in the queue until they are reached
 * and are skipped then. Worker thread only.
 */
final class ProfileTimers {
    private record Timer(long at, String profileId) {
    }

    private final PriorityQueue<Timer> queue = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    /** profile id → the time of its one live entry. */
    private final Map<String, Long> scheduled = new HashMap<>();

    void schedule(Profile p) {
        long at = p.nextCheck();
        if (at == Long.MAX_VALUE) {
            return;
        }
        Long live = scheduled.get(p.profileId());
        if (live != null && live <= at) {
            return; // the live entry fires first and reschedules from the profile's nextCheck then
        }
        scheduled.put(p.profileId(), at);
        queue.add(new Timer(at, p.profileId()));
    }

    /** The next profile whose live entry is due at {@code now}, taken off the schedule; null when none is. */
    String nextDue(long now) {
        while (!queue.isEmpty() && queue.peek().at() <= now) {
            Timer t = queue.poll();
            Long live = scheduled.get(t.profileId());
            if (live == null || live != t.at()) {
                continue; // superseded by an earlier entry, or the profile is gone
            }
            scheduled.remove(t.profileId());
            return t.profileId();
        }
        return null;
    }

    /** When the earliest entry fires; {@link Long#MAX_VALUE} when none is set. */
    long nextAt() {
        return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().at();
    }

    void remove(String profileId) {
        scheduled.remove(profileId);
    }

    /** Profiles with a timer set. */
    int profiles() {
        return scheduled.size();
    }

    /** Entries in the queue (live ones plus superseded ones not yet reached). */
    int entries() {
        return queue.size();
    }
}
