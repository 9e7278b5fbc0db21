package dev.portrait.store;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The quarantine table:
 * <pre>
 *   'e' id[8]   →  version[1] receivedAt[8] codeLength[2] code keyId[16] AES-GCM(raw event, message, path)
 *   'n' code    →  count[8]
 * </pre>
 * The rejection code and receive time stay outside the ciphertext (codes are this program's own words;
 * times say when, not who) so counting and purging need no decryption. Everything the sender wrote —
 * the raw bytes, and the message and path, which quote the bad value — is sealed under the store's
 * quarantine key. Forgetting a person scans and decrypts the quarantine for their identifier values:
 * a rejected event may be unparseable, so there is no subject to key it by.
 */
final class StoredQuarantine implements Quarantine {
    private static final byte ENTRY = 'e';
    private static final byte COUNT = 'n';
    private static final int VERSION = 1;
    private static final int SCAN_CHUNK = 50_000;
    /**
     * Identifier values shorter than this are matched only as a quoted JSON string: "42" alone would
     * match half the quarantine.
     */
    private static final int BARE_MATCH_MIN = 4;

    private final EmbeddedStore store;

    StoredQuarantine(EmbeddedStore store) {
        this.store = store;
    }

    @Override
    public long[] addAll(List<QuarantineRecord> records) {
        if (records.isEmpty()) {
            return new long[0];
        }
        store.derivedLock.lock();
        try (StoreWrite w = store.newWrite()) {
            Staged staged = stage(w, records);
            w.commit(store.options().syncWrites());
            published(staged);
            return staged.ids();
        } finally {
            store.derivedLock.unlock();
        }
    }

    /** Ids given to records staged into a write, and the counter to publish once it is written. */
    record Staged(long[] ids, long next) {
    }

