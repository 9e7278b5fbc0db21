package dev.portrait.server.runtime;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reads come from what the worker published: they never wait for folding, unless they carry a position. */
class PublishedReadsTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults());
    private EmbeddedRuntime runtime;
    private final AtomicLong next = new AtomicLong();

    private void start(RuntimeOptions options) {
        runtime = EmbeddedRuntime.start(store, DefinitionLoader.defaultEcommerce(), Clock.fixed(NOW, ZoneOffset.UTC),
                options, IngestCounters.NONE);
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
        store.close();
    }

    /** {@code n} orders of revenue 1 by {@code user}: after k of them the profile has version k, k orders and revenue k. */
    private List<IncomingEvent> orders(String user, int n) {
        List<IncomingEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long m = next.incrementAndGet();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("type", "track");
            json.put("messageId", "m" + m);
            json.put("userId", user);
            json.put("event", "Order Completed");
            json.put("properties", Map.of("order_id", "o" + m, "revenue", 1.0));
            json.put("timestamp", NOW.minusSeconds(60).plusMillis(m % 50_000).toString());
            out.add(new IncomingEvent(json, json.toString().getBytes(StandardCharsets.UTF_8), NOW, i));
        }
        return out;
    }

    private static long position(List<IngestOutcome> outcomes) {
        return outcomes.stream().filter(o -> o instanceof IngestOutcome.Stored)
                .mapToLong(o -> ((IngestOutcome.Stored) o).sequence()).max().orElseThrow();
    }

    /**
     * Holds a thread inside a task until the returned latch is released; {@code runOn} hands the task to that
     * thread (and is itself run off this one, since it waits for the task's answer).
     */
    private static CountDownLatch hold(java.util.function.Consumer<java.util.concurrent.Callable<Boolean>> runOn)
            throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture.runAsync(() -> runOn.accept(() -> {
            inside.countDown();
            return release.await(60, TimeUnit.SECONDS);
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    /** Holds the worker thread inside a task until the returned latch is released. */
    private CountDownLatch blockWorker() throws InterruptedException {
        return hold(task -> runtime.worker().call(task));
    }

    @Test
    void aReadWhileAHundredThousandEventsAreQueuedAnswersAtOnceAndWithItsPositionWaitsForExactlyItsOwnWrites()
            throws Exception {
        start(new RuntimeOptions(10_000, Duration.ofMillis(50), 100_000, 100_000, 1_000_000, Duration.ZERO));
        runtime.awaitPosition(position(runtime.ingest(orders("reader", 3))));
        CountDownLatch release = blockWorker();
        long mine = position(runtime.ingest(orders("reader", 1)));
        for (int i = 0; i < 100; i++) {
            runtime.ingest(orders("busy" + i, 1_000));
        }
        long logged = runtime.loggedPosition();
        assertThat(runtime.lag()).isGreaterThanOrEqualTo(100_001);

        long started = System.nanoTime();
        ProfileView stale = runtime.profile("user_id", "reader", null).orElseThrow();
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(stale.version()).as("the last published state, without the queued events").isEqualTo(3);
        assertThat(tookMs).as("a read behind 100k queued events took %d ms", tookMs).isLessThan(1_000);

        CompletableFuture<long[]> own = CompletableFuture.supplyAsync(() -> {
            runtime.awaitPosition(mine);
            long applied = runtime.appliedSequence();
            return new long[] {runtime.profile("user_id", "reader", null).orElseThrow().version(), applied};
        });
        Thread.sleep(300);
        assertThat(own).as("waits while its own write is not folded").isNotDone();
        release.countDown();
        long[] answer = own.get(60, TimeUnit.SECONDS);
        assertThat(answer[0]).isEqualTo(4);
        assertThat(answer[1]).as("answered before the 100k events logged after its own were folded").isLessThan(logged);
    }

    /** Holds the models' thread inside a read until the returned latch is released. */
    private CountDownLatch blockModels() throws InterruptedException {
        return hold(task -> runtime.worker().models().read(shared -> {
            try {
                return task.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    @Test
    void aProfileReadScoresWithTheFrozenModelsAndNeverQueuesOnTheModelsThreadUnlessItAsksForItsOwnWrites()
            throws Exception {
        start(new RuntimeOptions(10_000, Duration.ofMillis(50), 100_000, 100_000, 1_000_000, Duration.ZERO));
        runtime.awaitPosition(position(runtime.ingest(orders("scored", 3))));
        CountDownLatch release = blockModels();
        try {
            long started = System.nanoTime();
            ProfileView read = runtime.profile("user_id", "scored", null).orElseThrow();
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertThat(tookMs).as("a read while the models' thread is busy took %d ms", tookMs).isLessThan(1_000);
            assertThat(read.toJson()).containsKey("models");
            assertThat(read.toJson().get("models")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsKeys("propensity", "persona", "botScore");

            CompletableFuture<ProfileView> own = CompletableFuture.supplyAsync(
                    () -> runtime.profile("user_id", "scored", null, true).orElseThrow());
            Thread.sleep(300);
            assertThat(own).as("a read after its own writes waits for the models to reach them").isNotDone();
            release.countDown();
            Object ownModels = own.get(60, TimeUnit.SECONDS).toJson().get("models");
            // the frozen copy is refreshed when the models' thread goes idle (it polls every 50 ms)
            Object frozen = null;
            for (long deadline = System.nanoTime() + 5_000_000_000L; System.nanoTime() < deadline; Thread.sleep(20)) {
                frozen = runtime.profile("user_id", "scored", null).orElseThrow().toJson().get("models");
                if (frozen.equals(ownModels)) {
                    break;
                }
            }
            assertThat(frozen).as("the same scores either way once the models are idle").isEqualTo(ownModels);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aPositionNotPublishedWithinTheBoundAnswersUnavailable() throws Exception {
        start(new RuntimeOptions(10_000, Duration.ofMillis(50), 100_000, 100_000, 1_000_000, Duration.ZERO));
        CountDownLatch release = blockWorker();
        long mine = position(runtime.ingest(orders("late", 1)));
        try {
            assertThatThrownBy(() -> runtime.awaitPosition(mine))
                    .isInstanceOfSatisfying(PortraitException.class, e -> {
                        assertThat(e.code()).isEqualTo("unavailable");
                        assertThat(e.path()).isEqualTo("position");
                        assertThat(e.getMessage()).contains("log position " + mine);
                    });
        } finally {
            release.countDown();
        }
    }

    /**
     * Readers race the worker (and its write-backs, which move profiles from the published map to the
     * store): every profile read has contents that match its version, as every state the worker ever
     * published does, and no reader sees a version go back.
     */
    @Test
    void readersRacingTheWorkerNeverSeeATornProfileNorAVersionGoingBack() throws Exception {
        long seed = 20261203L;
        // a short write-back interval and few hot profiles: profiles move between published state and store often
        start(new RuntimeOptions(500, Duration.ofMillis(5), 2_000, 20, 1_000_000, Duration.ZERO));
        int users = 30;
        AtomicBoolean done = new AtomicBoolean();
        Map<String, Long> written = new ConcurrentHashMap<>();
        List<CompletableFuture<Integer>> readers = new ArrayList<>();
        for (int r = 0; r < 3; r++) {
            SplittableRandom random = new SplittableRandom(seed + r);
            readers.add(CompletableFuture.supplyAsync(() -> {
                Map<String, Long> seen = new LinkedHashMap<>();
                int reads = 0;
                while (!done.get() || reads < 100) {
                    String user = "u" + random.nextInt(users);
                    Optional<ProfileView> read = runtime.profile("user_id", user, null);
                    reads++;
                    if (read.isEmpty()) {
                        assertThat(seen).as("seed %d: %s vanished", seed, user).doesNotContainKey(user);
                        continue;
                    }
                    ProfileView p = read.get();
                    double orders = ((Number) p.features().get("orders_lifetime")).doubleValue();
                    double revenue = ((Number) p.features().get("revenue_lifetime")).doubleValue();
                    assertThat(orders).as("seed %d: %s version %d", seed, user, p.version()).isEqualTo(p.version());
                    assertThat(revenue).as("seed %d: %s version %d", seed, user, p.version()).isEqualTo(p.version());
                    Long before = seen.put(user, p.version());
                    assertThat(p.version()).as("seed %d: %s went back", seed, user).isGreaterThanOrEqualTo(before == null ? 0 : before);
                }
                return reads;
            }));
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int batch = 0; batch < 400; batch++) {
            String user = "u" + random.nextInt(users);
            int n = 1 + random.nextInt(20);
            runtime.ingest(orders(user, n));
            written.merge(user, (long) n, Long::sum);
        }
        done.set(true);
        int reads = 0;
        for (CompletableFuture<Integer> r : readers) {
            reads += r.get(120, TimeUnit.SECONDS);
        }
        assertThat(reads).isGreaterThan(300);
        runtime.flush();
        for (Map.Entry<String, Long> e : written.entrySet()) {
            assertThat(runtime.profile("user_id", e.getKey(), null).orElseThrow().version()).isEqualTo(e.getValue());
        }
    }
}
