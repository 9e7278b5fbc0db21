package dev.portrait.server.runtime.read;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.Page;
import dev.portrait.store.PortraitStore;

import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * A profile's changes, newest first, derived by {@link ChangeReplay} from the profile's written-back
 * history on the caller's thread. Nothing is written back for it (it used to force a write-back, which
 * put every {@code /changes} in the worker's path): the page is at most one write-back interval behind,
 * and a read with a position token asks the worker for its next write-back now and waits, bounded,
 * until it includes that position.
 */
final class ChangeHistory {
    private final PortraitStore store;
    private final ChangeReplay replay;
    private final PublishedProfiles profiles;
    private final Runnable requestWriteBack;

    ChangeHistory(PortraitStore store, ProfileDefinition definition, PublishedProfiles profiles, Runnable requestWriteBack,
                  java.util.function.Supplier<dev.portrait.core.segment.SavedAudiences> audiences) {
        this.store = store;
        this.requestWriteBack = requestWriteBack;
        this.replay = new ChangeReplay(store, definition, audiences);
        this.profiles = profiles;
    }

    Optional<Page<ChangeView>> changes(String idType, String id, String cursor, int limit) {
        String pid = profiles.profileIdOf(idType, id);
        if (pid == null || profiles.byProfileId(pid, false) == null) {
            return Optional.empty();
        }
        return Optional.of(replay.page(pid, cursor, limit));
    }

    /**
     * Per segment the person was ever in (definition segments and saved audiences, deleted ones included), whether
     * they are in it at the end of the replay and when they last entered and left it: one replay of their history.
     */
    Optional<java.util.List<dev.portrait.server.port.SegmentStay>> segmentStays(String idType, String id) {
        String pid = profiles.profileIdOf(idType, id);
        if (pid == null || profiles.byProfileId(pid, false) == null) {
            return Optional.empty();
        }
        java.util.Map<String, java.time.Instant[]> last = new java.util.TreeMap<>();
        java.util.Map<String, Boolean> member = new java.util.TreeMap<>();
        for (ChangeView c : replay.changes(pid)) {
            if (!c.field().startsWith("segments.")) {
                continue;
            }
            String segment = c.field().substring("segments.".length());
            java.time.Instant[] times = last.computeIfAbsent(segment, k -> new java.time.Instant[2]);
            boolean entered = Boolean.TRUE.equals(c.newValue());
            times[entered ? 0 : 1] = c.time();
            member.put(segment, entered);
        }
        java.util.List<dev.portrait.server.port.SegmentStay> out = new java.util.ArrayList<>();
        for (var e : last.entrySet()) {
            out.add(new dev.portrait.server.port.SegmentStay(e.getKey(), member.get(e.getKey()), e.getValue()[0],
                    e.getValue()[1]));
        }
        return Optional.of(out);
    }

    /**
     * Waits until the stored histories include log position {@code position}, at most
     * {@link PublishedProfiles#POSITION_WAIT_MILLIS}.
     *
     * @throws PortraitException {@code unavailable} when they do not in time
     */
    void awaitWrittenBack(long position) {
        long deadline = System.nanoTime() + PublishedProfiles.POSITION_WAIT_MILLIS * 1_000_000L;
        if (store.profiles().appliedSequence() < position) {
            requestWriteBack.run(); // sooner than the interval; the worker writes back as it always does
        }
        while (store.profiles().appliedSequence() < position) {
            if (System.nanoTime() > deadline) {
                throw new PortraitException("unavailable", "log position " + position + " is not yet written back into the "
                        + "histories (written up to " + store.profiles().appliedSequence() + " after "
                        + PublishedProfiles.POSITION_WAIT_MILLIS + " ms); retry", "position");
            }
            LockSupport.parkNanos(2_000_000);
        }
    }
}
