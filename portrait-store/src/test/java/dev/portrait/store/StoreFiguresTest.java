package dev.portrait.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreFiguresTest {
    @TempDir
    Path dir;

    @Test
    void rocksDbReportsEveryTableAndItsEventsAreCountedFirstInMemoryThenOnDisk() {
        try (PortraitStore store = PortraitStore.open(dir.resolve("store"), StoreOptions.defaults())) {
            store.events().appendIfNew(records(500));

            StoreFigures beforeFlush = store.figures();
            assertThat(beforeFlush.tables().keySet()).containsExactlyInAnyOrder("events", "dedup", "profiles",
                    "identities", "merges", "quarantine", "changelog", "history", "meta", "keys");
            StoreFigures.TableFigures events = beforeFlush.tables().get("events");
            assertThat(events.estimatedKeys()).as("one group, one block").isEqualTo(1);
            assertThat(events.memtableBytes()).isPositive();
            assertThat(beforeFlush.blockCacheCapacityBytes()).isEqualTo(StoreMemory.defaults().blockCacheBytes());
            assertThat(beforeFlush.backgroundErrors()).isZero();

            store.compact();
            StoreFigures.TableFigures compacted = store.figures().tables().get("events");
            assertThat(compacted.sstFileBytes()).as("500 (small, compressed) events are on disk now").isGreaterThan(500L * 20);
            assertThat(compacted.estimatedKeys()).isEqualTo(1);
            assertThat(compacted.pendingCompactionBytes()).isZero();
            assertThat(store.figures().tables().get("dedup").estimatedKeys()).as("at least a key per messageId")
                    .isGreaterThanOrEqualTo(500);
        }
    }

    @Test
    void theInMemoryStoreCountsItsKeysExactly() {
        try (PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults())) {
            store.events().appendIfNew(records(7));
            StoreFigures figures = store.figures();
            assertThat(figures.tables().get("events").estimatedKeys()).as("one group, one block").isEqualTo(1);
            assertThat(figures.tables().get("dedup").estimatedKeys()).isEqualTo(7);
            assertThat(figures.tables().get("events").sstFileBytes()).isZero();
        }
    }

    @Test
    void aClosedStoreHasNoFigures() {
        PortraitStore store = PortraitStore.open(dir.resolve("closed"), StoreOptions.defaults());
        store.close();
        assertThatThrownBy(store::figures).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo("store_closed"));
    }

    private static List<EventRecord> records(int n) {
        List<EventRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(TestEvents.record("m" + i, "u" + (i % 10), TestEvents.T0 + i));
        }
        return records;
    }
}
