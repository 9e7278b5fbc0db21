package dev.portrait.server.runtime.worker;

import dev.portrait.core.profile.Change;
import dev.portrait.core.profile.UpdateResult;
import dev.portrait.core.segment.SegmentTransition;
import dev.portrait.store.ChangeRecord;
import dev.portrait.store.WriteBack;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-field changelog: what the engine reports as changed by each event (or by time), held per
 * profile until the next write-back stores it with the profiles. The one place the worker writes
 * changes, so another way of answering {@code /changes} replaces this class alone. Worker thread only.
 */
final class ChangeRecorder {
    private final Map<String, List<ChangeRecord>> pending = new HashMap<>();

    /** Records the changes and segment transitions of one update of the profile it names. */
    void record(long sequence, long time, UpdateResult u) {
        if (u.changes().isEmpty() && u.transitions().isEmpty()) {
            return;
        }
        String owner = u.profile().profileId();
        List<ChangeRecord> list = pending.computeIfAbsent(owner, k -> new ArrayList<>());
        for (Change c : u.changes()) {
            list.add(new ChangeRecord(sequence, time, c.field(), JsonValues.bytes(c.oldValue()),
                    JsonValues.bytes(c.newValue()), c.messageId()));
        }
        for (SegmentTransition t : u.transitions()) {
            if (t.profileId().equals(owner)) {
                list.add(new ChangeRecord(sequence, time, "segments." + t.segment(), JsonValues.bytes(!t.entered()),
                        JsonValues.bytes(t.entered()), t.cause()));
            }
        }
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Hands everything recorded to the write-back; from now on it counts as written. */
    void drainInto(WriteBack wb) {
        pending.forEach(wb::appendChanges);
        pending.clear();
    }

    /** Drops what was recorded for a forgotten profile. */
    void forget(String profileId) {
        pending.remove(profileId);
    }
}
