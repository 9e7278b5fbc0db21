package dev.portrait.store;

import java.util.List;

/**
 * One atomic write of derived state at a log position: profiles, their changelog and merge-log
 * entries, and every identity change made through {@link PortraitStore#identities()} since the last
 * commit. Either all of it is durable with its position or none of it is, so replaying the log from
 * {@link ProfileStore#appliedSequence()} after a crash re-derives exactly what was lost: no change is
 * logged twice and no merge is missed.
 *
 * <p>Commit only when identities and profiles both include exactly the events up to the position
 * (the runtime's write-back barrier). Not thread-safe; a write-back is used once.
 */
public interface WriteBack {
    WriteBack putProfile(String profileId, byte[] profile);

    WriteBack deleteProfile(String profileId);

    WriteBack appendChanges(String profileId, List<ChangeRecord> changes);

    WriteBack appendMerge(String profileId, byte[] mergeLogEntry);

    /**
     * Replaces the profile's whole merge log with these entries, oldest first (a reversed merge leaves
     * it). Later {@link #appendMerge} calls in the same write-back append after them.
     */
    WriteBack replaceMerges(String profileId, List<byte[]> mergeLogEntries);

    /**
     * Replaces the profile's whole {@link ProfileHistory} with these entries (a reversed merge gives
     * some of its events to another profile). Later {@link #appendHistory} calls in the same write-back
     * append after them.
     */
    WriteBack replaceHistory(String profileId, HistoryBuffer entries);

    /**
     * Appends what touched the profile since the last write-back to its {@link ProfileHistory}, as one
     * chunk. The buffer is read when the write-back commits; do not touch it after handing it over.
     */
    WriteBack appendHistory(String profileId, HistoryBuffer entries);

    /**
     * Fixes the identity changes this write-back carries to those made so far (by default they are
     * taken when it commits). Called by the thread that changes identities, at the position it will
     * commit, it lets {@link #commit} run on another thread while identities go on changing: later
     * changes wait for the next write-back.
     */
    WriteBack takeIdentities();

    /**
     * Replaces the runtime's model state (item statistics, personas, propensity, bot scores) with
     * these bytes, at the same position as the profiles, so models and profiles recover to one point.
     */
    WriteBack putModelState(byte[] state);

    /**
     * Writes everything with the position.
     *
     * @throws StoreException {@code applied_sequence} when the position is behind the stored one or past
     *                        the end of the log
     */
    void commit(long appliedSequence);
}
