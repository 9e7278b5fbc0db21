package dev.portrait.flink;

import dev.portrait.core.profile.Change;
import dev.portrait.core.profile.Profile;

import java.util.ArrayList;
import java.util.List;

/**
 * A profile the profile operator holds decoded between checkpoints: the profile itself (null once it
 * retired or before its first event), its identifiers, what has not reached keyed state or the output
 * topics yet, and the one event-time timer registered for it.
 */
final class LiveProfile {
    final String id;
    Profile profile;
    byte[] identifiers;
    /** Keyed state is behind this object (written at the next checkpoint or on eviction). */
    boolean unsaved;
    /** The profiles topic has not seen this version. */
    boolean unpublished;
    /** The time the profile was last brought to (its clock, or a timer's "now"): where it is rendered. */
    long renderAt = Long.MIN_VALUE;
    /** The registered event-time timer, {@link Long#MAX_VALUE} for none. */
    long timer = Long.MAX_VALUE;
    /** Changes not yet on the changes topic, each with the profile time it happened at. */
    final List<Change> changes = new ArrayList<>();
    final List<Long> changeTimes = new ArrayList<>();

    LiveProfile(String id) {
        this.id = id;
    }

    void changed(List<Change> cs, long at) {
        for (Change c : cs) {
            changes.add(c);
            changeTimes.add(at);
        }
    }
}