    /**
     * Puts records, their per-code counts and the id counter into {@code w}, not yet written; the
     * caller holds the derived lock until it has written {@code w} and called {@link #published}.
     */
    Staged stage(StoreWrite w, List<QuarantineRecord> records) {
        long[] ids = new long[records.size()];
        long next = store.quarantineNext;
        if (records.isEmpty()) {
            return new Staged(ids, next);
        }
        DataKey k = store.quarantineKey(w);
        Map<String, Long> deltas = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            QuarantineRecord r = records.get(i);
            if (r == null) {
                throw new IllegalArgumentException("quarantine record " + i + " of " + records.size() + " is null");
            }
            long id = next++;
            ids[i] = id;
            byte[] key = entryKey(id);
            w.batch.put(Table.QUARANTINE, key, encode(k, key, r));
            deltas.merge(r.code(), 1L, Long::sum);
        }
        applyCounts(w, deltas);
        store.putMeta(w, EmbeddedStore.META_QUARANTINE_NEXT, next);
        return new Staged(ids, next);
    }

    /** After the write that held {@code staged} has been written. */
    void published(Staged staged) {
        store.quarantineNext = staged.next();
    }

    private static byte[] encode(DataKey k, byte[] key, QuarantineRecord r) {
        byte[] code = r.code().getBytes(StandardCharsets.UTF_8);
        if (code.length > 0xFFFF) {
            throw new IllegalArgumentException("rejection code longer than 65535 bytes");
        }
        byte[] header = new byte[1 + 8 + 2 + code.length];
        header[0] = VERSION;
        KeyLayout.putLong(header, 1, r.receivedAt());
        header[9] = (byte) (code.length >>> 8);
        header[10] = (byte) code.length;
        System.arraycopy(code, 0, header, 11, code.length);
        BinaryOut out = new BinaryOut(r.rawEvent().length + r.message().length() + 32);
        out.writeBytes(r.rawEvent());
        out.writeString(r.message());
        out.writeBoolean(r.path() != null);
        if (r.path() != null) {
            out.writeString(r.path());
        }
        return Keyring.seal(k, header, out.toByteArray(), Keyring.aad(Table.QUARANTINE, key));
    }

    private static int headerLength(byte[] value) {
        return 11 + (((value[9] & 0xFF) << 8) | (value[10] & 0xFF));
    }

    private static String code(byte[] value) {
        return new String(value, 11, headerLength(value) - 11, StandardCharsets.UTF_8);
    }

    private QuarantinedEvent decode(byte[] key, byte[] value) {
        long id = KeyLayout.getLong(key, 1);
        byte[] plain = value.length > 11 && value[0] == VERSION && value.length > headerLength(value)
                ? store.keyring.open(value, headerLength(value), Keyring.aad(Table.QUARANTINE, key)) : null;
        if (plain == null || plain == Keyring.FORGOTTEN) {
            throw new StoreException("corrupt_store", "quarantined event " + id + " cannot be decrypted",
                    "quarantine/" + id);
        }
        BinaryIn in = new BinaryIn(plain);
        byte[] raw = in.readBytes();
        String message = in.readString();
        String path = in.readBoolean() ? in.readString() : null;
        return new QuarantinedEvent(id, new QuarantineRecord(raw, code(value), message, path, KeyLayout.getLong(value, 1)));
    }

    private void applyCounts(StoreWrite w, Map<String, Long> deltas) {
        for (Map.Entry<String, Long> d : deltas.entrySet()) {
            byte[] key = KeyLayout.key(COUNT, KeyLayout.utf8(d.getKey()));
            byte[] v = store.tables.get(Table.QUARANTINE, key);
            long n = (v == null ? 0 : KeyLayout.getLong(v, 0)) + d.getValue();
            if (n <= 0) {
                w.batch.delete(Table.QUARANTINE, key);
            } else {
                w.batch.put(Table.QUARANTINE, key, KeyLayout.longKey(n));
            }
        }
    }

    private static byte[] entryKey(long id) {
        byte[] k = new byte[9];
        k[0] = ENTRY;
        KeyLayout.putLong(k, 1, id);
        return k;
    }

    @Override
    public Page<QuarantinedEvent> list(String cursor, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("list at least one quarantined event, asked for " + limit);
        }
        long after = cursor == null ? 0 : parseCursor(cursor);
        List<QuarantinedEvent> items = new ArrayList<>();
        boolean[] more = {false};
        store.tables.scan(Table.QUARANTINE, entryKey(after + 1), new byte[] {ENTRY + 1}, false, (k, v) -> {
            if (items.size() == limit) {
                more[0] = true;
                return false;
            }
            items.add(decode(k, v));
            return true;
        });
        return new Page<>(items, more[0] ? Long.toString(items.get(items.size() - 1).id()) : null);
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
        throw new StoreException("bad_cursor", "quarantine cursor \"" + cursor + "\" was not handed out by this store",
                "cursor");
    }

    /** Stages the removal of the entries with these ids (those still there); the caller holds the lock and commits. */
    int stageRemove(Collection<Long> ids, StoreWrite w) {
        Map<String, Long> deltas = new HashMap<>();
        int removed = 0;
        for (Long id : new LinkedHashSet<>(ids)) {
            if (id == null || id < 1) {
                continue;
            }
            byte[] key = entryKey(id);
            byte[] v = store.tables.get(Table.QUARANTINE, key);
            if (v != null) {
                w.batch.delete(Table.QUARANTINE, key);
                deltas.merge(code(v), -1L, Long::sum);
                removed++;
            }
        }
        applyCounts(w, deltas);
        return removed;
    }

    @Override
    public int remove(Collection<Long> ids) {
        Set<Long> unique = new LinkedHashSet<>(ids);
        if (unique.isEmpty()) {
            return 0;
        }
        store.derivedLock.lock();
        try (StoreWrite w = store.newWrite()) {
            Map<String, Long> deltas = new HashMap<>();
            int removed = 0;
            for (Long id : unique) {
                if (id == null || id < 1) {
                    continue;
                }
                byte[] key = entryKey(id);
                byte[] v = store.tables.get(Table.QUARANTINE, key);
                if (v != null) {
                    w.batch.delete(Table.QUARANTINE, key);
                    deltas.merge(code(v), -1L, Long::sum);
                    removed++;
                }
            }
            if (removed > 0) {
                applyCounts(w, deltas);
                w.commit(store.options().syncWrites());
            }
            return removed;
        } finally {
            store.derivedLock.unlock();
        }
    }

    @Override
    public Map<String, Long> countByCode() {
        Map<String, Long> out = new TreeMap<>();
        store.tables.scan(Table.QUARANTINE, new byte[] {COUNT}, new byte[] {COUNT + 1}, false, (k, v) -> {
            out.put(KeyLayout.string(k, 1, k.length - 1), KeyLayout.getLong(v, 0));
            return true;
        });
        return out;
    }

    @Override
    public long count() {
        return countByCode().values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public long purgeExpired(long now) {
        long cutoff = now - store.options().quarantineRetention().toMillis();
        long purged = 0;
        long after = 0;
        while (true) {
            List<byte[]> expired = new ArrayList<>();
            List<String> codes = new ArrayList<>();
            long[] resume = {-1};
            int[] seen = {0};
            store.tables.scan(Table.QUARANTINE, entryKey(after + 1), new byte[] {ENTRY + 1}, false, (k, v) -> {
                if (KeyLayout.getLong(v, 1) < cutoff) {
                    expired.add(k);
                    codes.add(code(v));
                }
                if (++seen[0] == SCAN_CHUNK) {
                    resume[0] = KeyLayout.getLong(k, 1);
                    return false;
                }
                return true;
            });
            if (!expired.isEmpty()) {
                store.derivedLock.lock();
                try (StoreWrite w = store.newWrite()) {
                    Map<String, Long> deltas = new HashMap<>();
                    for (int i = 0; i < expired.size(); i++) {
                        // Re-check under the lock: a concurrent remove may have taken it already.
                        if (store.tables.get(Table.QUARANTINE, expired.get(i)) != null) {
                            w.batch.delete(Table.QUARANTINE, expired.get(i));
                            deltas.merge(codes.get(i), -1L, Long::sum);
                            purged++;
                        }
                    }
                    applyCounts(w, deltas);
                    w.commit(false);
                } finally {
                    store.derivedLock.unlock();
                }
            }
            if (resume[0] < 0) {
                return purged;
            }
            after = resume[0];
        }
    }

    /**
     * Stages the deletion of every quarantined event whose raw bytes, message or path mention one of
     * {@code values}; the caller holds the derived lock and commits.
     */
    int forgetMentioning(Collection<String> values, StoreWrite w) {
        return forgetMentioning(values, w, new ArrayList<>());
    }

    /** As {@link #forgetMentioning(Collection, StoreWrite)}, adding the ids it deletes to {@code removedIds}. */
    int forgetMentioning(Collection<String> values, StoreWrite w, List<Long> removedIds) {
        // Matched on normalised text (trimmed, lower-cased): "Ada@Example.com" in a quarantined event is
        // the same person as the profile's "ada@example.com".
        List<String> needles = new ArrayList<>();
        for (String v : values) {
            if (v == null || v.isBlank()) {
                continue;
            }
            String n = v.strip().toLowerCase(java.util.Locale.ROOT);
            needles.add(n.length() >= BARE_MATCH_MIN ? n : "\"" + n + "\"");
        }
        if (needles.isEmpty()) {
            return 0;
        }
        Map<String, Long> deltas = new HashMap<>();
        int[] removed = {0};
        store.tables.scan(Table.QUARANTINE, new byte[] {ENTRY}, new byte[] {ENTRY + 1}, false, (k, v) -> {
            QuarantinedEvent q = decode(k, v);
            if (mentionsAny(q, needles)) {
                w.batch.delete(Table.QUARANTINE, k);
                deltas.merge(q.code(), -1L, Long::sum);
                removedIds.add(q.id());
                removed[0]++;
            }
            return true;
        });
        applyCounts(w, deltas);
        return removed[0];
    }

    private static boolean mentionsAny(QuarantinedEvent q, List<String> needles) {
        String raw = lower(q.rawEvent());
        String message = q.message().toLowerCase(java.util.Locale.ROOT);
        String path = q.path() == null ? "" : q.path().toLowerCase(java.util.Locale.ROOT);
        for (String n : needles) {
            if (raw.contains(n) || message.contains(n) || path.contains(n)) {
                return true;
            }
        }
        return false;
    }

    /** The bytes as UTF-8 text (malformed sequences replaced), lower-cased. */
    private static String lower(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8).toLowerCase(java.util.Locale.ROOT);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
