package dev.portrait.store;

import dev.portrait.core.PortraitException;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.store.log.EventCompression;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The event log (format 2) and its dedup index, in the {@code events} and {@code dedup} tables.
 *
 * <h2>Blocks</h2>
 * One append (one ingest group) is written as blocks of up to {@value #MAX_BLOCK_RECORDS} records, one
 * RocksDB value each, keyed by the block's first sequence:
 * <pre>
 *   events:  firstSequence[8]  →  version[1]=2 crc32c[4] count(varint) runs(varint)
 *                                 receivedAt per record (zig-zag varint: the first in full, then deltas)
 *                                 run index per record (varint)
 *                                 per run: keyId[16] length(varint) AES-GCM(record, record, …)
 * </pre>
 * A <em>run</em> is every record of the block that belongs to one subject, in order; each record inside
 * is its prepared bytes ({@link EventCompression}: binary-encoded and compressed on the ingest thread)
 * with a varint length in front. A run is sealed once, under its subject's data key, with the block's
 * key and the run's index as associated data, so it cannot be moved; forgetting a subject deletes that
 * key, and its runs in every block read back as forgotten while the other runs of the same blocks read
 * as before. The key per record (8 bytes plus RocksDB's own per-entry bytes) and the key id, IV and tag
 * per record (44 bytes) of format 1 are now paid per block and per run.
 *
 * <p>The CRC32C covers every byte of the value but its own four, so a flipped bit anywhere is caught
 * before decryption and reported as {@code corrupt_log} naming the block's first sequence; a block that
 * passes its CRC but fails authentication (moved, or tampered with and re-checksummed) is too.
 *
 * <h2>Dedup</h2>
 * <pre>
 *   dedup:   'b' bucket[4] idHash[12]  →  receivedAt − bucket start (varint, ms)
 * </pre>
 * A message id is kept as a 96-bit keyed hash (HMAC-SHA256 under the store's hashing keyset, truncated)
 * in the time bucket of its receive time; buckets are a dedup window wide (the width is fixed in
 * {@code meta} when the store is made). Whether an id was seen within the window is answered exactly from
 * the receive times stored in the two buckets the window overlaps, and purging deletes whole
 * buckets with one range delete (plus the expired part of the one bucket the cut-off falls in). About 25
 * bytes per id before RocksDB's per-entry overhead, against 108 measured for format 1's two entries of the
 * full id.
 *
 * <p>Collisions: ids are hashed, not stored, so two different ids with the same 96-bit hash inside one
 * window would make the second a duplicate. The hash is a PRF keyed with a secret the sender does not
 * know, so collisions cannot be crafted, and by chance with n ids in a window and m ids received in all,
 * the odds that any new id is taken for a duplicate are at most n·m / 2^96: for a billion ids per week
 * and a trillion ids ever, 1.3 × 10^-8. That is the documented price of not storing the ids themselves.
 *
 * <p>Appends are serialised by the store's log lock: the sequence counter, the dedup check and the
 * write are one critical section, which is what makes check-and-insert atomic.
 */
final class StoredEventLog implements EventLog {
    static final int VERSION = 2;
    static final int HEADER = 1 + 4;
    static final int MAX_BLOCK_RECORDS = 2048;
    static final String META_DEDUP_BUCKET_MS = "log.dedup.bucket_ms";
    private static final int PAGE = 512;

    private final EmbeddedStore store;
    private final DedupIndex dedup;

    StoredEventLog(EmbeddedStore store, long bucketMs) {
        this.store = store;
        this.dedup = new DedupIndex(store, bucketMs);
    }

    @Override
    public long purgeDedup(long now) {
        return dedup.purge(now);
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

    /** Sequences given to records staged into a write, and what to publish once it is written. */
    record Staged(long[] sequences, long next, long maxBucket) {
    }

    /**
     * Puts records (as blocks), their dedup ids and the last-sequence meta into {@code w}, not yet
     * written; the caller holds the log lock until it has written {@code w} and called {@link #published}.
     */
    Staged stage(StoreWrite w, List<EventRecord> records, boolean dedup) {
        for (int i = 0; i < records.size(); i++) {
            EventRecord r = records.get(i);
            if (r == null) {
                throw new IllegalArgumentException("event record " + i + " of " + records.size() + " is null");
            }
            if (!EventCompression.looksPrepared(r.event())) {
                throw new IllegalArgumentException("event record " + r.messageId()
                        + " was not prepared by EventRecord.of (the log stores binary, compressed events)");
            }
        }
        long[] out = new long[records.size()];
        long next = store.lastSequence;
        long newMaxBucket = this.dedup.maxBucket();
        if (records.isEmpty()) {
            return new Staged(out, next, newMaxBucket);
        }
        byte[][] hashes = dedup ? this.dedup.hashes(records) : null;
        boolean[] seenBefore = dedup ? this.dedup.seenWithinWindow(records, hashes) : null;
        Set<String> seen = dedup ? new HashSet<>() : null;
        List<EventRecord> accepted = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            EventRecord r = records.get(i);
            if (dedup) {
                if (!seen.add(r.messageId()) || seenBefore[i]) {
                    out[i] = DUPLICATE;
                    continue;
                }
                newMaxBucket = Math.max(newMaxBucket, this.dedup.put(w, hashes[i], r.receivedAt()));
            }
            out[i] = ++next;
            accepted.add(r);
        }
        long first = store.lastSequence + 1;
        for (int from = 0; from < accepted.size(); from += MAX_BLOCK_RECORDS) {
            List<EventRecord> block = accepted.subList(from, Math.min(accepted.size(), from + MAX_BLOCK_RECORDS));
            byte[] key = KeyLayout.longKey(first + from);
            w.batch.put(Table.EVENTS, key, encodeBlock(w, key, block));
        }
        if (next != store.lastSequence) {
            store.putMeta(w, EmbeddedStore.META_LAST_SEQUENCE, next);
        }
        return new Staged(out, next, newMaxBucket);
    }

    /** After the write that held {@code staged} has been written. */
    void published(Staged staged) {
        store.lastSequence = staged.next();
        dedup.published(staged.maxBucket());
    }

    // ---- blocks

    private byte[] encodeBlock(StoreWrite w, byte[] key, List<EventRecord> block) {
        Map<String, Integer> runOf = new LinkedHashMap<>();
        List<BinaryOut> runs = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        BinaryOut out = new BinaryOut(64 + block.size() * 160);
        out.writeByte(VERSION);
        out.writeRaw(new byte[4], 0, 4); // the CRC, filled in last
        out.writeVarInt(block.size());
        int[] runIndex = new int[block.size()];
        for (int i = 0; i < block.size(); i++) {
            EventRecord r = block.get(i);
            Integer run = runOf.get(r.subject());
            if (run == null) {
                run = runs.size();
                runOf.put(r.subject(), run);
                runs.add(new BinaryOut(256));
                subjects.add(r.subject());
            }
            runIndex[i] = run;
            runs.get(run).writeBytes(r.event());
        }
        out.writeVarInt(runs.size());
        long previous = 0;
        for (EventRecord r : block) {
            out.writeSignedVarLong(r.receivedAt() - previous);
            previous = r.receivedAt();
        }
        for (int run : runIndex) {
            out.writeVarInt(run);
        }
        for (int run = 0; run < runs.size(); run++) {
            DataKey k = w.keyFor(Keyring.SUBJECT, subjects.get(run));
            byte[] sealed = Keyring.seal(k, KeyLayout.EMPTY, runs.get(run).toByteArray(), runAad(key, run));
            out.writeBytes(sealed);
        }
        byte[] value = out.toByteArray();
        int crc = crc(value);
        value[1] = (byte) (crc >>> 24);
        value[2] = (byte) (crc >>> 16);
        value[3] = (byte) (crc >>> 8);
        value[4] = (byte) crc;
        return value;
    }

    private static byte[] runAad(byte[] blockKey, int run) {
        byte[] aad = Keyring.aad(Table.EVENTS, KeyLayout.concat(blockKey, new byte[] {
            (byte) (run >>> 24), (byte) (run >>> 16), (byte) (run >>> 8), (byte) run}));
        return aad;
    }

    private static int crc(byte[] value) {
        CRC32C c = new CRC32C();
        c.update(value, 0, 1);
        c.update(value, 5, value.length - 5);
        return (int) c.getValue();
    }

    /** Every record of a block, forgotten ones flagged. */
    private List<LogEntry> decodeBlock(long first, byte[] key, byte[] value) {
        if (value.length < HEADER + 2) {
            throw corrupt(first, "is " + value.length + " bytes, shorter than any block");
        }
        int stored = ((value[1] & 0xFF) << 24) | ((value[2] & 0xFF) << 16) | ((value[3] & 0xFF) << 8) | (value[4] & 0xFF);
        int computed = crc(value);
        if (stored != computed) {
            throw corrupt(first, String.format("fails its CRC32C (stored %08x, computed %08x)", stored, computed));
        }
        if (value[0] != VERSION) {
            throw corrupt(first, "has unknown format version " + value[0]);
        }
        try {
            BinaryIn in = new BinaryIn(value, HEADER, value.length - HEADER);
            int count = in.readLength();
            int runCount = in.readLength();
            long[] receivedAt = new long[count];
            long previous = 0;
            for (int i = 0; i < count; i++) {
                previous += in.readSignedVarLong();
                receivedAt[i] = previous;
            }
            int[] runIndex = new int[count];
            for (int i = 0; i < count; i++) {
                runIndex[i] = in.readVarInt();
                if (runIndex[i] >= runCount) {
                    throw corrupt(first, "names run " + runIndex[i] + " of " + runCount);
                }
            }
            List<BinaryIn> runs = new ArrayList<>(runCount);
            for (int run = 0; run < runCount; run++) {
                int length = in.readLength();
                int at = in.position();
                in.readRaw(length);
                byte[] plain = store.keyring.open(value, at, at + length, runAad(key, run));
                if (plain == null) {
                    throw corrupt(first, "passes its CRC32C but fails AES-GCM authentication (moved or tampered with)");
                }
                runs.add(plain == Keyring.FORGOTTEN ? null : new BinaryIn(plain));
            }
            if (in.hasMore()) {
                throw corrupt(first, "has bytes after its last run");
            }
            List<LogEntry> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                BinaryIn run = runs.get(runIndex[i]);
                if (run == null) {
                    out.add(new LogEntry(first + i, receivedAt[i], null));
                    continue;
                }
                byte[] prepared = run.readBytes();
                byte[] event;
                try {
                    event = EventCompression.open(prepared, 0, prepared.length);
                } catch (IllegalArgumentException e) {
                    throw corrupt(first + i, "is sealed soundly but does not decompress: " + e.getMessage());
                }
                out.add(new LogEntry(first + i, receivedAt[i], event));
            }
            return out;
        } catch (PortraitException e) {
            if (e instanceof StoreException) {
                throw e;
            }
            throw corrupt(first, "is malformed inside: " + e.getMessage());
        }
    }

    private static StoreException corrupt(long first, String what) {
        return new StoreException("corrupt_log", "event log block at sequence " + first + " " + what,
                "events/" + first);
    }

    // ---- reads

    /** The key of the block that holds {@code sequence} (or the last block before it), or null. */
    private byte[] blockAtOrBefore(long sequence) {
        byte[][] found = {null};
        store.tables.scan(Table.EVENTS, null, KeyLayout.longKey(sequence + 1), true, (k, v) -> {
            found[0] = k;
            return false;
        });
        return found[0];
    }

    @Override
    public List<LogEntry> read(long fromSequence, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("read at least one log record, asked for " + max);
        }
        return collect(Math.max(1, fromSequence), max, false);
    }

    /**
     * Records from {@code from} on, at least {@code max} unless the log ends first; with
     * {@code wholeBlocks} the last block read is handed out to its end (a replay would only decode it again).
     */
    private List<LogEntry> collect(long from, int max, boolean wholeBlocks) {
        List<LogEntry> out = new ArrayList<>(Math.min(max, PAGE));
        byte[] start = blockAtOrBefore(from);
        store.tables.scan(Table.EVENTS, start == null ? KeyLayout.longKey(from) : start, null, false, (k, v) -> {
            for (LogEntry e : decodeBlock(KeyLayout.getLong(k, 0), k, v)) {
                if (e.sequence() >= from) {
                    if (out.size() == max && !wholeBlocks) {
                        return false;
                    }
                    out.add(e);
                }
            }
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
                    page = collect(nextToRead, PAGE, true);
                } catch (StoreException e) {
                    // Hand out the sound blocks before a damaged one, one block at a time, so a recovery
                    // gets as far as it can; the damaged block itself then fails on its own.
                    page = collect(nextToRead, 1, true);
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
