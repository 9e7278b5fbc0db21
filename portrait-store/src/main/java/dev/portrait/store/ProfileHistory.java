package dev.portrait.store;

import java.util.List;

/**
 * Per profile, what touched it, in the order it happened: the log positions of its events, the times
 * its timers fired and the profiles it absorbed in merges. A few bytes per event. It is the index
 * that lets a read replay one person's history through the engine ({@code /changes}, time travel)
 * without reading the whole log, and it replaces a per-event changelog on the write path.
 *
 * <p>Entries arrive with the write-back that carries the profile ({@link WriteBack#appendHistory}), so
 * they are exactly as durable as the profile state they describe. A merge keeps the loser's entries
 * under the loser's id and records the merge in the winner's: replaying the winner replays the loser
 * at that point, and forgetting the winner ({@link PortraitStore#forgetProfile}) deletes both.
 */
public interface ProfileHistory {
    /**
     * The profile's entries, oldest first; empty for a profile never written back (or forgotten).
     * A merge entry's loser has its own entries ({@code entries(loserId)}).
     */
    List<HistoryEntry> entries(String profileId);
}
