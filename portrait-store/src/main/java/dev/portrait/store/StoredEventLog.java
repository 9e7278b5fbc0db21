package dev.portrait.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The event log and its dedup index, in the {@code events} and {@code dedup} tables.
 *
 * <pre>
 *   events:  sequence[8, big-endian]  →  version[1] crc32c[4] receivedAt[8] keyId[16] AES-GCM(event)
 *   dedup:   'm' messageId            →  receivedAt[8] sequence[8]
 *            't' receivedAt[8] messageId  →  (empty)      the purge order
 * </pre>
 * The CRC32C covers every byte but its own four, so a flipped bit anywhere in a record is caught before
 * decryption and reported as {@code corrupt_log} with the record's sequence; a record that passes its
 * CRC but fails AES-GCM authentication (moved, or tampered with and re-checksummed) is also
 * {@code corrupt_log}. A record whose key id no longer exists was forgotten. The ciphertext's
 * associated data is the table and the sequence, so a record cannot be moved to another position.
 *
 * <p>Appends are serialised by the store's log lock: the sequence counter, the dedup check and the
 * write are one critical section, which is what makes check-and-insert atomic.
 */
final class StoredEventLog implements EventLog {
    private static final int VERSION = 1;
    static final int HEADER = 1 + 4 + 8;
    private static final byte DEDUP_ID = 'm';
    private static final byte DEDUP_TIME = 't';
    private static final int PAGE = 512;
    private static final int PURGE_CHUNK = 10_000;

    private final EmbeddedStore store;

    StoredEventLog(EmbeddedStore store) {
        this.store = store;
    }

    @Override
    public long[] append(List<EventRecord> records) {
        return write(records, false);
    }

    @Override
    public long[] appendIfNew(List<EventRecord> records) {
        return write(records, true);
    }

    private long[] write(List<EventRecord> records, boolean dedup) {
        if (records.isEmpty()) {
            return new long[0];
        }
        store.logLock.lock();
        try (StoreWrite w = store.newWrite()) {
            Staged staged = stage(w, records, dedup);
            if (staged.next() != store.lastSequence) {
                w.commit(store.options().syncWrites());
                published(staged);
            }
            return staged.sequences();
        } finally {
            store.logLock.unlock();
        }
    }

    /** Sequences given to records staged into a write, and the last one, to publish once it is written. */
    record Staged(long[] sequences, long next) {
    }

