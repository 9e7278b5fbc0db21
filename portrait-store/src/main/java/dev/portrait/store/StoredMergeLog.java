package dev.portrait.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The merges table: {@code 'm' len[2] profileId n[8] → version[1] keyId[16] AES-GCM(MergeLogEntry bytes)},
 * {@code n} a store-wide counter, so a profile's entries list oldest first.
 */
final class StoredMergeLog implements MergeLog {
    private static final byte TAG = 'm';
    private static final int VERSION = 1;
    private final EmbeddedStore store;

    StoredMergeLog(EmbeddedStore store) {
        this.store = store;
    }

    @Override
    public void append(String profileId, byte[] mergeLogEntry) {
        StoredProfiles.requireId(profileId);
        Objects.requireNonNull(mergeLogEntry, "merge log entry");
        store.derivedLock.lock();
        try (StoreWrite w = store.newWrite()) {
            stage(w, profileId, mergeLogEntry);
            w.commit(store.options().syncWrites());
        } finally {
            store.derivedLock.unlock();
        }
    }

    void stage(StoreWrite w, String profileId, byte[] entry) {
        byte[] key = KeyLayout.concat(KeyLayout.profilePrefix(TAG, profileId), store.mergesNext++);
        DataKey k = w.keyFor(Keyring.PROFILE, profileId);
        w.batch.put(Table.MERGES, key, Keyring.seal(k, new byte[] {VERSION}, entry, Keyring.aad(Table.MERGES, key)));
        store.putMeta(w, EmbeddedStore.META_MERGES_NEXT, store.mergesNext);
    }

    @Override
    public List<byte[]> list(String profileId) {
        StoredProfiles.requireId(profileId);
        byte[] prefix = KeyLayout.profilePrefix(TAG, profileId);
        List<byte[]> out = new ArrayList<>();
        store.tables.scan(Table.MERGES, prefix, KeyLayout.prefixEnd(prefix), false, (k, v) -> {
            byte[] plain = v.length > 1 && v[0] == VERSION ? store.keyring.open(v, 1, Keyring.aad(Table.MERGES, k)) : null;
            if (plain == null) {
                throw new StoreException("corrupt_store", "a merge log entry of profile " + profileId
                        + " fails authentication", "merges/" + profileId);
            }
            if (plain != Keyring.FORGOTTEN) {
                out.add(plain);
            }
            return true;
        });
        return out;
    }

    @Override
    public void deleteProfile(String profileId) {
        StoredProfiles.requireId(profileId);
        store.derivedLock.lock();
        try (StoreWrite w = store.newWrite()) {
            deleteProfile(profileId, w);
            w.commit(store.options().syncWrites());
        } finally {
            store.derivedLock.unlock();
        }
    }

    void deleteProfile(String profileId, StoreWrite w) {
        byte[] prefix = KeyLayout.profilePrefix(TAG, profileId);
        w.batch.deleteRange(Table.MERGES, prefix, KeyLayout.prefixEnd(prefix));
    }
}
