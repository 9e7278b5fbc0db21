package dev.portrait.core.engine;

import dev.portrait.core.profile.Profile;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the engine finds and leaves profiles: the runtime's port (hot profiles over a store in the
 * embedded runtime, a scratch map in time travel and tests). The engine mutates the profiles it gets
 * and hands back the ones it creates or merges with {@link #put}.
 */
public interface ProfileTable {
    /** The profile with this id, or null when there is none. */
    Profile get(String profileId);

    /** Stores a new or changed profile. */
    void put(Profile profile);

    /** Deletes a profile (the loser of a merge). */
    void remove(String profileId);

    /** A table in a hash map, for replays, time travel and tests. */
    static ProfileTable inMemory() {
        return inMemory(new HashMap<>());
    }

    /** A table over the caller's map. */
    static ProfileTable inMemory(Map<String, Profile> profiles) {
        return new ProfileTable() {
            @Override
            public Profile get(String profileId) {
                return profiles.get(profileId);
            }

            @Override
            public void put(Profile profile) {
                profiles.put(profile.profileId(), profile);
            }

            @Override
            public void remove(String profileId) {
                profiles.remove(profileId);
            }
        };
    }
}
