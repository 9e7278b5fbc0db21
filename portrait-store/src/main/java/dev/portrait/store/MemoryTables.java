package dev.portrait.store;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Sorted in-memory maps with RocksDB's key order (unsigned bytewise). A read-write lock makes each
 * batch atomic to readers as well as writers, as a RocksDB write batch is.
 */
final class MemoryTables implements Tables {
    private final Map<Table, ConcurrentSkipListMap<byte[], byte[]>> maps = new EnumMap<>(Table.class);
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;

    MemoryTables() {
        for (Table t : Table.values()) {
            maps.put(t, new ConcurrentSkipListMap<>(KeyLayout::compare));
        }
    }

    @Override
    public byte[] get(Table table, byte[] key) {
        lock.readLock().lock();
        try {
            checkOpen();
            byte[] v = maps.get(table).get(key);
            return v == null ? null : v.clone();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<byte[]> getAll(Table table, List<byte[]> keys) {
        lock.readLock().lock();
        try {
            checkOpen();
            List<byte[]> out = new ArrayList<>(keys.size());
            for (byte[] k : keys) {
                byte[] v = maps.get(table).get(k);
                out.add(v == null ? null : v.clone());
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void scan(Table table, byte[] from, byte[] to, boolean reverse, Visitor visitor) {
        lock.readLock().lock();
        try {
            checkOpen();
            NavigableMap<byte[], byte[]> m = maps.get(table);
            if (from != null && to != null) {
                m = m.subMap(from, true, to, false);
            } else if (from != null) {
                m = m.tailMap(from, true);
            } else if (to != null) {
                m = m.headMap(to, false);
            }
            if (reverse) {
                m = m.descendingMap();
            }
            for (Map.Entry<byte[], byte[]> e : m.entrySet()) {
                if (!visitor.visit(e.getKey().clone(), e.getValue().clone())) {
                    return;
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Batch batch() {
        return new MemoryBatch();
    }

    @Override
    public void write(Batch batch, boolean sync) {
        MemoryBatch b = (MemoryBatch) batch;
        lock.writeLock().lock();
        try {
            checkOpen();
            for (Op op : b.ops) {
                ConcurrentSkipListMap<byte[], byte[]> m = maps.get(op.table);
                if (op.to != null) {
                    m.subMap(op.key, true, op.to, false).clear();
                } else if (op.value == null) {
                    m.remove(op.key);
                } else {
                    m.put(op.key, op.value);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Each map's key count and zeros for what only a disk engine has. Counting walks the maps, which
     * is fine for the store tests and tools use; a server runs on RocksDB.
     */
    @Override
    public StoreFigures figures() {
        lock.readLock().lock();
        try {
            checkOpen();
            Map<String, StoreFigures.TableFigures> tables = new java.util.LinkedHashMap<>();
            maps.forEach((t, m) -> tables.put(t.cfName, new StoreFigures.TableFigures(m.size(), 0, 0, 0)));
            return new StoreFigures(tables, 0, 0, 0, 0);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void compact() {
        checkOpen();
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreException("store_closed", "the in-memory store was closed", null);
        }
    }

    private record Op(Table table, byte[] key, byte[] value, byte[] to) {
    }

    private static final class MemoryBatch implements Batch {
        final List<Op> ops = new ArrayList<>();

        @Override
        public void put(Table table, byte[] key, byte[] value) {
            ops.add(new Op(table, key.clone(), value.clone(), null));
        }

        @Override
        public void delete(Table table, byte[] key) {
            ops.add(new Op(table, key.clone(), null, null));
        }

        @Override
        public void deleteRange(Table table, byte[] from, byte[] to) {
            ops.add(new Op(table, from.clone(), null, to.clone()));
        }

        @Override
        public int size() {
            return ops.size();
        }

        @Override
        public void close() {
            ops.clear();
        }
    }
}
