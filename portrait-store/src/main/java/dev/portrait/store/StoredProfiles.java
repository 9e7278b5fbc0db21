package dev.portrait.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Profiles in the {@code profiles} table: {@code profileId (UTF-8) → version[1] keyId[16] AES-GCM(profile)},
 * sealed under the profile's own data key; the applied position in {@code meta}.
 */
final class StoredProfiles implements ProfileStore {
    static final int VERSION = 1;
    private final EmbeddedStore store;

    StoredProfiles(EmbeddedStore store) {
        this.store = store;
    }

    static void requireId(String profileId) {
        if (profileId == null || profileId.isEmpty()) {
            throw new IllegalArgumentException("profile id must not be empty, got "
                    + (profileId == null ? "null" : "\"\""));
        }
    }

    @Override
    public byte[] get(String profileId) {
        requireId(profileId);
        byte[] key = KeyLayout.utf8(profileId);
        byte[] value = store.tables.get(Table.PROFILES, key);
        if (value == null) {
            return null;
        }
        byte[] plain = value.length > 0 && value[0] == VERSION
                ? store.keyring.open(value, 1, Keyring.aad(Table.PROFILES, key)) : null;
        if (plain == Keyring.FORGOTTEN) {
            return null;
        }
        if (plain == null) {
            throw new StoreException("corrupt_store", "stored profile " + profileId + " fails authentication",
                    "profiles/" + profileId);
        }
        return plain;
    }

    /** Stages a profile into a write, sealed under its key. */
    void put(StoreWrite w, String profileId, byte[] profile) {
        requireId(profileId);
        Objects.requireNonNull(profile, () -> "bytes of profile " + profileId);
        byte[] key = KeyLayout.utf8(profileId);
        DataKey k = w.keyFor(Keyring.PROFILE, profileId);
        w.batch.put(Table.PROFILES, key, Keyring.seal(k, new byte[] {VERSION}, profile, Keyring.aad(Table.PROFILES, key)));
    }

    @Override
    public void writeBack(Map<String, byte[]> profiles, long appliedSequence) {
        WriteBack wb = store.writeBack();
        profiles.forEach(wb::putProfile);
        wb.commit(appliedSequence);
    }

    @Override
    public long appliedSequence() {
        return store.appliedSequence;
    }

    @Override
    public void delete(String profileId) {
        requireId(profileId);
        store.derivedLock.lock();
        try (StoreWrite w = store.newWrite()) {
            w.batch.delete(Table.PROFILES, KeyLayout.utf8(profileId));
            w.commit(store.options().syncWrites());
        } finally {
            store.derivedLock.unlock();
        }
    }

    @Override
    public List<String> ids(String afterId, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("list at least one profile id, asked for " + limit);
        }
        byte[] from = afterId == null ? null : KeyLayout.concat(KeyLayout.utf8(afterId), new byte[] {0});
        List<String> out = new ArrayList<>(Math.min(limit, 1024));
        store.tables.scan(Table.PROFILES, from, null, false, (k, v) -> {
            out.add(KeyLayout.string(k, 0, k.length));
            return out.size() < limit;
        });
        return out;
    }
}
