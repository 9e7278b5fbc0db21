package dev.portrait.server.runtime.ingest;

import dev.portrait.core.PortraitException;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.runtime.IngestCounters;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.server.runtime.worker.ProfileWorker;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The committer's promise that nobody waits forever, even when its thread dies. */
class GroupCommitterTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private final ProfileDefinition definition = DefinitionLoader.defaultEcommerce();
    private final PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults());

    private List<IncomingEvent> view(String messageId) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "track");
        json.put("messageId", messageId);
        json.put("userId", "u1");
        json.put("event", "Product Viewed");
        json.put("properties", Map.of("product_id", "p1"));
        json.put("timestamp", NOW.minusSeconds(60).toString());
        return List.of(new IncomingEvent(json, json.toString().getBytes(StandardCharsets.UTF_8), NOW, 0));
    }

    private CompletableFuture<List<IngestOutcome>> submit(GroupCommitter committer, String messageId) {
        List<IncomingEvent> events = view(messageId);
        List<CleanResult> cleaned = List.of(events.get(0).verdict(new Cleaner(definition)));
        return committer.submit(events, cleaned);
    }

    @Test
    void whenTheCommitterThreadDiesItsCallersAreFailedAndLaterOnesRefusedAtOnce() throws Exception {
        ProfileWorker worker = new ProfileWorker(store, new ProfileEngine(definition, ProfileUpdater.ChangeTracking.ON),
                Clock.fixed(NOW, ZoneOffset.UTC), RuntimeOptions.defaults());
        worker.recover();
        GroupCommitter committer = new GroupCommitter(store, worker, 100, IngestCounters.NONE);
        Thread thread = new Thread(committer, "test-commit");
        thread.start();
        assertThat(submit(committer, "m1").get(10, TimeUnit.SECONDS)).singleElement()
                .isInstanceOf(IngestOutcome.Stored.class);

        thread.interrupt(); // the thread ends abnormally, as it would of an Error outside any group
        thread.join(10_000);
        assertThat(thread.isAlive()).isFalse();
        assertThat(committer.failure()).isInstanceOf(InterruptedException.class);

        CompletableFuture<List<IngestOutcome>> late = submit(committer, "m2");
        assertThat(late).isCompletedExceptionally();
        assertThatThrownBy(() -> late.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(PortraitException.class, e -> {
                    assertThat(e.code()).isEqualTo("unavailable");
                    assertThat(e.getMessage()).contains("group committer stopped");
                });
    }

    @Test
    void aCallerWaitsNoLongerThanTheCommitTimeout() {
        ProfileWorker worker = new ProfileWorker(store, new ProfileEngine(definition, ProfileUpdater.ChangeTracking.ON),
                Clock.fixed(NOW, ZoneOffset.UTC), RuntimeOptions.defaults());
        worker.recover();
        // a committer whose thread never runs: the commit never finishes
        GroupCommitter stuck = new GroupCommitter(store, worker, 100, IngestCounters.NONE);
        DurableIngest ingest = new DurableIngest(new Cleaner(definition), stuck, () -> 0, 1_000,
                Duration.ofMillis(300), () -> null);
        long start = System.nanoTime();
        assertThatThrownBy(() -> ingest.ingest(view("m3"))).isInstanceOfSatisfying(PortraitException.class, e -> {
            assertThat(e.code()).isEqualTo("unavailable");
            assertThat(e.getMessage()).contains("did not finish within 300 ms");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aStoppedWorkerMakesIngestAnswerUnavailableWithoutQueueing() {
        ProfileWorker worker = new ProfileWorker(store, new ProfileEngine(definition, ProfileUpdater.ChangeTracking.ON),
                Clock.fixed(NOW, ZoneOffset.UTC), RuntimeOptions.defaults());
        worker.recover();
        GroupCommitter never = new GroupCommitter(store, worker, 100, IngestCounters.NONE);
        DurableIngest ingest = new DurableIngest(new Cleaner(definition), never, () -> 0, 1_000,
                Duration.ofSeconds(30), () -> "the profile worker stopped: boom");
        assertThatThrownBy(() -> ingest.ingest(view("m4"))).isInstanceOfSatisfying(PortraitException.class,
                e -> assertThat(e.getMessage()).isEqualTo("the profile worker stopped: boom"));
        assertThat(store.events().lastSequence()).isZero();
    }
}
