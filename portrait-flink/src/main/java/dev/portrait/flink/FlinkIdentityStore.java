package dev.portrait.flink;

import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.IdentityStore;
import org.apache.flink.api.common.state.MapState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The identity graph's two indexes on Flink keyed map state (under the identity operator's one key,
 * so in the RocksDB state backend and in every checkpoint), read through a bounded cache on the heap
 * and written once per checkpoint.
 *
 * <p>The graph reads an identifier's owner for every identifier of every event, and a profile's
 * identifiers whenever it attaches or merges; each read from state is a RocksDB lookup and a decode.
 * The operator is the only writer of these indexes, so a cache in front of them is always coherent.
 * Absent owners are cached too (a new person's identifiers belong to nobody yet). Writes go to the cache
 * and to a map of unsaved entries, which {@link #save()} writes to state before each checkpoint barrier
 * (and earlier if it grows past its bound): at every checkpoint state holds everything, so a restore
 * starts with empty maps and reads through again. A profile's identifier list keeps its encoded form
 * beside the decoded one, so an unchanged list is never encoded again — neither for state nor for the
 * instruction that carries it to the profile operator.
 */
final class FlinkIdentityStore implements IdentityStore {
    private static final Comparator<AttachedIdentifier> ORDER =
            Comparator.comparingLong(AttachedIdentifier::attachedAt).thenComparing(AttachedIdentifier::identifier);
    private static final Optional<String> NOBODY = Optional.empty();
    /** A profile that does not exist (cached like any other answer). */
    private static final Identifiers NONE = new Identifiers(null);

    /** {@code type \0 value} → profile id. */
    private final MapState<String, String> owners;
    /** profile id → creation time and identifiers ({@link AttachedIdentifiers}). */
    private final MapState<String, byte[]> profiles;
    private final Map<String, Optional<String>> cachedOwners;
    private final Map<String, Identifiers> cachedProfiles;
    private final Map<String, Optional<String>> unsavedOwners = new HashMap<>();
    private final Map<String, Identifiers> unsavedProfiles = new HashMap<>();
    private final int maxUnsaved;

    /**
     * @param cachedEntries how many owners and how many profiles each cache keeps
     * @param maxUnsaved    how many changed entries wait on the heap before they are written ahead of the checkpoint
     */
    FlinkIdentityStore(MapState<String, String> owners, MapState<String, byte[]> profiles, int cachedEntries, int maxUnsaved) {
        this.owners = owners;
        this.profiles = profiles;
        this.maxUnsaved = maxUnsaved;
        this.cachedOwners = bounded(cachedEntries);
        this.cachedProfiles = bounded(cachedEntries);
    }

    private static <V> Map<String, V> bounded(int max) {
        return new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max; // an unsaved entry stays readable in its unsaved map
            }
        };
    }

    static String key(Identifier i) {
        return i.type() + '\0' + i.value();
    }

    @Override
    public Optional<String> profileOf(Identifier identifier) {
        return owner(key(identifier));
    }

    private Optional<String> owner(String key) {
        Optional<String> o = cachedOwners.get(key);
        if (o == null) {
            o = unsavedOwners.get(key);
            if (o == null) {
                o = Optional.ofNullable(call(() -> owners.get(key)));
            }
            cachedOwners.put(key, o);
        }
        return o;
    }

    private Identifiers entry(String profileId) {
        Identifiers e = cachedProfiles.get(profileId);
        if (e == null) {
            e = unsavedProfiles.get(profileId);
            if (e == null) {
                byte[] bytes = call(() -> profiles.get(profileId));
                e = bytes == null ? NONE : new Identifiers(bytes);
            }
            cachedProfiles.put(profileId, e);
        }
        return e;
    }

    @Override
    public List<AttachedIdentifier> identifiersOf(String profileId) {
        return entry(profileId).list();
    }

    /** The stored form of a profile's identifiers, as the profile operator receives it. */
    byte[] encodedIdentifiersOf(String profileId) {
        return entry(profileId).bytes();
    }

    @Override
    public OptionalLong createdAt(String profileId) {
        Identifiers e = entry(profileId);
        return e == NONE ? OptionalLong.empty() : OptionalLong.of(e.createdAt());
    }

    @Override
    public void createProfile(String profileId, long createdAt) {
        setProfile(profileId, new Identifiers(createdAt, List.of()));
    }

    @Override
    public void deleteProfile(String profileId) {
        setProfile(profileId, NONE);
    }

    @Override
    public void attach(String profileId, Identifier identifier, long attachedAt) {
        Identifiers e = entry(profileId);
        if (e == NONE) {
            throw new IllegalStateException("cannot attach " + identifier + " to unknown profile " + profileId);
        }
        List<AttachedIdentifier> list = new ArrayList<>(e.list());
        list.add(new AttachedIdentifier(identifier, attachedAt));
        list.sort(ORDER);
        setProfile(profileId, new Identifiers(e.createdAt(), list));
        setOwner(key(identifier), Optional.of(profileId));
    }

    @Override
    public void detach(String profileId, Identifier identifier) {
        Identifiers e = entry(profileId);
        if (e != NONE) {
            List<AttachedIdentifier> list = new ArrayList<>(e.list());
            list.removeIf(a -> a.identifier().equals(identifier));
            setProfile(profileId, new Identifiers(e.createdAt(), list));
        }
        setOwner(key(identifier), NOBODY);
    }

    private void setOwner(String key, Optional<String> owner) {
        cachedOwners.put(key, owner);
        unsavedOwners.put(key, owner);
        saveIfFull();
    }

    private void setProfile(String profileId, Identifiers e) {
        cachedProfiles.put(profileId, e);
        unsavedProfiles.put(profileId, e);
        saveIfFull();
    }

    private void saveIfFull() {
        if (unsavedOwners.size() > maxUnsaved || unsavedProfiles.size() > maxUnsaved) {
            save();
        }
    }

    /** How many changed entries are not in state yet. */
    int unsaved() {
        return unsavedOwners.size() + unsavedProfiles.size();
    }

    /** Writes every changed entry to state (the current key must be the operator's one key). */
    void save() {
        run(() -> {
            for (Map.Entry<String, Optional<String>> o : unsavedOwners.entrySet()) {
                if (o.getValue().isPresent()) {
                    owners.put(o.getKey(), o.getValue().get());
                } else {
                    owners.remove(o.getKey());
                }
            }
            for (Map.Entry<String, Identifiers> p : unsavedProfiles.entrySet()) {
                if (p.getValue() == NONE) {
                    profiles.remove(p.getKey());
                } else {
                    profiles.put(p.getKey(), p.getValue().bytes());
                }
            }
        });
        unsavedOwners.clear();
        unsavedProfiles.clear();
    }

    /** A profile's creation time and identifiers, decoded and encoded each at most once. */
    private static final class Identifiers {
        private byte[] bytes;
        private long createdAt;
        private List<AttachedIdentifier> list;

        Identifiers(byte[] bytes) {
            this.bytes = bytes;
            this.createdAt = bytes == null ? Long.MIN_VALUE : AttachedIdentifiers.createdAt(bytes);
        }

        Identifiers(long createdAt, List<AttachedIdentifier> list) {
            this.createdAt = createdAt;
            this.list = List.copyOf(list);
        }

        long createdAt() {
            return createdAt;
        }

        List<AttachedIdentifier> list() {
            if (list == null) {
                list = bytes == null ? List.of() : List.copyOf(AttachedIdentifiers.decode(bytes));
            }
            return list;
        }

        byte[] bytes() {
            if (bytes == null && list != null) {
                bytes = AttachedIdentifiers.encode(createdAt, list);
            }
            return bytes;
        }
    }

    private interface StateCall<T> {
        T call() throws Exception;
    }

    private interface StateRun {
        void run() throws Exception;
    }

    private static <T> T call(StateCall<T> c) {
        try {
            return c.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("identity state could not be read: " + e, e);
        }
    }

    private static void run(StateRun r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("identity state could not be written: " + e, e);
        }
    }
}
