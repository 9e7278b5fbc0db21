package dev.portrait.store;

import dev.portrait.core.segment.AudienceSpec;
import dev.portrait.core.segment.SavedAudience;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Saved audiences are kept in the store's tables: they survive a reopen and travel in a backup. */
class SavedAudienceRecordsTest {
    private static final SavedAudience BUYERS = SavedAudience.saved("buyers",
            new AudienceSpec(List.of("high_value"), List.of(), List.of("churn_risk"), "traits.country == 'DE'"), 12, 1_000);
    private static final SavedAudience VIEWERS = SavedAudience.saved("viewers",
            new AudienceSpec(List.of(), List.of("active_viewer", "buyers"), List.of(), null), 30, 2_000);

    @TempDir
    Path root;

    @Test
    void generationsReadBackInSavingOrderAfterAReopenWithTheirTombstones() {
        Path data = root.resolve("data");
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            store.audiences().put(VIEWERS);
            store.audiences().put(BUYERS);
            store.audiences().put(VIEWERS.deleted(41, 3_000)); // replaces its live record
        }
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            assertThat(store.audiences().all()).containsExactly(BUYERS, VIEWERS.deleted(41, 3_000));
        }
    }

    @Test
    void aBackupRestoredHoldsTheSavedAudiences() {
        Path data = root.resolve("data");
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            store.audiences().put(BUYERS);
            store.backup(root.resolve("backup"), 5_000);
        }
        Backups.restore(root.resolve("backup"), root.resolve("restored"), null, false, StoreOptions.defaults(), null);
        try (PortraitStore store = PortraitStore.open(root.resolve("restored"), StoreOptions.defaults())) {
            assertThat(store.audiences().all()).containsExactly(BUYERS);
        }
    }

    @Test
    void theInMemoryStoreKeepsThemTheSameWay() {
        try (PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults())) {
            store.audiences().put(BUYERS);
            assertThat(store.audiences().all()).containsExactly(BUYERS);
        }
    }
}
