package dev.portrait.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.server.e2e.FaultyStore.Fault;
import dev.portrait.server.http.HttpApi;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.server.runtime.IngestCounters;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures at the store port ({@link FaultyStore} over the real RocksDB store), under a client that
 * retries like an SDK: every failed call is answered 503 within the commit timeout (plus slack),
 * readiness says so, the server recovers once the fault clears, and in the end the profiles equal a
 * clean run's over the same batches, also after a restart — nothing acknowledged is lost, nothing is
 * applied twice.
 */
class StoreFaultsIT {
    private static final String WRITE = "w-faults";
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration COMMIT_TIMEOUT = Duration.ofMillis(1_000);
    /** What a 503 may take beyond the commit timeout (an HTTP round trip on a busy 2-core machine). */
    private static final Duration SLACK = Duration.ofMillis(2_000);
    private static final int USERS = 12;
    private static final int BATCHES = 40;
    private static final int FAULT_FROM = 8;
    private static final long SEED = 20261203L;
    /** Every user the batches name, and {@code late}, who first appears when the worker is made to die. */
    private static final List<String> USER_IDS = userIds();
    /** A batch for a user nobody has seen yet: folding it reads the store for a profile. */
    private static final String LATE = "{\"batch\":[{\"type\":\"track\",\"messageId\":\"late-1\",\"userId\":\"late\","
            + "\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"p1\"},\"timestamp\":\""
            + NOW.minusSeconds(10) + "\"}]}";

    private static List<String> userIds() {
        List<String> ids = new ArrayList<>();
        for (int u = 0; u < USERS; u++) {
            ids.add("u" + u);
        }
        ids.add("late");
        return List.copyOf(ids);
    }

    @TempDir
    Path dir;

    /** One server over a faulty store; the client side of the test talks HTTP to it. */
    private final class Server implements AutoCloseable {
        final FaultyStore store;
        final EmbeddedRuntime runtime;
        final HttpApi http;
        final Client client;

        Server(Path data) {
            this(data, null);
        }

        /** As {@code portrait serve} starts: the log's replay behind HTTP; {@code replayGate} holds it. */
        Server(Path data, java.util.concurrent.CountDownLatch replayGate) {
            store = new FaultyStore(PortraitStore.open(data, StoreOptions.defaults()));
            store.replayGate = replayGate;
            runtime = EmbeddedRuntime.startRecoveringInBackground(store, definition(), CLOCK, options(), IngestCounters.NONE);
            http = HttpApi.start(new HttpConfig("127.0.0.1", 0, new HttpConfig.ApiKeys(Set.of(WRITE), Set.of(), Set.of()),
                    HttpConfig.Limits.DEFAULT), runtime, runtime, runtime, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    CLOCK);
            client = new Client(http.port());
        }

        int ready() throws Exception {
            return client.get("/health/ready", null).status();
        }

        @Override
        public void close() {
            try {
                http.close();
                runtime.close();
            } finally {
                store.close();
            }
        }
    }

    private static ProfileDefinition definition() {
        return DefinitionLoader.defaultEcommerce();
    }

    /**
     * Small lag bound, so a stalled worker turns into 503 {@code overloaded} within a few batches; a
     * write-back every 50 events, since the fixed clock never makes one due by time.
     */
    private static RuntimeOptions options() {
        return new RuntimeOptions(100, Duration.ofMillis(20), 50, 10_000, 200, Duration.ZERO)
                .withCommitTimeout(COMMIT_TIMEOUT);
    }

