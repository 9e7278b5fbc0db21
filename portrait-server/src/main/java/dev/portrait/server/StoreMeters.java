package dev.portrait.server;

import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreFigures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The store's own figures ({@link PortraitStore#figures()}) as gauges: per table
 * {@code portrait_store_keys}, {@code portrait_store_sst_files_bytes}, {@code portrait_store_memtables_bytes}
 * and {@code portrait_store_pending_compaction_bytes}; for the store {@code portrait_store_block_cache_*_bytes}
 * and {@code portrait_store_background_errors}.
 *
 * <p>The gauges hold this binder strongly (Micrometer's default is a weak reference, and nothing else
 * keeps the binder). Prometheus reads each gauge on its own, and one read of the figures asks RocksDB for nearly forty
 * properties, so the gauges share one reading that is at most a second old: a scrape costs one reading,
 * not one per gauge.
 */
final class StoreMeters implements MeterBinder {
    private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final PortraitStore store;
    private volatile Reading last;

    private record Reading(StoreFigures figures, long atNanos) {
    }

    StoreMeters(PortraitStore store) {
        this.store = store;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        // the table names only: a cached reading here would be served, stale, by a scrape in the next second
        for (String table : store.figures().tables().keySet()) {
            table(registry, table, "portrait.store.keys", null,
                    "live keys in the table, estimated by RocksDB (rocksdb.estimate-num-keys)",
                    StoreFigures.TableFigures::estimatedKeys);
            table(registry, table, "portrait.store.sst.files", BaseUnits.BYTES,
                    "bytes of the table's SST files on disk (rocksdb.total-sst-files-size)",
                    StoreFigures.TableFigures::sstFileBytes);
            table(registry, table, "portrait.store.memtables", BaseUnits.BYTES,
                    "bytes of the table's memtables, written but not yet flushed (rocksdb.cur-size-all-mem-tables)",
                    StoreFigures.TableFigures::memtableBytes);
            table(registry, table, "portrait.store.pending.compaction", BaseUnits.BYTES,
                    "bytes compaction still has to rewrite in the table (rocksdb.estimate-pending-compaction-bytes)",
                    StoreFigures.TableFigures::pendingCompactionBytes);
        }
        store(registry, "portrait.store.block.cache.usage", BaseUnits.BYTES, "bytes in the shared block cache",
                StoreFigures::blockCacheBytes);
        store(registry, "portrait.store.block.cache.pinned", BaseUnits.BYTES,
                "bytes of the block cache pinned by readers", StoreFigures::blockCachePinnedBytes);
        store(registry, "portrait.store.block.cache.capacity", BaseUnits.BYTES, "the block cache's capacity",
                StoreFigures::blockCacheCapacityBytes);
        store(registry, "portrait.store.background.errors", null,
                "errors in RocksDB's background flushes and compactions since the store opened; above 0, writes "
                        + "may have stopped (rocksdb.background-errors)", StoreFigures::backgroundErrors);
    }

    private void table(MeterRegistry registry, String table, String name, String unit, String description,
                       ToDoubleFunction<StoreFigures.TableFigures> read) {
        Gauge.builder(name, this, m -> read.applyAsDouble(m.figures().tables().get(table)))
                .tag("table", table).baseUnit(unit).description(description).strongReference(true).register(registry);
    }

    private void store(MeterRegistry registry, String name, String unit, String description,
                       ToDoubleFunction<StoreFigures> read) {
        Gauge.builder(name, this, m -> read.applyAsDouble(m.figures())).baseUnit(unit).description(description)
                .strongReference(true).register(registry);
    }

    private StoreFigures figures() {
        Reading r = last;
        long now = System.nanoTime();
        if (r == null || now - r.atNanos >= FRESH_NANOS) {
            // two scrapes racing here both read; harmless, and cheaper than a lock on every gauge
            r = new Reading(store.figures(), now);
            last = r;
        }
        return r.figures;
    }
}
