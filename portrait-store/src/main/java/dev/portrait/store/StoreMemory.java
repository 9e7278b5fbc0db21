package dev.portrait.store;

/**
 * How much native memory RocksDB may take, outside the Java heap.
 *
 * <p>RocksDB's memory is mostly the block cache (data, index and filter blocks read from disk) and the
 * memtables (writes not yet flushed). Left alone, each column family gets its own memtables (64 MB each,
 * up to two per family, a dozen families) and the index and filter blocks of every open file stay on the
 * heap of the C++ side outside any cache: that is how a server reached gigabytes of RSS at a million
 * profiles. Here one LRU cache bounds all of it: index and filter blocks live in the cache, and the
 * memtables of every column family are charged to the same cache through one shared write-buffer manager,
 * so {@code blockCacheBytes} is the bound of RocksDB's cached and buffered data together. What stays
 * outside it is small (open-file handles, iterators, the allocator's own slack).
 *
 * @param blockCacheBytes the one cache's capacity; memtables are charged to it
 * @param memtableBytes   the most the memtables of all column families hold together before RocksDB flushes
 *                        the largest; must be below {@code blockCacheBytes}, so reads keep some cache
 */
public record StoreMemory(long blockCacheBytes, long memtableBytes) {
    /** Below this the cache thrashes on the dedup and profile lookups of a single group. */
    public static final long MIN_BLOCK_CACHE_BYTES = 16L << 20;
    /** Below this RocksDB flushes tiny files all the time. */
    public static final long MIN_MEMTABLE_BYTES = 4L << 20;

    public StoreMemory {
        if (blockCacheBytes < MIN_BLOCK_CACHE_BYTES) {
            throw new IllegalArgumentException("the block cache must be at least " + MIN_BLOCK_CACHE_BYTES
                    + " bytes, got " + blockCacheBytes);
        }
        if (memtableBytes < MIN_MEMTABLE_BYTES) {
            throw new IllegalArgumentException("memtables must be at least " + MIN_MEMTABLE_BYTES
                    + " bytes, got " + memtableBytes);
        }
        if (memtableBytes >= blockCacheBytes) {
            throw new IllegalArgumentException("memtables (" + memtableBytes + " bytes) are charged to the block cache "
                    + "and must be smaller than it (" + blockCacheBytes + " bytes)");
        }
    }

    /** A quarter of {@code bytes} for memtables, all of it the cache's capacity. */
    public static StoreMemory of(long bytes) {
        return new StoreMemory(bytes, bytes / 4);
    }

    /** 512 MB, of which up to 128 MB of memtables: the RocksDB part of the default 2 GB budget. */
    public static StoreMemory defaults() {
        return of(512L << 20);
    }
}
