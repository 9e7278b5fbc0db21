package dev.portrait.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link PortraitStore} keeps and forgets data. Every setting has a documented default
 * ({@link #defaults()}); change one with the {@code with…} methods.
 *
 * @param dedupWindow         how long a {@code messageId} is remembered for deduplication, measured by
 *                            receive time (default 7 days, Segment's own window)
 * @param changelogRetention  how long changelog entries are kept, measured by the event time of the
 *                            change (default 90 days)
 * @param quarantineRetention how long quarantined events are kept, measured by receive time
 *                            (default 30 days)
 * @param syncWrites          whether appends to the event log, quarantine additions and forgetting
 *                            fsync before they return (default {@code true}: an acknowledged event
 *                            survives power loss; {@code false} survives a process crash only)
 * @param dataKeyCacheSize    how many per-person data keys are kept unwrapped in memory (default
 *                            100,000; each costs a few hundred bytes)
 */
public record StoreOptions(Duration dedupWindow, Duration changelogRetention, Duration quarantineRetention,
                           boolean syncWrites, int dataKeyCacheSize) {
    public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofDays(7);
    public static final Duration DEFAULT_CHANGELOG_RETENTION = Duration.ofDays(90);
    public static final Duration DEFAULT_QUARANTINE_RETENTION = Duration.ofDays(30);
    public static final int DEFAULT_DATA_KEY_CACHE_SIZE = 100_000;
    /** Fewer cached keys than this would thrash on any real workload's hot set. */
    public static final int MIN_DATA_KEY_CACHE_SIZE = 16;

    public StoreOptions {
        positive("dedupWindow", dedupWindow);
        positive("changelogRetention", changelogRetention);
        positive("quarantineRetention", quarantineRetention);
        if (dataKeyCacheSize < MIN_DATA_KEY_CACHE_SIZE) {
            throw new IllegalArgumentException("store option dataKeyCacheSize must be at least "
                    + MIN_DATA_KEY_CACHE_SIZE + ", got " + dataKeyCacheSize);
        }
    }

    /** 7-day dedup window, 90-day changelog, 30-day quarantine, synced writes, 100,000 cached keys. */
    public static StoreOptions defaults() {
        return new StoreOptions(DEFAULT_DEDUP_WINDOW, DEFAULT_CHANGELOG_RETENTION, DEFAULT_QUARANTINE_RETENTION,
                true, DEFAULT_DATA_KEY_CACHE_SIZE);
    }

    public StoreOptions withDedupWindow(Duration window) {
        return new StoreOptions(window, changelogRetention, quarantineRetention, syncWrites, dataKeyCacheSize);
    }

    public StoreOptions withChangelogRetention(Duration retention) {
        return new StoreOptions(dedupWindow, retention, quarantineRetention, syncWrites, dataKeyCacheSize);
    }

    public StoreOptions withQuarantineRetention(Duration retention) {
        return new StoreOptions(dedupWindow, changelogRetention, retention, syncWrites, dataKeyCacheSize);
    }

    public StoreOptions withSyncWrites(boolean sync) {
        return new StoreOptions(dedupWindow, changelogRetention, quarantineRetention, sync, dataKeyCacheSize);
    }

    public StoreOptions withDataKeyCacheSize(int size) {
        return new StoreOptions(dedupWindow, changelogRetention, quarantineRetention, syncWrites, size);
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, () -> "store option " + name + " must be set");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("store option " + name + " must be positive, got " + d);
        }
    }
}
