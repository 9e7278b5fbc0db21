package dev.portrait.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portrait.core.event.EventCodec;
import dev.portrait.synth.SyntheticConfig;
import dev.portrait.synth.SyntheticEvent;
import dev.portrait.synth.SyntheticStream;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams the synthetic shop into a running server over HTTP, as an SDK would: {@code /v1/batch} with
 * the write key by HTTP Basic, from one background thread, at a bounded rate.
 *
 * <p><b>Time.</b> The generator has its own simulated clock. The demo starts it at the wall clock and
 * never sends an event before its simulated time has come, so event times stay "now" (the cleaner would
 * quarantine events from the future), windows such as {@code views_1h} fill as they would in production,
 * and interest drift happens while one watches: the drift window is {@link #DRIFT_WINDOW}, so the people
 * who drift change their favourite category 10 to 20 minutes in. The generator's event rate in
 * simulated time is set by its number of open sessions over their think times; {@link #calibrated}
 * measures it on a probe stream and scales the think time so that the simulated rate is a little above
 * the requested one, leaving the rate limit in charge.
 *
 * <p>The stream keeps its default flaws (0.5% duplicates, 0.5% malformed events), so the quarantine
 * and the dedup have something to show.
 */
final class DemoTraffic implements AutoCloseable {
    static final Duration DRIFT_WINDOW = Duration.ofMinutes(30);
    private static final int BATCH = 100;
    private static final long MAX_BATCH_WAIT_MS = 200;
    private static final int PROBE_EVENTS = 20_000;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI batchUri;
    private final String authorization;
    private final SyntheticStream stream;
    private final double rate;
    private final Clock clock;
    private final Thread thread;
    private final Map<String, Long> storedByUser = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong stored = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failedBatches = new AtomicLong();
    private volatile String lastFailure;
    private volatile boolean running = true;

    DemoTraffic(URI base, String writeKey, SyntheticConfig config, double rate, Clock clock) {
        this.batchUri = base.resolve("/v1/batch");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((writeKey + ":").getBytes(StandardCharsets.UTF_8));
        this.stream = SyntheticStream.of(config);
        this.rate = rate;
        this.clock = clock;
        this.thread = new Thread(this::run, "portrait-demo-traffic");
        this.thread.setDaemon(true);
    }

    /**
     * The demo's generator: {@code users} people, starting now, drifting within {@link #DRIFT_WINDOW},
     * with a think time scaled so the simulated event rate is about 1.2 × {@code rate}.
     */
    static SyntheticConfig calibrated(long seed, int users, double rate, Instant now) {
        SyntheticConfig base = SyntheticConfig.defaults(seed).withUsers(users).withStart(now)
                .withDrift(0.5, DRIFT_WINDOW).withConcurrentSessions(Math.min(users, 2_000));
        SyntheticStream probe = SyntheticStream.of(base.withSeed(seed ^ 0x5DEECE66DL)).limit(PROBE_EVENTS);
        while (probe.hasNext()) {
            probe.next();
        }
        double simulatedSeconds = Math.max(1e-3, (probe.clock().toEpochMilli() - now.toEpochMilli()) / 1000.0);
        double probeRate = PROBE_EVENTS / simulatedSeconds;
        // events per simulated second scale with 1 / think time at a fixed number of sessions
        long gapMillis = Math.max(1, Math.round(base.medianGap().toMillis() * probeRate / (1.2 * rate)));
        return base.withMedianGap(Duration.ofMillis(gapMillis));
    }

    void start() {
        thread.start();
    }

    private void run() {
        long t0 = clock.millis();
        List<Map<String, Object>> batch = new ArrayList<>(BATCH);
        long batchStarted = 0;
        while (running) {
            SyntheticEvent e = stream.next();
            long due = Math.max(stream.clock().toEpochMilli(), t0 + (long) (sent.get() * 1000 / rate));
            // wait for the event's time, sending what has gathered if it has waited long enough
            while (running) {
                long now = clock.millis();
                if (!batch.isEmpty() && now - batchStarted >= MAX_BATCH_WAIT_MS) {
                    send(batch);
                    batch = new ArrayList<>(BATCH);
                }
                if (now >= due) {
                    break;
                }
                long wake = batch.isEmpty() ? due : Math.min(due, batchStarted + MAX_BATCH_WAIT_MS);
                sleep(Math.max(1, wake - now));
            }
            if (batch.isEmpty()) {
                batchStarted = clock.millis();
            }
            batch.add(e.json());
            sent.incrementAndGet();
            if (batch.size() >= BATCH) {
                send(batch);
                batch = new ArrayList<>(BATCH);
            }
        }
    }

    private void send(List<Map<String, Object>> batch) {
        byte[] body;
        try {
            body = EventCodec.mapper().writeValueAsBytes(Map.of("batch", batch));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("synthetic events hold plain JSON values", e);
        }
        HttpRequest request = HttpRequest.newBuilder(batchUri)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                failed("HTTP " + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8));
                return;
            }
            tally(batch, EventCodec.mapper().readTree(response.body()));
        } catch (IOException e) {
            failed(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void tally(List<Map<String, Object>> batch, JsonNode answer) {
        stored.addAndGet(answer.path("stored").asLong());
        duplicates.addAndGet(answer.path("duplicates").asLong());
        Set<Integer> bad = new HashSet<>();
        for (JsonNode r : answer.path("rejected")) {
            bad.add(r.path("index").asInt());
        }
        rejected.addAndGet(bad.size());
        for (int i = 0; i < batch.size(); i++) {
            if (!bad.contains(i) && batch.get(i).get("userId") instanceof String user) {
                storedByUser.merge(user, 1L, Long::sum);
            }
        }
    }

    private void failed(String why) {
        failedBatches.incrementAndGet();
        lastFailure = why;
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** The identified user with the most events so far, if one has at least {@code min}. */
    Optional<String> busiestUser(long min) {
        return storedByUser.entrySet().stream().filter(e -> e.getValue() >= min)
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    long sent() {
        return sent.get();
    }

    long stored() {
        return stored.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    long rejected() {
        return rejected.get();
    }

    long failedBatches() {
        return failedBatches.get();
    }

    String lastFailure() {
        return lastFailure;
    }

    /** Stops sending and waits (briefly) for the sending thread to end. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
