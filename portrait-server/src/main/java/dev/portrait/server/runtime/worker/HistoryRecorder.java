package dev.portrait.server.runtime.worker;

import dev.portrait.store.HistoryBuffer;
import dev.portrait.store.WriteBack;

import java.util.HashMap;
import java.util.Map;

/**
 * What touched each profile since the last write-back — the log positions of its events, the timers
 * that changed it, the profiles it absorbed — held per profile until the write-back appends it to the
 * store's {@link dev.portrait.store.ProfileHistory}. This replaces a per-field changelog on the fold
 * thread: an event costs a varint here, and {@code /changes} is derived by replaying the history
 * ({@code runtime.read.ChangeReplay}). Worker thread only.
 */
final class HistoryRecorder {
    private final Map<String, HistoryBuffer> pending = new HashMap<>();

    void event(String profileId, long sequence) {
        buffer(profileId).event(sequence);
    }

    void timer(String profileId, long time) {
        buffer(profileId).timer(time);
    }

    void merge(String winnerId, long sequence, String loserId) {
        buffer(winnerId).merge(sequence, loserId);
    }

    private HistoryBuffer buffer(String profileId) {
        HistoryBuffer b = pending.get(profileId);
        if (b == null) {
            b = new HistoryBuffer();
            pending.put(profileId, b);
        }
        return b;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** Hands everything recorded to the write-back; from now on it counts as written. */
    void drainInto(WriteBack wb) {
        pending.forEach(wb::appendHistory);
        pending.clear();
    }

    /** Drops what was recorded for a forgotten profile. */
    void forget(String profileId) {
        pending.remove(profileId);
    }
}
