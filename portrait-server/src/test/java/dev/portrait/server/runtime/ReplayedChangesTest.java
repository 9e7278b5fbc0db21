package dev.portrait.server.runtime;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.engine.EngineStep;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.profile.Change;
import dev.portrait.core.profile.UpdateResult;
import dev.portrait.core.segment.SegmentTransition;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.Page;
import dev.portrait.server.runtime.worker.ProfileWorker;
import dev.portrait.store.HistoryEntry;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /changes} derived by replaying each profile's history equals what the per-event changelog
 * recorded, on the synthetic stream: the old recorder runs beside the worker (the same code the worker
 * ran, fed the same steps through {@link ProfileWorker.StepObserver}), and every profile's pages are
 * compared with it — profiles that absorbed others in merges and segments left by time included.
 */
class ReplayedChangesTest {
    private static final TypeReference<Object> ANY = new TypeReference<>() { };
    private static final long DAY = 86_400_000L;

    private final PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults());
    private EmbeddedRuntime runtime;

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
        store.close();
    }

    /** The per-event changelog as the worker recorded it before this issue, per owning profile, oldest first. */
    static final class OldChangelog implements ProfileWorker.StepObserver {
        final Map<String, List<ChangeView>> byProfile = new ConcurrentHashMap<>();
        volatile int merges;
        volatile int timerChanges;

        @Override
        public void applied(long sequence, long eventTime, EngineStep step) {
            if (step.profileId() == null) {
                return;
            }
            for (EngineStep.Merge m : step.merges()) {
                merges++;
                record(sequence, m.time(), m.result());
            }
            record(sequence, eventTime, step.fold());
        }

        @Override
        public void advanced(long now, EngineStep step) {
            if (!step.fold().transitions().isEmpty()) {
                timerChanges++;
            }
            record(0, now, step.fold());
        }

        private void record(long sequence, long time, UpdateResult u) {
            if (u.changes().isEmpty() && u.transitions().isEmpty()) {
                return;
            }
            String owner = u.profile().profileId();
            List<ChangeView> list = byProfile.computeIfAbsent(owner, k -> Collections.synchronizedList(new ArrayList<>()));
            Instant at = Instant.ofEpochMilli(time);
            for (Change c : u.changes()) {
                list.add(new ChangeView(sequence, at, c.field(), json(c.oldValue()), json(c.newValue()), c.messageId()));
            }
            for (SegmentTransition t : u.transitions()) {
                if (t.profileId().equals(owner)) {
                    list.add(new ChangeView(sequence, at, "segments." + t.segment(), json(!t.entered()), json(t.entered()),
                            t.cause()));
                }
            }
        }

        /** Through JSON bytes and back, as the changelog stored and read values. */
        private static Object json(Object value) {
            try {
                return EventCodec.mapper().readValue(EventCodec.mapper().writeValueAsBytes(value), ANY);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private List<ChangeView> allPages(String profileId, int limit) {
        List<ChangeView> out = new ArrayList<>();
        String cursor = null;
        do {
            Optional<Page<ChangeView>> page = runtime.changes("profile_id", profileId, cursor, limit);
            if (page.isEmpty()) {
                return null;
            }
            assertThat(page.get().items().size()).isLessThanOrEqualTo(limit);
            out.addAll(page.get().items());
            cursor = page.get().next();
        } while (cursor != null);
        Collections.reverse(out); // pages are newest first
        return out;
    }

    @Test
    void replayDerivedChangesEqualThePerEventChangelogForEveryProfile() throws Exception {
        long seed = 20261203L;
        SyntheticTraffic.HandClock clock = new SyntheticTraffic.HandClock(SyntheticTraffic.start(seed));
        runtime = EmbeddedRuntime.startTrackingChanges(store, DefinitionLoader.defaultEcommerce(), clock,
                new RuntimeOptions(10_000, Duration.ofMillis(20), 2_000, 500, 1_000_000, Duration.ZERO));
        OldChangelog old = new OldChangelog();
        runtime.worker().observe(old);

        // the wall clock follows the stream, so timers fire between batches as they would live
        for (SyntheticTraffic.Batch b : SyntheticTraffic.batches(seed, 400, 30_000, 250)) {
            runtime.ingest(b.events());
            clock.set(b.clock());
        }
        runtime.flush();
        clock.advance(45 * DAY); // everyone goes quiet: windows empty, segments are left by time alone
        Thread.sleep(300); // the worker looks at its timers at least every 50 ms
        runtime.flush();

        assertThat(old.merges).as("seed %d: merges in the stream", seed).isPositive();
        assertThat(old.timerChanges).as("seed %d: changes made by time", seed).isPositive();
        int live = 0;
        int compared = 0;
        Set<String> absorbed = new java.util.HashSet<>();
        for (String id : old.byProfile.keySet()) {
            for (HistoryEntry e : store.history().entries(id)) {
                if (e instanceof HistoryEntry.Merge m) {
                    absorbed.add(m.loserId());
                }
            }
        }
        for (Map.Entry<String, List<ChangeView>> e : new LinkedHashMap<>(old.byProfile).entrySet()) {
            // small pages for some (the cursor's arithmetic), large ones for the rest (each page replays the history)
            List<ChangeView> replayed = allPages(e.getKey(), live < 20 ? 37 : 5_000);
            if (replayed == null) {
                // absorbed by a merge: /changes answers 404 for it, as it did with the stored changelog
                assertThat(absorbed).as("seed %d: %s has no profile, so it lost a merge", seed, e.getKey()).contains(e.getKey());
                continue;
            }
            live++;
            compared += replayed.size();
            assertThat(replayed).as("seed %d: changes of %s", seed, e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(live).isGreaterThan(100);
        assertThat(absorbed).as("seed %d: profiles absorbed in merges", seed).isNotEmpty();
        System.out.printf("replayed changes equal the changelog: %d profiles, %d changes, %d merges, %d timer changes%n",
                live, compared, old.merges, old.timerChanges);
    }

    @Test
    void aCursorOutsideTheProfilesChangesIsRefused() {
        long seed = 5L;
        SyntheticTraffic.HandClock clock = new SyntheticTraffic.HandClock(SyntheticTraffic.start(seed));
        runtime = EmbeddedRuntime.start(store, DefinitionLoader.defaultEcommerce(), clock, RuntimeOptions.defaults(),
                IngestCounters.NONE);
        for (SyntheticTraffic.Batch b : SyntheticTraffic.batches(seed, 20, 500, 250)) {
            runtime.ingest(b.events());
        }
        runtime.flush();
        String someone = store.profiles().ids(null, 1).get(0);

        for (String cursor : List.of("-1", "x", "99999999")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.changes("profile_id", someone, cursor, 10))
                    .hasMessageContaining("cursor");
        }
    }
}
