package dev.portrait.store;

import java.util.Objects;

/**
 * One thing that touched a profile, as its {@link ProfileHistory} keeps it: an event of the log (by
 * sequence), a timer that let time pass for it, or a merge that folded another profile into it.
 * Replaying a profile's entries in order through the engine rebuilds the profile, step for step.
 */
public sealed interface HistoryEntry {
    /** The event at {@code sequence} in the log was folded into the profile. */
    record Event(long sequence) implements HistoryEntry {
        public Event {
            if (sequence <= 0) {
                throw new IllegalArgumentException("a logged event has a sequence from 1 on, got " + sequence);
            }
        }
    }

    /** The profile's timer fired at {@code time} (epoch ms) and time passed for it with no event. */
    record Timer(long time) implements HistoryEntry {
    }

    /**
     * The profile won a merge, caused by the event at {@code sequence}: the loser's state, which its own
     * history rebuilds, was folded into it there.
     */
    record Merge(long sequence, String loserId) implements HistoryEntry {
        public Merge {
            if (sequence <= 0) {
                throw new IllegalArgumentException("a merge is caused by a logged event (sequence from 1 on), got "
                        + sequence);
            }
            StoredProfiles.requireId(Objects.requireNonNull(loserId, "loser id"));
        }
    }
}
