package dev.portrait.store;

import java.util.List;
import java.util.Map;

/**
 * Profiles in {@code ProfileCodec}'s binary form, encrypted under a data key of their own, and the
 * log position they include.
 *
 * <p>The position is what makes recovery exact: profiles are only ever written together with the
 * sequence of the last event folded into them ({@link #writeBack}), in one atomic write, so after a
 * crash the runtime replays exactly the records after {@link #appliedSequence()}.
 */
public interface ProfileStore {
    /** The profile's bytes, or {@code null} when there is none (or it was forgotten). */
    byte[] get(String profileId);

    /**
     * Writes profiles and the log position they include in one atomic write, together with every
     * identity change made since the last write-back. Shorthand for
     * {@link PortraitStore#writeBack()} with {@link WriteBack#putProfile} for each entry.
     *
     * @throws StoreException {@code applied_sequence} when the position is behind the stored one or past
     *                        the end of the log
     */
    void writeBack(Map<String, byte[]> profiles, long appliedSequence);

    /** The sequence of the last event included in the stored profiles; 0 before any write-back. */
    long appliedSequence();

    /**
     * Deletes a profile's bytes (a merge's loser, say) at once. Its data key, changelog and merge log
     * stay: forgetting a person is {@link PortraitStore#forgetProfile}.
     */
    void delete(String profileId);

    /** Up to {@code limit} profile ids after {@code afterId} (exclusive; {@code null} = from the start), in order. */
    List<String> ids(String afterId, int limit);
}
