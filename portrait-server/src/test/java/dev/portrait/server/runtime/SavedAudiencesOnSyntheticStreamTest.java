package dev.portrait.server.runtime;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.segment.AudienceSpec;
import dev.portrait.server.port.AudienceMember;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.Page;
import dev.portrait.server.port.SavedAudienceView;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Saved audiences through the embedded runtime on the synthetic shop stream, saved while events are still being
 * folded: afterwards each one's members equal the same audience counted by {@code /v1/audiences} (set algebra on
 * the bitmaps, then the condition over the profiles), and each person's replayed transitions end where the live
 * members are.
 */
class SavedAudiencesOnSyntheticStreamTest {
    private static final long SEED = 20261204L;
    /** Conditions over values time alone does not move, so the count at read time and the fold's evaluation agree. */
    private static final String[] WHERE = {null, "features.orders_lifetime > 0", "traits.country == 'US'",
        "features.revenue_lifetime >= 100.0 || features.distinct_products_viewed >= 5", "traits.country != 'DE'"};

    private final ProfileDefinition definition = DefinitionLoader.defaultEcommerce();

    @Test
    void savedAudienceMembersEqualTheAudienceCountedOverTheSameProfiles() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        List<SyntheticTraffic.Batch> batches = SyntheticTraffic.batches(SEED, 400, 16_000, 200);
        SyntheticTraffic.HandClock clock = new SyntheticTraffic.HandClock(SyntheticTraffic.start(SEED));
        try (PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults());
             EmbeddedRuntime runtime = EmbeddedRuntime.start(store, definition, clock,
                     new RuntimeOptions(10_000, Duration.ofMillis(20), 2_000, 500, 1_000_000, Duration.ZERO),
                     IngestCounters.NONE)) {
            int half = batches.size() / 2;
            for (SyntheticTraffic.Batch b : batches.subList(0, half)) {
                runtime.ingest(b.events());
                clock.set(b.clock());
            }
            // the second half is folded while the audiences are saved and backfilled
            CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> {
                for (SyntheticTraffic.Batch b : batches.subList(half, batches.size())) {
                    runtime.ingest(b.events());
                    clock.set(b.clock());
                }
            });
            List<String> names = new ArrayList<>(List.of("high_value", "window_shopper", "churn_risk", "new_user",
                    "active_viewer", "cart_abandoner"));
            List<AudienceSpec> specs = new ArrayList<>();
            for (int a = 0; a < 8; a++) {
                AudienceSpec spec = new AudienceSpec(pick(random, names, 1), pick(random, names, 2), pick(random, names, 1),
                        WHERE[random.nextInt(WHERE.length)]);
                runtime.saveAudience("aud_" + a, spec, "test");
                names.add("aud_" + a);
                specs.add(spec);
            }
            rest.get();
            runtime.flush();
            for (int a = 0; a < specs.size(); a++) {
                awaitReady(runtime, "aud_" + a);
            }
            int nonEmpty = 0;
            for (int a = 0; a < specs.size(); a++) {
                Set<String> saved = new HashSet<>(all(runtime, "aud_" + a));
                Set<String> counted = new HashSet<>();
                String cursor = null;
                do {
                    Page<AudienceMember> page = runtime.audienceMembers(specs.get(a), List.of(), cursor, 1_000);
                    page.items().forEach(m -> counted.add(m.profileId()));
                    cursor = page.next();
                } while (cursor != null);
                assertThat(saved).as("seed %d, aud_%d = %s", SEED, a, specs.get(a)).isEqualTo(counted);
                assertThat(runtime.countAudience(specs.get(a)).count()).isEqualTo(saved.size());
                nonEmpty += saved.isEmpty() ? 0 : 1;
                // the transitions a replay derives end where the live members are (a sample of people)
                int checked = 0;
                for (String member : all(runtime, "high_value")) {
                    if (checked++ == 15) {
                        break;
                    }
                    assertThat(lastEntered(runtime, member, "aud_" + a)).as("seed %d, %s in aud_%d", SEED, member, a)
                            .isEqualTo(saved.contains(member));
                }
            }
            assertThat(nonEmpty).as("audiences with members").isGreaterThanOrEqualTo(3);
        }
    }

    /** Up to {@code most} distinct names, the newest (the saved audiences) as likely as the others. */
    private static List<String> pick(SplittableRandom random, List<String> names, int most) {
        List<String> out = new ArrayList<>();
        int n = random.nextInt(most + 1);
        for (int i = 0; i < n; i++) {
            String name = names.get(random.nextInt(names.size()));
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    private static void awaitReady(EmbeddedRuntime runtime, String name) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        SavedAudienceView v;
        while (!(v = runtime.savedAudience(name).orElseThrow()).ready() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(v.ready()).as(name + " backfilled").isTrue();
        runtime.flush(); // and its last slice published
    }

    private static List<String> all(EmbeddedRuntime runtime, String segment) {
        List<String> out = new ArrayList<>();
        String cursor = null;
        do {
            Page<String> page = runtime.segmentMembers(segment, cursor, 1_000);
            out.addAll(page.items());
            cursor = page.next();
        } while (cursor != null);
        return out;
    }

    /** Whether the person's last transition of the segment, in their replayed changes, entered it. */
    private static boolean lastEntered(EmbeddedRuntime runtime, String profileId, String segment) {
        Page<ChangeView> page = runtime.changes("profile_id", profileId, null, 100_000).orElseThrow();
        for (ChangeView c : page.items()) { // newest first
            if (c.field().equals("segments." + segment)) {
                return Boolean.TRUE.equals(c.newValue());
            }
        }
        return false;
    }
}
