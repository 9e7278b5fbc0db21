package dev.portrait.store;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One RocksDB instance with a column family per {@link Table}, so one {@link WriteBatch} spans them
 * atomically (they share one write-ahead log).
 *
 * <p>Options that matter for Portrait's promises:
 * <ul>
 *   <li>{@code WAL_ttl_seconds = 0} and {@code WAL_size_limit_MB = 0}: obsolete write-ahead logs are
 *       deleted, never archived, and {@code recycle_log_file_num = 0}: never reused in place. A
 *       forgotten person's deletes and the data they deleted must not survive in an old WAL.</li>
 *   <li>{@code max_total_wal_size} bounded, so a rarely written column family is flushed and a WAL does
 *       not stay alive (holding old values) because of it.</li>
 *   <li>Point-in-time WAL recovery: after a crash the database is a prefix of the writes, so a
 *       write-back is never visible without the appends before it.</li>
 *   <li>No compression: values are ciphertext and would not shrink.</li>
 *   <li>Bounded native memory ({@link StoreMemory}): one LRU block cache holds data, index and filter
 *       blocks, and one write-buffer manager charges every column family's memtables to that cache, so
 *       RocksDB's cached and buffered bytes stay under the cache's capacity however many families and
 *       files there are.</li>
 * </ul>
 * A read-write lock keeps {@link #close()} from freeing native handles under a running read.
 */
final class RocksTables implements Tables {
    private static final long MAX_TOTAL_WAL_BYTES = 64L << 20;

    private final Path dir;
    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final LRUCache cache;
    private final WriteBufferManager writeBuffers;
    private final long cacheCapacity;
    private final BloomFilter bloom;
    private final Map<Table, ColumnFamilyHandle> handles = new EnumMap<>(Table.class);
    private final List<ColumnFamilyHandle> allHandles = new ArrayList<>();
    private final WriteOptions syncWrite = new WriteOptions().setSync(true);
    private final WriteOptions plainWrite = new WriteOptions();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    static {
        RocksDB.loadLibrary();
    }

    private RocksTables(Path dir, RocksDB db, DBOptions dbOptions, ColumnFamilyOptions cfOptions, LRUCache cache,
                        WriteBufferManager writeBuffers, long cacheCapacity, BloomFilter bloom,
                        List<ColumnFamilyHandle> opened) {
        this.dir = dir;
        this.db = db;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.cache = cache;
        this.writeBuffers = writeBuffers;
        this.cacheCapacity = cacheCapacity;
        this.bloom = bloom;
        this.allHandles.addAll(opened);
        for (Table t : Table.values()) {
            handles.put(t, opened.get(t.ordinal() + 1));
        }
    }

    static RocksTables open(Path dir) {
        return open(dir, StoreMemory.defaults());
    }

    static RocksTables open(Path dir, StoreMemory memory) {
        LRUCache cache = new LRUCache(memory.blockCacheBytes());
        // memtables count against the cache: when they grow, cached blocks are evicted, not added to
        WriteBufferManager writeBuffers = new WriteBufferManager(memory.memtableBytes(), cache);
        BloomFilter bloom = new BloomFilter(10, false);
        DBOptions dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setWalTtlSeconds(0)
                .setWalSizeLimitMB(0)
                .setRecycleLogFileNum(0)
                .setMaxTotalWalSize(MAX_TOTAL_WAL_BYTES)
                .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
                .setKeepLogFileNum(2)
                .setMaxBackgroundJobs(2)
                .setWriteBufferManager(writeBuffers);
        // one family's memtable never exceeds a quarter of the shared budget (RocksDB's 64 MB default would
        // let a dozen families claim 1.5 GB between them before the manager's flushes catch up)
        long familyBuffer = Math.max(StoreMemory.MIN_MEMTABLE_BYTES, Math.min(64L << 20, memory.memtableBytes() / 4));
        ColumnFamilyOptions cfOptions = new ColumnFamilyOptions()
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setWriteBufferSize(familyBuffer)
                .setMaxWriteBufferNumber(2)
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(cache)
                        .setFilterPolicy(bloom)
                        // index and filter blocks in the cache too: otherwise each open file keeps its
                        // own outside any bound, growing with the store
                        .setCacheIndexAndFilterBlocks(true)
                        .setCacheIndexAndFilterBlocksWithHighPriority(true)
                        .setPinL0FilterAndIndexBlocksInCache(true));
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        for (Table t : Table.values()) {
            descriptors.add(new ColumnFamilyDescriptor(t.cfNameBytes, cfOptions));
        }
        List<ColumnFamilyHandle> opened = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, opened);
            return new RocksTables(dir, db, dbOptions, cfOptions, cache, writeBuffers, memory.blockCacheBytes(), bloom,
                    opened);
        } catch (RocksDBException e) {
            dbOptions.close();
            cfOptions.close();
            writeBuffers.close();
            cache.close();
            bloom.close();
            String m = String.valueOf(e.getMessage());
            if (m.contains("lock")) {
                throw new StoreException("store_locked", "the data directory " + dir + " is in use by another store: "
                        + m, dir.toString(), e);
            }
            if (m.contains("Column famil")) {
                throw new StoreException("store_format", "the data directory " + dir + " has column families this "
                        + "version does not know: " + m, dir.toString(), e);
            }
            throw new StoreException("store_io", "cannot open RocksDB in " + dir + ": " + m, dir.toString(), e);
        } catch (java.io.IOException e) {
            throw new StoreException("store_io", "cannot create " + dir + ": " + e.getMessage(), dir.toString(), e);
        }
    }

    @Override
    public byte[] get(Table table, byte[] key) {
        lock.readLock().lock();
        try {
            checkOpen();
            return db.get(handles.get(table), key);
        } catch (RocksDBException e) {
            throw io("read " + table.cfName, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<byte[]> getAll(Table table, List<byte[]> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        lock.readLock().lock();
        try {
            checkOpen();
            List<ColumnFamilyHandle> cfs = new ArrayList<>(keys.size());
            ColumnFamilyHandle h = handles.get(table);
            for (int i = 0; i < keys.size(); i++) {
                cfs.add(h);
            }
            return db.multiGetAsList(cfs, keys);
        } catch (RocksDBException e) {
            throw io("read " + table.cfName, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void scan(Table table, byte[] from, byte[] to, boolean reverse, Visitor visitor) {
        lock.readLock().lock();
        try (ReadOptions ro = new ReadOptions();
             Slice lower = from == null ? null : new Slice(from);
             Slice upper = to == null ? null : new Slice(to)) {
            checkOpen();
            if (lower != null) {
                ro.setIterateLowerBound(lower);
            }
            if (upper != null) {
                ro.setIterateUpperBound(upper);
            }
            try (RocksIterator it = db.newIterator(handles.get(table), ro)) {
                if (reverse) {
                    it.seekToLast();
                } else {
                    it.seekToFirst();
                }
                while (it.isValid()) {
                    if (!visitor.visit(it.key(), it.value())) {
                        return;
                    }
                    if (reverse) {
                        it.prev();
                    } else {
                        it.next();
                    }
                }
                it.status();
            }
        } catch (RocksDBException e) {
            throw io("scan " + table.cfName, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Batch batch() {
        return new RocksBatch();
    }

    @Override
    public void write(Batch batch, boolean sync) {
        lock.readLock().lock();
        try {
            checkOpen();
            db.write(sync ? syncWrite : plainWrite, ((RocksBatch) batch).batch);
        } catch (RocksDBException e) {
            throw io("write", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public StoreFigures figures() {
        lock.readLock().lock();
        try {
            checkOpen();
            Map<String, StoreFigures.TableFigures> tables = new java.util.LinkedHashMap<>();
            for (Table t : Table.values()) {
                ColumnFamilyHandle h = handles.get(t);
                tables.put(t.cfName, new StoreFigures.TableFigures(
                        db.getLongProperty(h, "rocksdb.estimate-num-keys"),
                        db.getLongProperty(h, "rocksdb.total-sst-files-size"),
                        db.getLongProperty(h, "rocksdb.cur-size-all-mem-tables"),
                        db.getLongProperty(h, "rocksdb.estimate-pending-compaction-bytes")));
            }
            return new StoreFigures(tables, cache.getUsage(), cache.getPinnedUsage(), cacheCapacity,
                    db.getLongProperty("rocksdb.background-errors"));
        } catch (RocksDBException e) {
            throw io("read its properties", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void checkpoint(Path target) {
        lock.readLock().lock();
        try (org.rocksdb.Checkpoint checkpoint = org.rocksdb.Checkpoint.create(db)) {
            checkOpen();
            checkpoint.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw io("checkpoint into " + target, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void compact() {
        lock.readLock().lock();
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true);
             CompactRangeOptions range = new CompactRangeOptions()
                     .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForce)
                     .setExclusiveManualCompaction(true)) {
            checkOpen();
            // Flushing every family together lets every write-ahead log written so far become obsolete;
            // RocksDB deletes obsolete logs when the flush completes (no archive: TTL and size limit are 0).
            db.flush(flush, allHandles);
            for (ColumnFamilyHandle h : allHandles) {
                db.compactRange(h, null, null, range);
            }
        } catch (RocksDBException e) {
            throw io("compact", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (ColumnFamilyHandle h : allHandles) {
                h.close();
            }
            db.close();
            syncWrite.close();
            plainWrite.close();
            cfOptions.close();
            dbOptions.close();
            writeBuffers.close();
            cache.close();
            bloom.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("store_closed", "the store in " + dir + " was closed", dir.toString());
        }
    }

    private StoreException io(String what, RocksDBException e) {
        return new StoreException("store_io", "RocksDB failed to " + what + " in " + dir + ": " + e.getMessage(),
                dir.toString(), e);
    }

    private final class RocksBatch implements Batch {
        final WriteBatch batch = new WriteBatch();

        @Override
        public void put(Table table, byte[] key, byte[] value) {
            try {
                batch.put(handles.get(table), key, value);
            } catch (RocksDBException e) {
                throw io("stage a put in " + table.cfName, e);
            }
        }

        @Override
        public void delete(Table table, byte[] key) {
            try {
                batch.delete(handles.get(table), key);
            } catch (RocksDBException e) {
                throw io("stage a delete in " + table.cfName, e);
            }
        }

        @Override
        public void deleteRange(Table table, byte[] from, byte[] to) {
            try {
                batch.deleteRange(handles.get(table), from, to);
            } catch (RocksDBException e) {
                throw io("stage a range delete in " + table.cfName, e);
            }
        }

        @Override
        public int size() {
            return batch.count();
        }

        @Override
        public void close() {
            batch.close();
        }
    }
}
