package dev.portrait.server.runtime;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worker's scheduling: backpressure, queries that skip the backlog, idle sleep, one timer per profile. */
class ProfileWorkerTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults());
    private EmbeddedRuntime runtime;
    private int next;

    private void start(RuntimeOptions options) {
        runtime = EmbeddedRuntime.start(store, DefinitionLoader.defaultEcommerce(), Clock.fixed(NOW, ZoneOffset.UTC),
                options, IngestCounters.NONE);
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    private List<IncomingEvent> views(String user, int n) {
        List<IncomingEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("type", "track");
            json.put("messageId", "m" + (++next));
            json.put("userId", user);
            json.put("event", "Product Viewed");
            json.put("properties", Map.of("product_id", "p" + (next % 7), "category", "shoes"));
            json.put("timestamp", NOW.minusSeconds(60).plusMillis(next).toString());
            out.add(new IncomingEvent(json, json.toString().getBytes(StandardCharsets.UTF_8), NOW, i));
        }
        return out;
    }

    /** Holds the worker thread inside a task until the returned latch is released. */
    private CountDownLatch blockWorker() throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture.runAsync(() -> runtime.worker().call(() -> {
            inside.countDown();
            return release.await(30, TimeUnit.SECONDS);
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    @Test
    void ingestAnswersOverloadedOnceFoldingLagsMoreThanTheBoundAndRecoversAfterwards() throws Exception {
        start(new RuntimeOptions(10, Duration.ofMillis(50), 1_000, 1_000, 10, Duration.ZERO));
        CountDownLatch release = blockWorker();

        assertThat(runtime.ingest(views("u1", 10))).allMatch(o -> o instanceof IngestOutcome.Stored);
        assertThat(runtime.ingest(views("u1", 10))).allMatch(o -> o instanceof IngestOutcome.Stored);
        assertThat(runtime.lag()).isEqualTo(20);
        assertThatThrownBy(() -> runtime.ingest(views("u1", 1)))
                .isInstanceOfSatisfying(PortraitException.class, e -> {
                    assertThat(e.code()).isEqualTo("overloaded");
                    assertThat(e.getMessage()).contains("20 events behind", "at most 10");
                });

        release.countDown();
        runtime.flush();
        assertThat(runtime.lag()).isZero();
        assertThat(runtime.ingest(views("u1", 1))).allMatch(o -> o instanceof IngestOutcome.Stored);
        runtime.flush();
        assertThat(runtime.profile("user_id", "u1", null)).get()
                .satisfies(p -> assertThat(p.version()).isEqualTo(21));
    }

    @Test
    void aQueryIsAnsweredOnceItsOwnWritesAreFoldedWithoutWaitingForLaterEvents() throws Exception {
        start(new RuntimeOptions(10_000, Duration.ofMillis(50), 100_000, 100_000, 1_000_000, Duration.ZERO));
        long mine = runtime.ingest(views("reader", 3)).stream().mapToLong(o -> ((IngestOutcome.Stored) o).sequence())
                .max().orElseThrow();
        CountDownLatch release = blockWorker();
        // the query arrives now and needs the first three events only (its position token); events logged
        // after it are not its concern
        CompletableFuture<Long> version = CompletableFuture.supplyAsync(() -> {
            runtime.awaitPosition(mine);
            return runtime.profile("user_id", "reader", null).orElseThrow().version();
        });
        for (int i = 0; i < 20; i++) {
            runtime.ingest(views("u" + i, 500));
        }
        release.countDown();
        assertThat(version.get(30, TimeUnit.SECONDS)).isEqualTo(3);
        runtime.flush();
        assertThat(runtime.profile("user_id", "u19", null).orElseThrow().version()).isEqualTo(500);
    }

    @Test
    void anIdleWorkerSleepsInsteadOfSpinning() throws Exception {
        start(new RuntimeOptions(10_000, Duration.ofMillis(20), 100_000, 100_000, 1_000_000, Duration.ZERO));
        runtime.ingest(views("u1", 5));
        runtime.flush();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long id = runtime.workerThreadId();
        long before = threads.getThreadCpuTime(id);
        Thread.sleep(1_000);
        long used = threads.getThreadCpuTime(id) - before;
        // a spinning worker burns the whole second; a sleeping one wakes 20 times a second at most
        assertThat(Duration.ofNanos(used)).isLessThan(Duration.ofMillis(300));
    }

    @Test
    void aBusyProfileKeepsOneTimerEntry() {
        start(new RuntimeOptions(10_000, Duration.ofMillis(50), 100_000, 100_000, 1_000_000, Duration.ZERO));
        for (int i = 0; i < 50; i++) {
            runtime.ingest(views("busy", 20));
        }
        runtime.flush();
        assertThat(runtime.worker().call(() -> runtime.worker().pendingTimers())).isEqualTo(1);
        assertThat(runtime.worker().call(() -> runtime.worker().timerEntries())).isEqualTo(1);
    }

    @Test
    void aWriteBackStartsBeforeItsIntervalOnceAQuarterOfTheHotProfilesAreDirty() throws Exception {
        // the clock is fixed and the event count far off: only the dirty profiles can start a write-back
        start(new RuntimeOptions(10_000, Duration.ofHours(1), 1_000_000, 4_000, 1_000_000, Duration.ZERO));
        List<IncomingEvent> people = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            people.addAll(views("new-person-" + i, 1));
        }
        assertThat(runtime.ingest(people)).allMatch(o -> o instanceof IngestOutcome.Stored);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (store.profiles().appliedSequence() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(store.profiles().appliedSequence()).as("written back without waiting for the hour").isPositive();
    }
}
