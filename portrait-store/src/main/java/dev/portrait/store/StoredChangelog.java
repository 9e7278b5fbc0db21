package dev.portrait.store;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The changelog table: {@code 'c' len[2] profileId n[8] → version[1] newest[8] oldest[8] count[4] keyId[16]
 * AES-GCM(changes)} (version 1, still read: {@code version[1] eventTime[8] keyId[16] AES-GCM(change)}),
 * where {@code n} is a store-wide counter, so one profile's records sort oldest to newest and a page
 * newest first is a reverse scan.
 *
 * <p>One record holds all the changes one write-back brings for the profile (version 2), not one
 * change each (version 1, still read): a view event changes about ten values, and sealing each on its
 * own cost a cipher initialisation and some 80 bytes of key, IV, tag and header per change — more than
 * the event itself. Inside a record, entries that share the previous entry's event (sequence, time,
 * messageId) say so with a flag, and field names are written once and then referred to by index.
 *
 * <p>The newest and oldest event times and the count stay outside the ciphertext so retention can purge
 * without decrypting (they say when and how many, not who): a record whose newest change is past
 * retention is deleted; one that straddles the cut is opened and sealed again with its recent changes.
 *
 * <p>Cursors are {@code n:i}: continue with the entries before index {@code i} of record {@code n}.
 */
final class StoredChangelog implements Changelog {
    private static final byte TAG = 'c';
    private static final int SINGLE = 1;
    private static final int PACKED = 2;
    private static final int HEADER = 1 + 8;
    private static final int PACKED_HEADER = 1 + 8 + 8 + 4;
    private static final int SAME_EVENT = 1;
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

    /** Stages changes, oldest first, as one record; the caller holds the derived lock and commits. */
    void stage(StoreWrite w, String profileId, List<ChangeRecord> changes) {
        if (changes.isEmpty()) {
            return;
        }
        seal(w, KeyLayout.concat(KeyLayout.profilePrefix(TAG, profileId), store.changelogNext++), profileId, changes);
        store.putMeta(w, EmbeddedStore.META_CHANGELOG_NEXT, store.changelogNext);
    }

    private void seal(StoreWrite w, byte[] key, String profileId, List<ChangeRecord> changes) {
        DataKey k = w.keyFor(Keyring.PROFILE, profileId);
        int size = 16;
        long newest = Long.MIN_VALUE;
        long oldest = Long.MAX_VALUE;
        for (ChangeRecord c : changes) {
            size += 24 + c.field().length() + c.oldValue().length + c.newValue().length;
            newest = Math.max(newest, c.eventTime());
            oldest = Math.min(oldest, c.eventTime());
        }
        BinaryOut out = new BinaryOut(size);
        out.writeVarInt(changes.size());
        Map<String, Integer> fields = new HashMap<>();
        ChangeRecord previous = null;
        for (ChangeRecord c : changes) {
            boolean sameEvent = previous != null && previous.sequence() == c.sequence()
                    && previous.eventTime() == c.eventTime() && previous.messageId().equals(c.messageId());
            out.writeByte(sameEvent ? SAME_EVENT : 0);
            if (!sameEvent) {
                out.writeVarLong(c.sequence());
                out.writeSignedVarLong(newest - c.eventTime());
                out.writeString(c.messageId());
            }
            Integer ref = fields.get(c.field());
            if (ref == null) {
                out.writeVarInt(0);
                out.writeString(c.field());
                fields.put(c.field(), fields.size() + 1);
            } else {
                out.writeVarInt(ref);
            }
            out.writeBytes(c.oldValue());
            out.writeBytes(c.newValue());
            previous = c;
        }
        byte[] header = new byte[PACKED_HEADER];
        header[0] = PACKED;
        KeyLayout.putLong(header, 1, newest);
        KeyLayout.putLong(header, 9, oldest);
        header[17] = (byte) (changes.size() >>> 24);
        header[18] = (byte) (changes.size() >>> 16);
        header[19] = (byte) (changes.size() >>> 8);
        header[20] = (byte) changes.size();
        w.batch.put(Table.CHANGELOG, key, Keyring.seal(k, header, out.toByteArray(), Keyring.aad(Table.CHANGELOG, key)));
    }

    private static int count(byte[] value) {
        return value[0] == PACKED
                ? (value[17] & 0xFF) << 24 | (value[18] & 0xFF) << 16 | (value[19] & 0xFF) << 8 | value[20] & 0xFF : 1;
    }

    private static long oldest(byte[] value) {
        return value[0] == PACKED ? KeyLayout.getLong(value, 9) : KeyLayout.getLong(value, 1);
    }

