package dev.portrait.store;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The event log's dedup index (see {@link StoredEventLog} for the layout and the collision odds): each
 * accepted message id as a 96-bit keyed hash in the window-wide time bucket of its receive time, its
 * receive time as the offset into the bucket. Callers hold the store's log lock for look-ups and puts,
 * so check-and-insert is atomic with the append.
 */
final class DedupIndex {
    private static final byte DEDUP_BUCKET = 'b';
    private static final int DEDUP_HASH_BYTES = 12;
    /** More buckets than a window overlaps are looked at only for receive times that went backwards. */
    private static final int MAX_BUCKETS_CHECKED = 8;
    private static final int PURGE_CHUNK = 10_000;

    private final EmbeddedStore store;
    private final long bucketMs;
    /** The highest bucket written, so a receive time earlier than an id's last sighting still finds it. */
    private volatile long maxBucket;

    DedupIndex(EmbeddedStore store, long bucketMs) {
        this.store = store;
        this.bucketMs = bucketMs;
        long[] max = {Long.MIN_VALUE};
        store.tables.scan(Table.DEDUP, new byte[] {DEDUP_BUCKET}, new byte[] {DEDUP_BUCKET + 1}, true, (k, v) -> {
            max[0] = bucketOf(k);
            return false;
        });
        this.maxBucket = max[0];
    }

    long maxBucket() {
        return maxBucket;
    }

    /** After the write that held ids up to bucket {@code max} has been written. */
    void published(long max) {
        maxBucket = max;
    }

    /** Stages one accepted id into {@code w}; returns its bucket. */
    long put(StoreWrite w, byte[] hash, long receivedAt) {
        long bucket = Math.floorDiv(receivedAt, bucketMs);
        BinaryOut v = new BinaryOut(5);
        v.writeVarLong(receivedAt - bucket * bucketMs);
        w.batch.put(Table.DEDUP, dedupKey(bucket, hash), v.toByteArray());
        return bucket;
    }

    byte[][] hashes(List<EventRecord> records) {
        byte[][] out = new byte[records.size()][];
        for (int i = 0; i < out.length; i++) {
            byte[] id = records.get(i).messageId().getBytes(StandardCharsets.UTF_8);
            byte[] input = new byte[id.length + 1];
            input[0] = 'd'; // a domain of its own: never equal to an owner-key hash input
            System.arraycopy(id, 0, input, 1, id.length);
            out[i] = java.util.Arrays.copyOf(store.keyring.hash(input), DEDUP_HASH_BYTES);
        }
        return out;
    }

    /** Per record, whether its id was recorded within the window before its receive time (or after it). */
    boolean[] seenWithinWindow(List<EventRecord> records, byte[][] hashes) {
        long windowMs = store.options().dedupWindow().toMillis();
        List<byte[]> keys = new ArrayList<>();
        int[] firstKey = new int[records.size() + 1];
        long[] lowBucket = new long[records.size()];
        for (int i = 0; i < records.size(); i++) {
            long t = records.get(i).receivedAt();
            long low = Math.floorDiv(t - windowMs + 1, bucketMs);
            long high = Math.min(low + MAX_BUCKETS_CHECKED - 1, Math.max(Math.floorDiv(t, bucketMs), maxBucket));
            firstKey[i] = keys.size();
            lowBucket[i] = low;
            for (long b = low; b <= high; b++) {
                keys.add(dedupKey(b, hashes[i]));
            }
        }
        firstKey[records.size()] = keys.size();
        List<byte[]> found = store.tables.getAll(Table.DEDUP, keys);
        boolean[] out = new boolean[records.size()];
        for (int i = 0; i < records.size(); i++) {
            long t = records.get(i).receivedAt();
            for (int k = firstKey[i]; k < firstKey[i + 1] && !out[i]; k++) {
                byte[] v = found.get(k);
                if (v != null) {
                    long bucket = lowBucket[i] + (k - firstKey[i]);
                    long seenAt = bucket * bucketMs + new BinaryIn(v).readVarLong();
                    out[i] = t - seenAt < windowMs;
                }
            }
        }
        return out;
    }

    private static byte[] dedupKey(long bucket, byte[] hash) {
        byte[] k = new byte[1 + 4 + DEDUP_HASH_BYTES];
        k[0] = DEDUP_BUCKET;
        putBucket(k, bucket);
        System.arraycopy(hash, 0, k, 5, DEDUP_HASH_BYTES);
        return k;
    }

    /** A signed bucket number in four bytes that sort numerically (sign bit flipped). */
    private static void putBucket(byte[] k, long bucket) {
        int b = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, bucket)) ^ Integer.MIN_VALUE;
        k[1] = (byte) (b >>> 24);
        k[2] = (byte) (b >>> 16);
        k[3] = (byte) (b >>> 8);
        k[4] = (byte) b;
    }

    private static long bucketOf(byte[] k) {
        int b = ((k[1] & 0xFF) << 24) | ((k[2] & 0xFF) << 16) | ((k[3] & 0xFF) << 8) | (k[4] & 0xFF);
        return b ^ Integer.MIN_VALUE;
    }

    private static byte[] bucketStart(long bucket) {
        byte[] k = new byte[5];
        k[0] = DEDUP_BUCKET;
        putBucket(k, bucket);
        return k;
    }

    /** Deletes ids last seen at or before {@code now} minus the window; how many. */
    long purge(long now) {
        long cutoff = now - store.options().dedupWindow().toMillis();
        // Buckets that end at or before the cut-off go whole; the one it falls inside, entry by entry.
        long partial = Math.floorDiv(cutoff, bucketMs);
        boolean partialIsWhole = (partial + 1) * bucketMs - 1 <= cutoff;
        long firstKept = partialIsWhole ? partial + 1 : partial;
        byte[] from = new byte[] {DEDUP_BUCKET};
        byte[] wholeEnd = bucketStart(firstKept);
        long[] whole = {0};
        store.tables.scan(Table.DEDUP, from, wholeEnd, false, (k, v) -> {
            whole[0]++;
            return true;
        });
        long purged = whole[0];
        if (purged > 0) {
            store.logLock.lock();
            try (StoreWrite w = store.newWrite()) {
                w.batch.deleteRange(Table.DEDUP, from, wholeEnd);
                w.commit(false);
            } finally {
                store.logLock.unlock();
            }
        }
        if (!partialIsWhole) {
            purged += purgeInside(partial, cutoff);
        }
        return purged;
    }

    private long purgeInside(long bucket, long cutoff) {
        byte[] start = bucketStart(bucket);
        byte[] end = bucketStart(bucket + 1);
        long startMs = bucket * bucketMs;
        long purged = 0;
        byte[][] resume = {start};
        while (true) {
            store.logLock.lock();
            try (StoreWrite w = store.newWrite()) {
                List<byte[]> expired = new ArrayList<>();
                byte[][] last = {null};
                int[] visited = {0};
                store.tables.scan(Table.DEDUP, resume[0], end, false, (k, v) -> {
                    visited[0]++;
                    last[0] = k;
                    if (startMs + new BinaryIn(v).readVarLong() <= cutoff) {
                        expired.add(k);
                    }
                    return visited[0] < PURGE_CHUNK;
                });
                for (byte[] k : expired) {
                    w.batch.delete(Table.DEDUP, k);
                }
                if (!expired.isEmpty()) {
                    w.commit(false);
                }
                purged += expired.size();
                if (visited[0] < PURGE_CHUNK) {
                    return purged;
                }
                resume[0] = KeyLayout.concat(last[0], new byte[] {0});
            } finally {
                store.logLock.unlock();
            }
        }
    }
}
