package dev.portrait.server.runtime.worker;

import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.store.ProfileStore;
import dev.portrait.store.WriteBack;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * The decoded profiles the worker holds, over the store: a least-recently-used map, the ids changed
 * (dirty) or deleted since the last write-back, and the ids a write-back in flight deletes.
 *
 * <p>The memory must never be behind the store, nor the store be read where memory is ahead: a dirty
 * profile is never evicted; a profile is evicted only after the write-back that wrote it has
 * committed ({@link #committed()}); and a profile deleted by a write-back still in flight stays
 * deleted for {@link #load}, though the store still has it until that write-back commits. Worker
 * thread only.
 */
final class HotProfiles {
    private final ProfileStore store;
    private final ProfileCodec codec;
    private final int capacity;
    private final LinkedHashMap<String, Profile> hot = new LinkedHashMap<>(1024, 0.75f, true);
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> deleted = new HashSet<>();
    /** Profiles the write-back in flight deletes; until it commits the store still has them. */
    private final Set<String> deletedInFlight = new HashSet<>();

    private final Publisher publisher;

    HotProfiles(ProfileStore store, ProfileCodec codec, int capacity, Publisher publisher) {
        this.store = store;
        this.codec = codec;
        this.capacity = capacity;
        this.publisher = publisher;
    }


    /** The profile, decoded from the store if it is not held; null when there is none. */
    Profile load(String profileId) {
        Profile p = hot.get(profileId);
        if (p != null || deleted.contains(profileId) || deletedInFlight.contains(profileId)) {
            return p;
        }
        byte[] bytes = store.get(profileId);
        if (bytes == null) {
            return null;
        }
        p = codec.decode(bytes);
        hot.put(profileId, p);
        return p;
    }

    /**
     * The profile as {@link #load} finds it, without holding one read from the store: a pass over every profile
     * (a saved audience's backfill) must not push the people being folded out of memory.
     */
    Profile peek(String profileId) {
        Profile p = hot.get(profileId);
        if (p != null || deleted.contains(profileId) || deletedInFlight.contains(profileId)) {
            return p;
        }
        byte[] bytes = store.get(profileId);
        return bytes == null ? null : codec.decode(bytes);
    }

    /** Holds the profile as changed: the next write-back writes it. */
    void put(Profile p) {
        hot.put(p.profileId(), p);
        dirty.add(p.profileId());
        deleted.remove(p.profileId());
        publisher.profileChanged(p.profileId());
    }

    /**
     * The held profile changed in a way readers need not see and the store need not get by itself (a
     * timer moved {@code nextCheck}); when it is dirty for other reasons the next write-back encodes it.
     */
    void changedQuietly(String profileId) {
        publisher.profileChangedQuietly(profileId);
    }

    /** Drops the profile: the next write-back deletes it from the store. */
    void remove(String profileId) {
        hot.remove(profileId);
        dirty.remove(profileId);
        deleted.add(profileId);
        publisher.profileChanged(profileId);
    }

    /** Drops a forgotten profile from memory (the store has already deleted it durably); returns what was held. */
    Profile forget(String profileId) {
        Profile p = hot.remove(profileId);
        dirty.remove(profileId);
        deleted.remove(profileId);
        return p;
    }

    /**
     * Whether so many held profiles are dirty that the next write-back should not wait for its interval:
     * dirty profiles cannot be evicted, so without this a stream of new people kept a whole interval's
     * worth decoded beyond the capacity (≈ 90,000 profiles against 65,536 in a million-person import).
     * A quarter of the capacity, and never fewer than {@link #MIN_DIRTY_FOR_WRITE_BACK}, so a small capacity
     * does not turn every event into a write-back: with the write-back in flight (whose profiles stay until it
     * commits) and the dirty ones after it, at most about 1.5 × the capacity is decoded.
     */
    boolean tooManyDirty() {
        return dirty.size() >= Math.max(MIN_DIRTY_FOR_WRITE_BACK, capacity / 4);
    }

    boolean hasChanges() {
        return !dirty.isEmpty() || !deleted.isEmpty();
    }

    /**
     * Puts every dirty profile into the write-back and stages every deletion; from now on they count
     * as written. A profile whose published bytes are its exact state goes as those bytes; the others
     * are encoded. {@code between} runs every few encodes (reads may be answered there: they change nothing).
     */
    void drainInto(WriteBack wb, Runnable between) {
        int encoded = 0;
        for (String id : dirty) {
            byte[] bytes = publisher.currentBytes(id);
            if (bytes == null) {
                bytes = codec.encode(hot.get(id));
                if (++encoded % READS_EVERY == 0) {
                    between.run();
                }
            }
            wb.putProfile(id, bytes);
        }
        for (String id : deleted) {
            wb.deleteProfile(id);
        }
        deletedInFlight.addAll(deleted);
        dirty.clear();
        deleted.clear();
    }

    /** The write-back that took the last {@link #drainInto} committed: what it wrote may leave memory. */
    void committed() {
        deletedInFlight.clear();
        var it = hot.entrySet().iterator();
        while (hot.size() > capacity && it.hasNext()) {
            if (!dirty.contains(it.next().getKey())) {
                it.remove(); // clean: its latest state is committed
            }
        }
    }

    int size() {
        return hot.size();
    }

    private static final int MIN_DIRTY_FOR_WRITE_BACK = 1_000;

    /** Profiles encoded between two looks at waiting reads during a write-back (some 0.1–0.3 ms of work). */
    private static final int READS_EVERY = 16;
}
