package dev.portrait.store;

import java.util.Map;
import java.util.Objects;

/**
 * What the storage engine says about itself, for an operator's dashboard: read on demand, never
 * stored, estimates wherever the engine estimates. RocksDB's names for each figure are given so an
 * operator can look them up; the in-memory store reports its maps' sizes and zeros for what it lacks.
 *
 * @param tables                 per table, by its column family name ({@code events}, {@code profiles}, …)
 * @param blockCacheBytes        bytes in the block cache the tables share
 * @param blockCachePinnedBytes  of those, bytes pinned by readers (cannot be evicted)
 * @param blockCacheCapacityBytes the block cache's capacity
 * @param backgroundErrors       errors in background flushes and compactions since the store opened
 *                               ({@code rocksdb.background-errors}); above zero, writes may be stopped
 */
public record StoreFigures(Map<String, TableFigures> tables, long blockCacheBytes, long blockCachePinnedBytes,
                           long blockCacheCapacityBytes, long backgroundErrors) {
    public StoreFigures {
        tables = Map.copyOf(Objects.requireNonNull(tables, "tables"));
    }

    /**
     * One table's figures.
     *
     * @param estimatedKeys          {@code rocksdb.estimate-num-keys}: live keys, estimated (deletes not yet
     *                               compacted away can make it high)
     * @param sstFileBytes           {@code rocksdb.total-sst-files-size}: bytes of the table's files on disk
     * @param memtableBytes          {@code rocksdb.cur-size-all-mem-tables}: bytes in memory not yet flushed
     * @param pendingCompactionBytes {@code rocksdb.estimate-pending-compaction-bytes}: bytes compaction
     *                               still has to rewrite; a steady climb means writes outpace it
     */
    public record TableFigures(long estimatedKeys, long sstFileBytes, long memtableBytes, long pendingCompactionBytes) {
    }
}
