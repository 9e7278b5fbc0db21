package dev.portrait.server.e2e;

import dev.portrait.server.testing.MutableClock;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.server.PortraitServer;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /metrics} of a real server (RocksDB store, every door used once) as Prometheus's own tool,
 * {@code promtool check metrics}, judges it; and the JVM, process and store figures an operator expects
 * are there. promtool comes with Debian's {@code prometheus} package, which {@code .ci/run} installs;
 * where it is missing the promtool test is skipped with a message saying so.
 */
class MetricsExpositionIT {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String WRITE = "wk-metrics";
    private static final String READ = "rk-metrics";

    @TempDir
    static Path data;
    private static PortraitServer server;
    private static String exposition;

    @BeforeAll
    static void startServeAndScrape() throws Exception {
        HttpConfig http = HttpConfig.of(0, new HttpConfig.ApiKeys(Set.of(WRITE), Set.of(READ), Set.of())).withOpenMetrics(true);
        server = PortraitServer.start(new PortraitServer.Settings(data, DefinitionLoader.defaultEcommerce(), http,
                RuntimeOptions.defaults(), StoreOptions.defaults()), new MutableClock(START));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String event = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\"u%d\",\"messageId\":\"m%d\","
                + "\"timestamp\":\"2026-03-01T09:59:00Z\",\"properties\":{\"product_id\":\"p1\"}}";
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 50; i++) {
            batch.append(i == 0 ? "" : ",").append(String.format(event, i % 7, i));
        }
        // one of each answer: stored, duplicate, quarantined, an SDK short path, SDK metrics, an unknown route
        batch.append(",").append(String.format(event, 1, 1)).append(",{\"type\":\"track\",\"userId\":\"u1\"}]}");
        assertThat(send(client, "POST", "/v1/batch", batch.toString(), "application/json", true)).isEqualTo(200);
        assertThat(send(client, "POST", "/v1/t", String.format(event, 1, 99).replace("}}",
                "},\"writeKey\":\"" + WRITE + "\"}"), "text/plain", false)).isEqualTo(200);
        assertThat(send(client, "POST", "/v1/m", "{\"series\":[{\"type\":\"Counter\",\"metric\":\"analytics_js.invoke\","
                + "\"value\":1,\"tags\":{\"library\":\"analytics.js\"}}]}", "text/plain", false)).isEqualTo(200);
        assertThat(send(client, "GET", "/no/such/route", null, null, false)).isEqualTo(404);
        awaitFolded();
        // the feedback loop: an answer served at placement home, shown and clicked, so its series are exposed too
        HttpResponse<String> served = client.send(HttpRequest.newBuilder(uri("/v1/profiles/user_id/u1/recommendations"
                        + "?placement=home")).header("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString((READ + ":").getBytes(StandardCharsets.UTF_8))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        String id = served.body().replaceAll(".*\"recommendationId\":\"([^\"]+)\".*", "$1");
        String feedback = "{\"type\":\"track\",\"event\":\"%s\",\"userId\":\"u1\",\"messageId\":\"f%d\","
                + "\"timestamp\":\"2026-03-01T10:00:00Z\",\"properties\":{\"recommendation_id\":\"" + id
                + "\",\"product_id\":\"p1\"}}";
        assertThat(send(client, "POST", "/v1/batch", "{\"batch\":[" + String.format(feedback, "Recommendation Shown", 1)
                + "," + String.format(feedback, "Recommendation Clicked", 2) + "]}", "application/json", true)).isEqualTo(200);
        awaitFolded();
        // the models learn one queue behind the fold; this read waits until they have absorbed the two events
        assertThat(client.send(HttpRequest.newBuilder(uri("/v1/recommendations/feedback")).header("Authorization",
                "Basic " + java.util.Base64.getEncoder().encodeToString((READ + ":").getBytes(StandardCharsets.UTF_8)))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).body()).contains("\"clicked\":1");
        HttpResponse<String> scrape = client.send(HttpRequest.newBuilder(uri("/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        exposition = scrape.body();
    }

    /** Lets the worker fold, so the pipeline gauges and the store's tables have moved. */
    private static void awaitFolded() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.runtime().lag() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void promtoolFindsNothingToSayAboutTheExposition() throws Exception {
        Optional<Path> promtool = onPath("promtool");
        Assumptions.assumeTrue(promtool.isPresent(), "promtool is not on the PATH, so /metrics was not checked: "
                + "install Debian's prometheus package (apt-get install -y prometheus), as .ci/run does");
        Path input = data.resolve("metrics.txt");
        Files.writeString(input, exposition);
        Process check = new ProcessBuilder(promtool.get().toString(), "check", "metrics")
                .redirectInput(input.toFile()).redirectErrorStream(true).start();
        String said;
        try (var out = check.getInputStream()) {
            said = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(check.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();

        assertThat(said).as("promtool check metrics said").isEmpty();
        assertThat(check.exitValue()).isZero();
        assertThat(exposition).as("the exposition it passed is not empty").contains("portrait_events_stored_total");
    }

    @Test
    void theJvmProcessAndRocksDbFiguresAreThereBesideOurs() {
        assertThat(exposition)
                .contains("jvm_memory_used_bytes{area=\"heap\"")
                .contains("jvm_gc_memory_allocated_bytes_total")
                .contains("jvm_threads_live_threads")
                .contains("jvm_classes_loaded_classes")
                .contains("process_cpu_usage")
                .contains("system_cpu_processors")
                .contains("process_cpu_seconds_total")
                .contains("process_uptime_seconds")
                .contains("process_files_open_files")
                .contains("process_files_max_files")
                .containsPattern("portrait_store_sst_files_bytes\\{table=\"events\"}")
                .containsPattern("portrait_store_memtables_bytes\\{table=\"profiles\"}")
                .containsPattern("portrait_store_pending_compaction_bytes\\{table=\"events\"}")
                .contains("portrait_store_block_cache_usage_bytes")
                // the cache is sized by this process's memory budget (MemoryBudget: a quarter of PORTRAIT_MEMORY)
                .contains("portrait_store_block_cache_capacity_bytes " + (double) dev.portrait.server.runtime.MemoryBudget
                        .ofThisProcess().store().blockCacheBytes())
                .contains("portrait_store_background_errors 0.0")
                .contains("# HELP portrait_pipeline_lag_events")
                .contains("# HELP portrait_log_applied_sequence")
                .contains("portrait_sdk_metrics_total{metric=\"analytics_js.invoke\"} 1.0");
        // 53 events reached the log (50 + the single call + shown and clicked; the duplicate and the quarantined
        // one did not), in blocks (one key per group commit), and the worker applied them all
        assertThat(gauge("portrait_log_applied_sequence")).isEqualTo(53.0);
        assertThat(gauge("portrait_store_keys{table=\"events\"}")).as("log blocks").isBetween(1.0, 53.0);
        assertThat(gauge("portrait_store_keys{table=\"quarantine\"}")).as("the quarantined one").isPositive();
    }

    @Test
    void theFeedbackLoopsCountsArePerModelPlacementAndVariant() {
        String row = "{experiment=\"none\",model=\"recommender\",placement=\"home\",variant=\"none\"}";
        assertThat(gauge("portrait_recommendations_shown" + row)).isEqualTo(1.0);
        assertThat(gauge("portrait_recommendations_clicked" + row)).isEqualTo(1.0);
        assertThat(gauge("portrait_recommendations_converted" + row)).isEqualTo(0.0);
        assertThat(gauge("portrait_recommendations_ctr" + row)).isEqualTo(1.0);
        assertThat(exposition).contains("# HELP portrait_recommendations_conversion_rate");
    }

    private static double gauge(String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError(series + " is not in /metrics"));
    }

    private static int send(HttpClient client, String method, String path, String body, String contentType,
                            boolean basic) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (basic) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((WRITE + ":")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
