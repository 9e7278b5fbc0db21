package dev.portrait.store;

import java.util.List;

/** In-memory tables whose writes fail while {@link #failWrites} is set, as a full disk or a failed fsync would. */
final class FailingTables implements Tables {
    private final MemoryTables inner = new MemoryTables();
    volatile boolean failWrites;
    int writes;

    @Override
    public byte[] get(Table table, byte[] key) {
        return inner.get(table, key);
    }

    @Override
    public List<byte[]> getAll(Table table, List<byte[]> keys) {
        return inner.getAll(table, keys);
    }

    @Override
    public void scan(Table table, byte[] from, byte[] to, boolean reverse, Visitor visitor) {
        inner.scan(table, from, to, reverse, visitor);
    }

    @Override
    public Batch batch() {
        return inner.batch();
    }

    @Override
    public void write(Batch batch, boolean sync) {
        if (failWrites) {
            throw new StoreException("store_io", "injected: the write failed", null);
        }
        writes++;
        inner.write(batch, sync);
    }

    @Override
    public StoreFigures figures() {
        return inner.figures();
    }

    @Override
    public void compact() {
        inner.compact();
    }

    @Override
    public void close() {
        inner.close();
    }
}
