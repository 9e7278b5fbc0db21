package dev.portrait.store;

import java.util.List;

/**
 * The storage engine under the store: sorted byte maps, one per {@link Table}, with atomic batches
 * that span tables. Two engines implement it (RocksDB and in-memory), and everything above it (the
 * record formats, encryption, dedup, paging, forgetting) is shared, so the in-memory store behaves as
 * the RocksDB one does down to the byte order of its keys.
 */
interface Tables extends AutoCloseable {
    /** The value, or {@code null}. */
    byte[] get(Table table, byte[] key);

    /** Values of several keys of one table, {@code null} where absent, in the order asked. */
    List<byte[]> getAll(Table table, List<byte[]> keys);

    /**
     * Visits entries with {@code from <= key < to} ({@code null} bounds are open) in key order (or
     * reverse), until the visitor returns {@code false}.
     */
    void scan(Table table, byte[] from, byte[] to, boolean reverse, Visitor visitor);

    Batch batch();

    /** Applies a batch atomically; with {@code sync}, durable on disk before it returns. */
    void write(Batch batch, boolean sync);

    /** The engine's own figures (see {@link PortraitStore#figures()}). */
    StoreFigures figures();

    /** Flushes and compacts everything to the bottom level (see {@link PortraitStore#compact()}). */
    void compact();

    /**
     * A consistent copy of every table in {@code target} (which must not exist), made while writes go on:
     * RocksDB's checkpoint, hard links to the immutable table files on the same file system.
     */
    default void checkpoint(java.nio.file.Path target) {
        throw new StoreException("not_supported", "this store keeps its tables in memory: there is nothing to back up",
                null);
    }

    @Override
    void close();

    @FunctionalInterface
    interface Visitor {
        boolean visit(byte[] key, byte[] value);
    }

    /** Writes gathered for one atomic {@link #write}. */
    interface Batch extends AutoCloseable {
        void put(Table table, byte[] key, byte[] value);

        void delete(Table table, byte[] key);

        /** Deletes {@code from <= key < to}. */
        void deleteRange(Table table, byte[] from, byte[] to);

        int size();

        @Override
        void close();
    }
}
