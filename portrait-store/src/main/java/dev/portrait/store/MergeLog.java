package dev.portrait.store;

import java.util.List;

/**
 * Per profile, the {@code MergeLogEntry} bytes of the merges it won, oldest first, encrypted under
 * the profile's data key (an entry lists the loser's identifiers). Entries written here are durable
 * at once; entries that must be exactly-once with the profile go through {@link WriteBack#appendMerge}.
 */
public interface MergeLog {
    void append(String profileId, byte[] mergeLogEntry);

    /** The profile's entries, oldest first. */
    List<byte[]> list(String profileId);

    void deleteProfile(String profileId);
}
