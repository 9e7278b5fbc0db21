package dev.portrait.store;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.ArrayList;
import java.util.List;

/**
 * The changelog table: {@code 'c' len[2] profileId n[8] → version[1] eventTime[8] keyId[16] AES-GCM(change)},
 * where {@code n} is a store-wide counter, so one profile's changes sort oldest to newest and a page
 * newest first is a reverse scan. The event time stays outside the ciphertext so retention can purge
 * without decrypting; it says when, not who.
 */
final class StoredChangelog implements Changelog {
    private static final byte TAG = 'c';
    private static final int VERSION = 1;
    private static final int HEADER = 1 + 8;
    /** Entries looked at per purge round, so one round's deletes stay a modest batch. */
    private static final int SCAN_CHUNK = 50_000;

    private final EmbeddedStore store;

    StoredChangelog(EmbeddedStore store) {
        this.store = store;
    }

    @Override
    public void append(String profileId, List<ChangeRecord> changes) {
        StoredProfiles.requireId(profileId);
        if (changes.isEmpty()) {
            return;
        }
        store.derivedLock.lock();
        try (StoreWrite w = store.newWrite()) {
            stage(w, profileId, changes);
            w.commit(store.options().syncWrites());
        } finally {
            store.derivedLock.unlock();
        }
    }

    /** Stages changes into a write; the caller holds the derived lock and commits. */
    void stage(StoreWrite w, String profileId, List<ChangeRecord> changes) {
        if (changes.isEmpty()) {
            return;
        }
        byte[] prefix = KeyLayout.profilePrefix(TAG, profileId);
        DataKey k = w.keyFor(Keyring.PROFILE, profileId);
        for (ChangeRecord c : changes) {
            byte[] key = KeyLayout.concat(prefix, store.changelogNext++);
            BinaryOut out = new BinaryOut(64 + c.oldValue().length + c.newValue().length);
            out.writeVarLong(c.sequence());
            out.writeString(c.field());
            out.writeBytes(c.oldValue());
            out.writeBytes(c.newValue());
            out.writeString(c.messageId());
            byte[] header = new byte[HEADER];
            header[0] = VERSION;
            KeyLayout.putLong(header, 1, c.eventTime());
            w.batch.put(Table.CHANGELOG, key, Keyring.seal(k, header, out.toByteArray(), Keyring.aad(Table.CHANGELOG, key)));
        }
        store.putMeta(w, EmbeddedStore.META_CHANGELOG_NEXT, store.changelogNext);
    }

    @Override
    public Page<ChangeRecord> list(String profileId, String cursor, int limit) {
        StoredProfiles.requireId(profileId);
        if (limit < 1) {
            throw new IllegalArgumentException("list at least one change, asked for " + limit);
        }
        byte[] prefix = KeyLayout.profilePrefix(TAG, profileId);
        byte[] to = cursor == null ? KeyLayout.prefixEnd(prefix) : KeyLayout.concat(prefix, parseCursor(cursor));
        List<ChangeRecord> items = new ArrayList<>();
        long[] lastN = {0};
        boolean[] more = {false};
        store.tables.scan(Table.CHANGELOG, prefix, to, true, (k, v) -> {
            if (items.size() == limit) {
                more[0] = true;
                return false;
            }
            ChangeRecord c = decode(profileId, k, v);
            if (c != null) {
                items.add(c);
                lastN[0] = KeyLayout.getLong(k, k.length - 8);
            }
            return true;
        });
        return new Page<>(items, more[0] ? Long.toString(lastN[0]) : null);
    }

    private static long parseCursor(String cursor) {
        try {
            long n = Long.parseLong(cursor);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal below
        }
        throw new StoreException("bad_cursor", "changelog cursor \"" + cursor + "\" was not handed out by this store",
                "cursor");
    }

    private ChangeRecord decode(String profileId, byte[] key, byte[] value) {
        byte[] plain = value.length > HEADER && value[0] == VERSION
                ? store.keyring.open(value, HEADER, Keyring.aad(Table.CHANGELOG, key)) : null;
        if (plain == Keyring.FORGOTTEN) {
            return null;
        }
        if (plain == null) {
            throw new StoreException("corrupt_store", "a changelog entry of profile " + profileId
                    + " fails authentication", "changelog/" + profileId);
        }
        BinaryIn in = new BinaryIn(plain);
        return new ChangeRecord(in.readVarLong(), KeyLayout.getLong(value, 1), in.readString(), in.readBytes(),
                in.readBytes(), in.readString());
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
        w.batch.deleteRange(Table.CHANGELOG, prefix, KeyLayout.prefixEnd(prefix));
    }

    @Override
    public long purgeExpired(long now) {
        long cutoff = now - store.options().changelogRetention().toMillis();
        long purged = 0;
        byte[] from = null;
        while (true) {
            List<byte[]> expired = new ArrayList<>();
            byte[][] resume = {null};
            int[] seen = {0};
            store.tables.scan(Table.CHANGELOG, from, null, false, (k, v) -> {
                if (v.length >= HEADER && KeyLayout.getLong(v, 1) < cutoff) {
                    expired.add(k);
                }
                if (++seen[0] == SCAN_CHUNK) {
                    resume[0] = KeyLayout.concat(k, new byte[] {0});
                    return false;
                }
                return true;
            });
            if (!expired.isEmpty()) {
                store.derivedLock.lock();
                try (StoreWrite w = store.newWrite()) {
                    for (byte[] k : expired) {
                        w.batch.delete(Table.CHANGELOG, k);
                    }
                    w.commit(false);
                } finally {
                    store.derivedLock.unlock();
                }
                purged += expired.size();
            }
            if (resume[0] == null) {
                return purged;
            }
            from = resume[0];
        }
    }
}
