package dev.portrait.server.runtime.worker;

import dev.portrait.core.PortraitException;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.IdentityGraph;
import dev.portrait.core.identity.IdentityStore;
import dev.portrait.core.identity.IdentityMerge;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.profile.MergeLogEntry;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.segment.SegmentTransition;
import dev.portrait.store.HistoryBuffer;
import dev.portrait.store.HistoryEntry;
import dev.portrait.store.LogEntry;
import dev.portrait.store.PortraitStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Undoes one identity merge on the worker thread: the winner's latest merge, after a write-back, so the
 * merge log and the histories it reads are complete.
 *
 * <p><b>How.</b> The merge log entry holds both profiles as they were just before the merge and the
 * identifiers that moved. Those two profiles are restored, the loser gets its identifiers back
 * ({@link IdentityGraph#reverse}), and every event the winner's history lists after the merge is folded
 * again, in log order, into whichever of the two the restored identities say it belongs to: to the loser
 * when the event names the loser's identifiers and none of the winner's, else to the winner (so the
 * event that caused the merge, which names both, stays with the winner). Timers the winner's history
 * lists after the merge are replayed on the winner. The histories are rewritten to match (the winner's
 * loses the merge and the loser's events; the loser's gains them), the merge log entry is dropped so the
 * merge cannot be reversed twice, and all of it goes to the store in the next write-back.
 *
 * <p><b>Why only the latest merge.</b> A later merge into the winner folded a state that includes this
 * merge; undoing an earlier one would mean undoing and redoing every later one. The caller reverses them
 * newest first instead.
 *
 * <p><b>What it does not undo.</b> The shared models (co-occurrence, centroids, weights) learned from
 * the events once, as one person; they are not re-taught (per-person model state lives in the profiles
 * and is rebuilt with them). Identity rules still apply: a later event carrying identifiers of both
 * people merges them again, as it would have the first time; no "keep apart" block is recorded.
 */
final class MergeReversal {
    private final PortraitStore store;
    private final ProfileEngine engine;
    private final IdentityStore identities;

    MergeReversal(PortraitStore store, ProfileEngine engine, IdentityStore identities) {
        this.store = store;
        this.engine = engine;
        this.identities = identities;
    }

    /** Both profiles after the reversal, the histories and merge log that go with them, and what moved. */
    record Outcome(Profile winner, Profile loser, IdentityMerge merge, List<byte[]> remainingMerges,
                   HistoryBuffer winnerHistory, HistoryBuffer loserAppended, int eventsToLoser, int eventsKept) {
    }

    /**
     * Restores the two profiles and their identities (the identity store is changed; the caller installs
     * the profiles and writes everything back).
     *
     * @throws PortraitException {@code merge_not_found} (404), {@code merge_not_latest} or
     *                           {@code merge_not_reversible} (409)
     */
    Outcome reverse(String winnerId, String mergeId) {
        List<byte[]> log = store.merges().list(winnerId);
        int index = -1;
        List<MergeLogEntry> entries = new ArrayList<>(log.size());
        for (int i = 0; i < log.size(); i++) {
            MergeLogEntry e = MergeLogEntry.fromBytes(log.get(i));
            entries.add(e);
            if (e.identity().loser().equals(mergeId)) {
                index = i;
            }
        }
        if (index < 0) {
            throw new PortraitException("merge_not_found", "profile " + winnerId + " has no merge " + mergeId
                    + " to reverse (it lists " + entries.size() + ")", "mergeId");
        }
        if (index != entries.size() - 1) {
            String latest = entries.get(entries.size() - 1).identity().loser();
            throw new PortraitException("merge_not_latest", "merge " + mergeId + " is not profile " + winnerId
                    + "'s latest: " + (entries.size() - 1 - index) + " later merge(s) folded it in further; reverse "
                    + latest + " first, newest to oldest", "mergeId");
        }
        MergeLogEntry entry = entries.get(index);
        IdentityMerge merge = entry.identity();
        for (AttachedIdentifier a : merge.moved()) {
            if (store.suppressions().suppressed(a.identifier())) {
                throw new PortraitException("merge_not_reversible", "cannot reverse merge " + mergeId + ": its "
                        + a.identifier().type() + " identifier belongs to a forgotten person", "mergeId");
            }
        }
        List<HistoryEntry> history = store.history().entries(winnerId);
        int at = -1;
        for (int i = history.size() - 1; i >= 0 && at < 0; i--) {
            if (history.get(i) instanceof HistoryEntry.Merge m && m.loserId().equals(mergeId)) {
                at = i;
            }
        }
        if (at < 0) {
            throw new PortraitException("merge_not_reversible", "cannot reverse merge " + mergeId + ": profile "
                    + winnerId + "'s history does not record it, so the events after it are unknown", "mergeId");
        }
        for (int i = at + 1; i < history.size(); i++) {
            if (history.get(i) instanceof HistoryEntry.Merge m) {
                // the merge log says this one is the latest, so the history must agree
                throw new PortraitException("merge_not_reversible", "cannot reverse merge " + mergeId + ": profile "
                        + winnerId + "'s history records a later merge of " + m.loserId(), "mergeId");
            }
        }
        Profile[] before = entry.reverse(engine.codec());
        IdentityGraph graph = engine.identityGraph(identities);
        graph.reverse(merge); // checks the identity store first and changes nothing when it refuses

        Profile winner = before[0];
        Profile loser = before[1];
        HistoryBuffer winnerHistory = new HistoryBuffer();
        for (int i = 0; i < at; i++) {
            append(winnerHistory, history.get(i));
        }
        HistoryBuffer loserAppended = new HistoryBuffer();
        int toLoser = 0;
        int kept = 0;
        for (int i = at + 1; i < history.size(); i++) {
            HistoryEntry h = history.get(i);
            if (h instanceof HistoryEntry.Event e) {
                Event event = event(e.sequence());
                if (event != null && belongsTo(graph, event, merge)) {
                    engine.fold(loser, event);
                    loserAppended.event(e.sequence());
                    toLoser++;
                } else {
                    if (event != null) { // a forgotten event stays listed, as the worker's replays skip it
                        engine.fold(winner, event);
                    }
                    winnerHistory.event(e.sequence());
                    kept++;
                }
            } else if (h instanceof HistoryEntry.Timer t) {
                engine.advance(winner, t.time());
                winnerHistory.timer(t.time());
            }
        }
        List<byte[]> remaining = new ArrayList<>(log.subList(0, index));
        return new Outcome(winner, loser, merge, remaining, winnerHistory, loserAppended, toLoser, kept);
    }

    /** Whether the restored identities give the event to the loser: it names the loser's and none of the winner's. */
    private boolean belongsTo(IdentityGraph graph, Event event, IdentityMerge merge) {
        boolean loser = false;
        for (Identifier id : graph.identifiersIn(event)) {
            Optional<String> owner = identities.profileOf(id);
            if (owner.isPresent() && owner.get().equals(merge.winner())) {
                return false;
            }
            loser |= owner.isPresent() && owner.get().equals(merge.loser());
        }
        return loser;
    }

    private Event event(long sequence) {
        List<LogEntry> read = store.events().read(sequence, 1);
        if (read.isEmpty() || read.get(0).sequence() != sequence) {
            throw new PortraitException("corrupt_state", "the history names log record " + sequence
                    + " but the log does not hold it", null);
        }
        return read.get(0).forgotten() ? null : read.get(0).decode();
    }

    private static void append(HistoryBuffer into, HistoryEntry h) {
        if (h instanceof HistoryEntry.Event e) {
            into.event(e.sequence());
        } else if (h instanceof HistoryEntry.Timer t) {
            into.timer(t.time());
        } else if (h instanceof HistoryEntry.Merge m) {
            into.merge(m.sequence(), m.loserId());
        }
    }

    /** The segment moves from {@code before} to {@code after} of one profile (null: not a profile then). */
    static List<SegmentTransition> transitions(ProfileEngine engine, String profileId, Profile before, Profile after,
                                               long time) {
        List<SegmentTransition> out = new ArrayList<>();
        for (int s = 0; s < engine.updater().segments().size(); s++) {
            boolean was = before != null && before.inSegment(s);
            boolean is = after != null && after.inSegment(s);
            if (was != is) {
                out.add(new SegmentTransition(profileId, engine.updater().segments().name(s), is, time,
                        "merge_reversed"));
            }
        }
        return out;
    }
}