    /**
     * Puts records, their dedup ids and the last-sequence meta into {@code w}, not yet written; the
     * caller holds the log lock until it has written {@code w} and called {@link #published}.
     */
    Staged stage(StoreWrite w, List<EventRecord> records, boolean dedup) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) == null) {
                throw new IllegalArgumentException("event record " + i + " of " + records.size() + " is null");
            }
        }
        long[] out = new long[records.size()];
        long next = store.lastSequence;
        if (records.isEmpty()) {
            return new Staged(out, next);
        }
        List<byte[]> existing = dedup ? existingIds(records) : null;
        Set<String> seen = dedup ? new HashSet<>() : null;
        long windowMs = store.options().dedupWindow().toMillis();
        for (int i = 0; i < records.size(); i++) {
            EventRecord r = records.get(i);
            if (dedup) {
                if (!seen.add(r.messageId())) {
                    out[i] = DUPLICATE;
                    continue;
                }
                byte[] previous = existing.get(i);
                if (previous != null) {
                    long seenAt = KeyLayout.getLong(previous, 0);
                    if (r.receivedAt() - seenAt < windowMs) {
                        out[i] = DUPLICATE;
                        continue;
                    }
                    // Seen before the window: new again; its old purge entry goes.
                    w.batch.delete(Table.DEDUP, timeKey(seenAt, r.messageId()));
                }
            }
            long sequence = ++next;
            out[i] = sequence;
            byte[] key = KeyLayout.longKey(sequence);
            w.batch.put(Table.EVENTS, key, encode(w, key, r));
            if (dedup) {
                byte[] v = new byte[16];
                KeyLayout.putLong(v, 0, r.receivedAt());
                KeyLayout.putLong(v, 8, sequence);
                w.batch.put(Table.DEDUP, idKey(r.messageId()), v);
                w.batch.put(Table.DEDUP, timeKey(r.receivedAt(), r.messageId()), KeyLayout.EMPTY);
            }
        }
        if (next != store.lastSequence) {
            store.putMeta(w, EmbeddedStore.META_LAST_SEQUENCE, next);
        }
        return new Staged(out, next);
    }

    /** After the write that held {@code staged} has been written. */
    void published(Staged staged) {
        store.lastSequence = staged.next();
    }

    private List<byte[]> existingIds(List<EventRecord> records) {
        List<byte[]> keys = new ArrayList<>(records.size());
        for (EventRecord r : records) {
            keys.add(idKey(r.messageId()));
        }
        return store.tables.getAll(Table.DEDUP, keys);
    }

    private byte[] encode(StoreWrite w, byte[] key, EventRecord r) {
        DataKey k = w.keyFor(Keyring.SUBJECT, r.subject());
        byte[] header = new byte[HEADER];
        header[0] = VERSION;
        KeyLayout.putLong(header, 5, r.receivedAt());
        byte[] value = Keyring.seal(k, header, r.event(), Keyring.aad(Table.EVENTS, key));
        int crc = crc(value);
        value[1] = (byte) (crc >>> 24);
        value[2] = (byte) (crc >>> 16);
        value[3] = (byte) (crc >>> 8);
        value[4] = (byte) crc;
        return value;
    }

    private static int crc(byte[] value) {
        CRC32C c = new CRC32C();
        c.update(value, 0, 1);
        c.update(value, 5, value.length - 5);
        return (int) c.getValue();
    }

    private LogEntry decode(long sequence, byte[] key, byte[] value) {
        if (value.length < HEADER + DataKey.ID_BYTES) {
            throw corrupt(sequence, "is " + value.length + " bytes, shorter than any record");
        }
        int stored = ((value[1] & 0xFF) << 24) | ((value[2] & 0xFF) << 16) | ((value[3] & 0xFF) << 8) | (value[4] & 0xFF);
        int computed = crc(value);
        if (stored != computed) {
            throw corrupt(sequence, String.format("fails its CRC32C (stored %08x, computed %08x)", stored, computed));
        }
        if (value[0] != VERSION) {
            throw corrupt(sequence, "has unknown format version " + value[0]);
        }
        long receivedAt = KeyLayout.getLong(value, 5);
        byte[] event = store.keyring.open(value, HEADER, Keyring.aad(Table.EVENTS, key));
        if (event == Keyring.FORGOTTEN) {
            return new LogEntry(sequence, receivedAt, null);
        }
        if (event == null) {
            throw corrupt(sequence, "passes its CRC32C but fails AES-GCM authentication (moved or tampered with)");
        }
        return new LogEntry(sequence, receivedAt, event);
    }

    private static StoreException corrupt(long sequence, String what) {
        return new StoreException("corrupt_log", "event log record " + sequence + " " + what, "events/" + sequence);
    }

    @Override
    public List<LogEntry> read(long fromSequence, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("read at least one log record, asked for " + max);
        }
        List<LogEntry> out = new ArrayList<>(Math.min(max, PAGE));
        store.tables.scan(Table.EVENTS, KeyLayout.longKey(Math.max(1, fromSequence)), null, false, (k, v) -> {
            out.add(decode(KeyLayout.getLong(k, 0), k, v));
            return out.size() < max;
        });
        return out;
    }

    @Override
    public LogCursor replay(long fromSequence) {
        return new Replay(Math.max(1, fromSequence));
    }

    @Override
    public long lastSequence() {
        return store.lastSequence;
    }

    @Override
    public long purgeDedup(long now) {
        long cutoff = now - store.options().dedupWindow().toMillis();
        byte[] from = new byte[] {DEDUP_TIME};
        byte[] to = timeKey(cutoff + 1, "");
        long purged = 0;
        while (true) {
            store.logLock.lock();
            try (StoreWrite w = store.newWrite()) {
                List<byte[]> timeKeys = new ArrayList<>();
                store.tables.scan(Table.DEDUP, from, to, false, (k, v) -> {
                    timeKeys.add(k);
                    return timeKeys.size() < PURGE_CHUNK;
                });
                if (timeKeys.isEmpty()) {
                    return purged;
                }
                List<byte[]> idKeys = new ArrayList<>(timeKeys.size());
                for (byte[] tk : timeKeys) {
                    idKeys.add(KeyLayout.key(DEDUP_ID, java.util.Arrays.copyOfRange(tk, 9, tk.length)));
                }
                List<byte[]> ids = store.tables.getAll(Table.DEDUP, idKeys);
                for (int i = 0; i < timeKeys.size(); i++) {
                    w.batch.delete(Table.DEDUP, timeKeys.get(i));
                    byte[] v = ids.get(i);
                    // The id entry goes only if it still belongs to this sighting.
                    if (v != null && KeyLayout.getLong(v, 0) == KeyLayout.getTime(timeKeys.get(i), 1)) {
                        w.batch.delete(Table.DEDUP, idKeys.get(i));
                        purged++;
                    }
                }
                w.commit(false);
                if (timeKeys.size() < PURGE_CHUNK) {
                    return purged;
                }
            } finally {
                store.logLock.unlock();
            }
        }
    }

    private static byte[] idKey(String messageId) {
        return KeyLayout.key(DEDUP_ID, KeyLayout.utf8(messageId));
    }

    private static byte[] timeKey(long receivedAt, String messageId) {
        byte[] id = KeyLayout.utf8(messageId);
        byte[] k = new byte[9 + id.length];
        k[0] = DEDUP_TIME;
        KeyLayout.putTime(k, 1, receivedAt);
        System.arraycopy(id, 0, k, 9, id.length);
        return k;
    }

    private final class Replay implements LogCursor {
        private final ArrayDeque<LogEntry> buffer = new ArrayDeque<>();
        private long nextToRead;
        private long position;
        private long forgotten;
        private boolean exhausted;

        Replay(long from) {
            this.nextToRead = from;
            this.position = from - 1;
        }

        @Override
        public boolean hasNext() {
            while (true) {
                while (!buffer.isEmpty() && buffer.peekFirst().forgotten()) {
                    position = buffer.pollFirst().sequence();
                    forgotten++;
                }
                if (!buffer.isEmpty()) {
                    return true;
                }
                if (exhausted) {
                    return false;
                }
                List<LogEntry> page;
                try {
                    page = read(nextToRead, PAGE);
                } catch (StoreException e) {
                    // Hand out the sound records before a damaged one, one at a time, so a recovery gets as
                    // far as it can; the damaged record itself then fails on its own.
                    page = read(nextToRead, 1);
                }
                if (page.isEmpty()) {
                    exhausted = true;
                    return false;
                }
                buffer.addAll(page);
                nextToRead = page.get(page.size() - 1).sequence() + 1;
            }
        }

        @Override
        public LogEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the log has no record after " + position);
            }
            LogEntry e = buffer.pollFirst();
            position = e.sequence();
            return e;
        }

        @Override
        public long forgotten() {
            return forgotten;
        }

        @Override
        public long position() {
            return position;
        }
    }
}