    private static String profileIdOf(byte[] key) {
        int len = (key[1] & 0xFF) << 8 | key[2] & 0xFF;
        return new String(key, 3, len, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public Page<ChangeRecord> list(String profileId, String cursor, int limit) {
        StoredProfiles.requireId(profileId);
        if (limit < 1) {
            throw new IllegalArgumentException("list at least one change, asked for " + limit);
        }
        byte[] prefix = KeyLayout.profilePrefix(TAG, profileId);
        long[] at = cursor == null ? null : parseCursor(cursor);
        byte[] to = at == null ? KeyLayout.prefixEnd(prefix) : KeyLayout.concat(prefix, at[0] + 1);
        List<ChangeRecord> items = new ArrayList<>();
        String[] next = {null};
        store.tables.scan(Table.CHANGELOG, prefix, to, true, (k, v) -> {
            long n = KeyLayout.getLong(k, k.length - 8);
            List<ChangeRecord> record = decode(profileId, k, v);
            int end = at != null && n == at[0] ? (int) Math.min(at[1], record.size()) : record.size();
            for (int i = end - 1; i >= 0; i--) {
                if (items.size() == limit) {
                    next[0] = n + ":" + (i + 1);
                    return false;
                }
                items.add(record.get(i));
            }
            if (items.size() == limit) {
                next[0] = n + ":0"; // replaced by the next older record that has entries, if any
            }
            return true;
        });
        if (next[0] != null && next[0].endsWith(":0")) {
            next[0] = null; // the scan went on past the full page and found nothing older
        }
        return new Page<>(items, next[0]);
    }

    private static long[] parseCursor(String cursor) {
        int colon = cursor.indexOf(':');
        try {
            long n = Long.parseLong(colon < 0 ? cursor : cursor.substring(0, colon));
            long i = colon < 0 ? 0 : Long.parseLong(cursor.substring(colon + 1)); // "n" (version 1): before record n
            if (n >= 1 && i >= 0) {
                return new long[] {n, i};
            }
        } catch (NumberFormatException e) {
            // falls through to the refusal below
        }
        throw new StoreException("bad_cursor", "changelog cursor \"" + cursor + "\" was not handed out by this store",
                "cursor");
    }

    /** The record's changes, oldest first; empty when its key was shredded. */
    private List<ChangeRecord> decode(String profileId, byte[] key, byte[] value) {
        int version = value.length > PACKED_HEADER ? value[0] : value.length > HEADER ? SINGLE : -1;
        byte[] plain = version == SINGLE || version == PACKED
                ? store.keyring.open(value, version == SINGLE ? HEADER : PACKED_HEADER, Keyring.aad(Table.CHANGELOG, key))
                : null;
        if (plain == Keyring.FORGOTTEN) {
            return List.of();
        }
        if (plain == null) {
            throw new StoreException("corrupt_store", "a changelog entry of profile " + profileId
                    + " fails authentication", "changelog/" + profileId);
        }
        BinaryIn in = new BinaryIn(plain);
        long headerTime = KeyLayout.getLong(value, 1);
        if (version == SINGLE) {
            return List.of(new ChangeRecord(in.readVarLong(), headerTime, in.readString(), in.readBytes(),
                    in.readBytes(), in.readString()));
        }
        int count = in.readVarInt();
        List<ChangeRecord> out = new ArrayList<>(count);
        List<String> fields = new ArrayList<>();
        long sequence = 0;
        long time = 0;
        String messageId = null;
        for (int i = 0; i < count; i++) {
            if ((in.readByte() & SAME_EVENT) == 0) {
                sequence = in.readVarLong();
                time = headerTime - in.readSignedVarLong();
                messageId = in.readString();
            }
            int ref = in.readVarInt();
            String field;
            if (ref == 0) {
                field = in.readString();
                fields.add(field);
            } else {
                field = fields.get(ref - 1);
            }
            out.add(new ChangeRecord(sequence, time, field, in.readBytes(), in.readBytes(), messageId));
        }
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
        w.batch.deleteRange(Table.CHANGELOG, prefix, KeyLayout.prefixEnd(prefix));
    }

    @Override
    public long purgeExpired(long now) {
        long cutoff = now - store.options().changelogRetention().toMillis();
        long purged = 0;
        byte[] from = null;
        while (true) {
            List<byte[]> expired = new ArrayList<>();
            List<byte[][]> straddling = new ArrayList<>();
            long[] dropped = {0};
            byte[][] resume = {null};
            int[] seen = {0};
            store.tables.scan(Table.CHANGELOG, from, null, false, (k, v) -> {
                if (v.length >= HEADER && KeyLayout.getLong(v, 1) < cutoff) {
                    expired.add(k);
                    dropped[0] += count(v);
                } else if (v.length >= PACKED_HEADER && v[0] == PACKED && oldest(v) < cutoff) {
                    straddling.add(new byte[][] {k, v});
                }
                if (++seen[0] == SCAN_CHUNK) {
                    resume[0] = KeyLayout.concat(k, new byte[] {0});
                    return false;
                }
                return true;
            });
            if (!expired.isEmpty() || !straddling.isEmpty()) {
                store.derivedLock.lock();
                try (StoreWrite w = store.newWrite()) {
                    for (byte[] k : expired) {
                        w.batch.delete(Table.CHANGELOG, k);
                    }
                    for (byte[][] kv : straddling) {
                        String profileId = profileIdOf(kv[0]);
                        List<ChangeRecord> kept = new ArrayList<>();
                        for (ChangeRecord c : decode(profileId, kv[0], kv[1])) {
                            if (c.eventTime() >= cutoff) {
                                kept.add(c);
                            }
                        }
                        dropped[0] += count(kv[1]) - kept.size();
                        if (kept.isEmpty()) {
                            w.batch.delete(Table.CHANGELOG, kv[0]); // forgotten meanwhile
                        } else {
                            seal(w, kv[0], profileId, kept);
                        }
                    }
                    w.commit(false);
                } finally {
                    store.derivedLock.unlock();
                }
                purged += dropped[0];
            }
            if (resume[0] == null) {
                return purged;
            }
            from = resume[0];
        }
    }
}