    /** Batches of 20 events over a few users; about one event in twenty has no event name (quarantined). */
    private static List<String> batches() {
        SplittableRandom random = new SplittableRandom(SEED);
        List<String> out = new ArrayList<>();
        int next = 0;
        for (int b = 0; b < BATCHES; b++) {
            StringBuilder s = new StringBuilder("{\"batch\":[");
            for (int i = 0; i < 20; i++) {
                int user = random.nextInt(USERS);
                boolean malformed = random.nextInt(20) == 0;
                s.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"messageId\":\"f").append(next++)
                        .append("\",\"userId\":\"u").append(user).append('"')
                        .append(malformed ? "" : ",\"event\":\"Product Viewed\"")
                        .append(",\"properties\":{\"product_id\":\"p").append(random.nextInt(30))
                        .append("\",\"category\":\"c").append(random.nextInt(4)).append("\"},\"timestamp\":\"")
                        .append(NOW.minusSeconds(3_600).plusSeconds(next)).append("\"}");
            }
            out.add(s.append("]}").toString());
        }
        return out;
    }

    /** What the client saw. */
    private record Seen(int unavailable, long slowestFailureMillis, boolean notReadySeen) {
    }

    /**
     * Sends every batch, retrying each until it is acknowledged; {@code during} runs before each attempt
     * with the batch index and the failures so far, to switch the fault.
     */
    private static Seen send(Server server, List<String> batches, BiConsumer<Integer, Integer> during) throws Exception {
        int failures = 0;
        long slowest = 0;
        boolean notReady = false;
        for (int b = 0; b < batches.size(); b++) {
            while (true) {
                during.accept(b, failures);
                long start = System.nanoTime();
                Client.Answer a = server.client.post("/v1/batch", WRITE, batches.get(b));
                long millis = (System.nanoTime() - start) / 1_000_000;
                if (a.status() == 200) {
                    break;
                }
                assertThat(a.status()).as("batch %d answered %s", b, a.body()).isEqualTo(503);
                assertThat(a.body().get("error").get("code").asText()).isIn("unavailable", "overloaded");
                failures++;
                slowest = Math.max(slowest, millis);
                notReady |= server.ready() == 503;
                assertThat(failures).as("the server never recovered").isLessThan(500);
                Thread.sleep(20);
            }
        }
        return new Seen(failures, slowest, notReady);
    }

    /**
     * Each user's profile as it compares across runs: everything but the profile id, which is keyed
     * per data directory (not recomputable from identifiers), so two runs name the same person differently.
     */
    private static Map<String, List<Object>> profiles(EmbeddedRuntime runtime) {
        runtime.flush();
        Map<String, List<Object>> out = new TreeMap<>();
        for (String user : USER_IDS) {
            runtime.profile("user_id", user, null).ifPresent(p -> {
                Map<String, List<String>> identities = new TreeMap<>(p.identities());
                identities.remove("profile_id");
                out.put(user, java.util.Arrays.asList(identities, p.traits(), p.features(), p.segments(), p.version(),
                        p.updatedAt(), p.asOf(), p.models()));
            });
        }
        return out;
    }

    /** The profiles and quarantine size of a run without faults over the same batches. */
    private Map<String, List<Object>> cleanRun(Path data, List<String> batches, long[] quarantined) throws Exception {
        try (Server clean = new Server(data)) {
            send(clean, batches, (b, f) -> { });
            quarantined[0] = clean.store.quarantine().count();
            return profiles(clean.runtime);
        }
    }

    /** Restarts over the same directory without faults, and returns the profiles the recovered runtime holds. */
    private Map<String, List<Object>> restarted(Path data) {
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            EmbeddedRuntime runtime = EmbeddedRuntime.start(store, definition(), CLOCK, options(), IngestCounters.NONE);
            try {
                return profiles(runtime);
            } finally {
                runtime.close();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Fault.class, names = {"LOG_WRITE", "QUARANTINE_WRITE", "FSYNC", "COMMITTER_ERROR", "SLOW_LOG"})
    void aFailingCommitAnswers503WithinTheBoundAndLosesNothingOnceTheFaultClears(Fault fault) throws Exception {
        long[] cleanQuarantine = new long[1];
        Map<String, List<Object>> expected = cleanRun(dir.resolve("clean"), batches(), cleanQuarantine);
        Path data = dir.resolve("faulty");
        Seen seen;
        Map<String, List<Object>> live;
        long quarantined;
        try (Server server = new Server(data)) {
            seen = send(server, batches(), (b, failures) -> {
                if (b == FAULT_FROM && failures == 0) {
                    server.store.inject(fault);
                } else if (failures >= 3) {
                    server.store.clear(); // three failed attempts: the disk is back
                }
            });
            live = profiles(server.runtime);
            quarantined = server.store.quarantine().count();
            assertThat(server.ready()).as("ready again once the fault cleared").isEqualTo(200);
        }
        assertThat(seen.unavailable()).as("seed %d: the fault %s was felt", SEED, fault).isGreaterThanOrEqualTo(3);
        assertThat(Duration.ofMillis(seen.slowestFailureMillis())).as("seed %d: the slowest 503", SEED)
                .isLessThan(COMMIT_TIMEOUT.plus(SLACK));
        assertThat(live).as("seed %d: profiles after %s equal a clean run's", SEED, fault).isEqualTo(expected);
        assertThat(restarted(data)).as("seed %d: and after a restart", SEED).isEqualTo(expected);
        if (fault == Fault.SLOW_LOG || fault == Fault.FSYNC) {
            // A group that lands but is answered 503 (timed out, or its fsync reported failure) holds its
            // rejected events, and the client's retry quarantines them again: the quarantine is not
            // deduplicated by message id (known gap). Nothing may be missing, though.
            assertThat(quarantined).as("seed %d: every rejected event quarantined", SEED)
                    .isGreaterThanOrEqualTo(cleanQuarantine[0]);
        } else {
            // a group that failed wrote nothing, so the retry quarantines each rejected event once
            assertThat(quarantined).as("seed %d: each rejected event quarantined once", SEED).isEqualTo(cleanQuarantine[0]);
        }
    }

    @Test
    void failingWriteBacksAreRetriedWhileReadinessSaysSoAndIngestAnswersOverloadedOnceTheLagBoundIsReached()
            throws Exception {
        Map<String, List<Object>> expected = cleanRun(dir.resolve("clean"), batches(), new long[1]);
        Path data = dir.resolve("faulty");
        Seen seen;
        Map<String, List<Object>> live;
        try (Server server = new Server(data)) {
            seen = send(server, batches(), (b, failures) -> {
                if (b == FAULT_FROM && failures == 0) {
                    server.store.inject(Fault.WRITE_BACK);
                } else if (failures >= 3) {
                    server.store.clear();
                }
            });
            live = profiles(server.runtime);
            assertThat(server.ready()).isEqualTo(200);
        }
        assertThat(seen.unavailable()).as("seed %d: overloaded while write-backs failed", SEED).isGreaterThanOrEqualTo(3);
        assertThat(seen.notReadySeen()).as("seed %d: readiness said so", SEED).isTrue();
        assertThat(Duration.ofMillis(seen.slowestFailureMillis())).isLessThan(COMMIT_TIMEOUT.plus(SLACK));
        assertThat(live).as("seed %d", SEED).isEqualTo(expected);
        assertThat(restarted(data)).as("seed %d: after a restart", SEED).isEqualTo(expected);
    }

    @Test
    void aWorkerThatDiedMakesIngestAnswer503AtOnceAndReadinessNameItAndARestartRecoversEverything() throws Exception {
        List<String> batches = batches();
        List<String> inOrder = new ArrayList<>(batches.subList(0, FAULT_FROM));
        inOrder.add(LATE);
        inOrder.addAll(batches.subList(FAULT_FROM, batches.size()));
        Map<String, List<Object>> expected = cleanRun(dir.resolve("clean"), inOrder, new long[1]);
        Path data = dir.resolve("faulty");
        try (Server server = new Server(data)) {
            send(server, batches.subList(0, FAULT_FROM), (b, f) -> { });
            server.runtime.flush();
            server.store.inject(Fault.PROFILE_READ_ERROR);
            // acknowledged: the event is in the log; the worker dies folding it (a new profile is read)
            assertThat(server.client.post("/v1/batch", WRITE, LATE).status()).isEqualTo(200);
            long deadline = System.currentTimeMillis() + 10_000;
            while (server.ready() != 503 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            JsonNode ready = server.client.get("/health/ready", null).body();
            assertThat(ready.get("reasons").toString()).contains("profile worker stopped", "injected");
            assertThat(server.client.get("/health/live", null).status()).isEqualTo(200);
            long start = System.nanoTime();
            Client.Answer refused = server.client.post("/v1/batch", WRITE, batches.get(FAULT_FROM));
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body().get("error").get("message").asText()).contains("profile worker stopped");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(SLACK);
            server.store.clear();
        }
        try (Server again = new Server(data)) {
            long deadline = System.currentTimeMillis() + 30_000;
            while (again.ready() != 200 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(again.ready()).isEqualTo(200);
            send(again, batches.subList(FAULT_FROM, batches.size()), (b, f) -> { });
            assertThat(profiles(again.runtime)).as("seed %d", SEED).isEqualTo(expected);
        }
    }

    @Test
    void whileTheLogReplaysAtStartReadinessSaysRecoveringLivenessAnswersAndQueriesAnswerFromTheStoredState() throws Exception {
        Path data = dir.resolve("recovering");
        List<String> batches = batches();
        try (Server first = new Server(data)) {
            send(first, batches.subList(0, 5), (b, f) -> { });
        }
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        try (Server again = new Server(data, gate)) {
            Client.Answer ready = again.client.get("/health/ready", null);
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.body().get("reasons").toString()).contains("recovering");
            assertThat(again.client.get("/health", null).status()).isEqualTo(503);
            assertThat(again.client.get("/health/live", null).status()).isEqualTo(200);
            // reads never wait for folding (issue 11): while the replay is held, a query answers at once from
            // what the store holds, which after a clean stop is everything
            long during = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> again.runtime.profile("user_id", "u1", null).orElseThrow().version())
                    .get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(during).isPositive();

            gate.countDown();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (again.ready() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(again.runtime.profile("user_id", "u1", null).orElseThrow().version()).isEqualTo(during);
            assertThat(again.runtime.recoveredEvents()).isZero(); // a clean stop wrote everything back
            assertThat(again.ready()).isEqualTo(200);
            send(again, batches.subList(5, 10), (b, f) -> { });
        }
    }
}
