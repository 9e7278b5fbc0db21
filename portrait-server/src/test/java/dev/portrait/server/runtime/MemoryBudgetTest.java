package dev.portrait.server.runtime;

import dev.portrait.store.StoreMemory;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryBudgetTest {
    private static final long MB = 1L << 20;
    private static final long GB = 1L << 30;

    @Test
    void theDefaultTwoGigabytesSplitIntoHalfHeapAQuarterRocksDbAndAQuarterLeftOver() {
        MemoryBudget b = MemoryBudget.split(2 * GB, GB);

        assertThat(b.store()).isEqualTo(new StoreMemory(512 * MB, 128 * MB));
        assertThat(b.hotProfiles()).isEqualTo(43_690); // a quarter of 1 GB at 6 KB each
        assertThat(b.queuedEvents()).isEqualTo(65_536); // an eighth of 1 GB at 2 KB each
        assertThat(b.unboundedBytes()).isEqualTo(512 * MB);
        assertThat(b.describe()).contains("memory budget 2 GB", "heap 1 GB", "RocksDB 512 MB", "43,690 hot profiles",
                        "65,536 events queued at most")
                .doesNotContain("WARNING");
    }

    @Test
    void theBoundedPartsNeverExceedTheBudgetWhenTheHeapIsHalfOfIt() {
        long seed = 1203L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 1_000; i++) {
            long total = 256 * MB + random.nextLong(64 * GB);
            MemoryBudget b = MemoryBudget.split(total, total / 2);
            assertThat(b.heapBytes() + b.store().blockCacheBytes()).as("seed %d, total %d", seed, total)
                    .isLessThanOrEqualTo(total * 3 / 4);
            assertThat(b.hotProfiles() * MemoryBudget.HOT_PROFILE_BYTES).as("seed %d, total %d", seed, total)
                    .isLessThanOrEqualTo(Math.max(b.heapBytes() / 4, MemoryBudget.MIN_HOT_PROFILES
                            * MemoryBudget.HOT_PROFILE_BYTES));
            assertThat(b.queuedEvents()).as("seed %d, total %d", seed, total)
                    .isBetween(MemoryBudget.MIN_QUEUED_EVENTS, MemoryBudget.MAX_QUEUED_EVENTS)
                    .isLessThanOrEqualTo(Math.max(MemoryBudget.MIN_QUEUED_EVENTS,
                            b.heapBytes() / 8 / MemoryBudget.QUEUED_EVENT_BYTES));
        }
    }

    @Test
    void theDefaultRuntimeOptionsTakeTheirHotProfilesAndLagBoundFromTheBudget() {
        MemoryBudget b = MemoryBudget.ofThisProcess();
        RuntimeOptions defaults = RuntimeOptions.defaults();

        assertThat(defaults.hotProfiles()).isEqualTo(b.hotProfiles());
        assertThat(defaults.maxLag()).isEqualTo(b.queuedEvents()).isGreaterThanOrEqualTo(defaults.maxGroupEvents());
    }

    @Test
    void aHeapSetByHandThatCrowdsOutTheRestIsWarnedAbout() {
        MemoryBudget b = MemoryBudget.split(2 * GB, 2 * GB);

        assertThat(b.describe()).contains("WARNING", "lower -Xmx or raise PORTRAIT_MEMORY");
        assertThat(b.hotProfiles()).isEqualTo(87_381); // a quarter of 2 GB at 6 KB each
    }

    @Test
    void sizesAreReadAsXmxReadsThem() {
        assertThat(MemoryBudget.parseBytes("2g")).isEqualTo(2 * GB);
        assertThat(MemoryBudget.parseBytes("1536M")).isEqualTo(1536 * MB);
        assertThat(MemoryBudget.parseBytes("800k")).isEqualTo(800L << 10);
        assertThat(MemoryBudget.parseBytes("2147483648")).isEqualTo(2 * GB);
        assertThat(MemoryBudget.parseBytes("3gb")).isEqualTo(3 * GB);
        assertThatThrownBy(() -> MemoryBudget.parseBytes("two gigs")).hasMessageContaining("like 2g");
        assertThatThrownBy(() -> MemoryBudget.parseBytes("-1g")).hasMessageContaining("positive");
        assertThatThrownBy(() -> MemoryBudget.split(100 * MB, 50 * MB)).hasMessageContaining("at least 256 MB");
    }
}
