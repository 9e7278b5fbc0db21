package dev.portrait.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded runtime as users run it, in a child JVM from {@code portrait-cli/target/portrait.jar}
 * (it cannot share this JVM: its store brings rocksdbjni, Flink brings its own RocksDB fork): events are
 * imported with {@code portrait import}, then {@code portrait serve} answers profile queries over HTTP.
 */
final class EmbeddedPortrait implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://([^:/\\s]+):(\\d+)");
    private static final String READ_KEY = "rk-equivalence-0123456789ab";
    /**
     * The profile-id secret both runtimes name people under (the store's {@code ProfileIdSecret.ENV}; the job's
     * {@link JobSettings#profileIdSecret()}): without one shared secret every store derives its own, and the
     * same person has two ids.
     */
    static final String PROFILE_ID_SECRET = "equivalence-it profile id secret";
    private static final String PROFILE_ID_SECRET_ENV = "PORTRAIT_PROFILE_ID_SECRET";
    private static final String WRITE_KEY = "wk-equivalence-0123456789ab";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final Process server;
    private final String base;

    private EmbeddedPortrait(Process server, String base) {
        this.server = server;
        this.base = base;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("portrait.jar", "../portrait-cli/target/portrait.jar"));
        assertThat(jar).as("portrait-cli's shaded jar (built before portrait-flink in the reactor)").exists();
        return jar;
    }

    private static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar().toString()));
        command.addAll(List.of(args));
        return command;
    }

    /** {@code portrait serve --kafka}: the HTTP API in front of the job's topics. */
    static EmbeddedPortrait serveKafka(String bootstrap, String topicPrefix) throws Exception {
        return serve(new ProcessBuilder(java("serve", "--kafka", bootstrap, "--topic-prefix", topicPrefix, "--port", "0",
                "--host", "127.0.0.1", "--read-key", READ_KEY, "--write-key", WRITE_KEY)));
    }

    /** Imports {@code events} (JSON lines) into a new data directory and serves it. */
    static EmbeddedPortrait importAndServe(Path events, Path data) throws Exception {
        ProcessBuilder importing = new ProcessBuilder(java("import", events.toString(), "--data", data.toString()));
        importing.environment().put(PROFILE_ID_SECRET_ENV, PROFILE_ID_SECRET);
        Process importer = importing.redirectErrorStream(true).redirectOutput(data.resolveSibling("import.log").toFile()).start();
        assertThat(importer.waitFor(180, TimeUnit.SECONDS)).as("import finished").isTrue();
        assertThat(importer.exitValue()).as(Files.readString(data.resolveSibling("import.log"))).isZero();

        ProcessBuilder serving = new ProcessBuilder(java("serve", "--data", data.toString(), "--port", "0", "--host",
                "127.0.0.1", "--read-key", READ_KEY));
        serving.environment().put(PROFILE_ID_SECRET_ENV, PROFILE_ID_SECRET);
        return serve(serving);
    }

    private static EmbeddedPortrait serve(ProcessBuilder command) throws Exception {
        Process server = command.redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    seen.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        return Integer.parseInt(m.group(2));
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("the server ended before it listened:\n" + seen);
        });
        int p = port.get(60, TimeUnit.SECONDS);
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // keep the pipe empty
                }
            } catch (IOException ignored) {
                // the server stopped
            }
        }, "embedded-output");
        drain.setDaemon(true);
        drain.start();
        return new EmbeddedPortrait(server, "http://127.0.0.1:" + p);
    }

    /** The profile an identifier belongs to, as {@code GET /v1/profiles/{idType}/{id}} answers it, or empty. */
    Optional<JsonNode> profileOf(String idType, String id) throws Exception {
        return get("/v1/profiles/" + idType + "/" + enc(id));
    }

    /** The raw answer to a GET, for error answers. */
    HttpResponse<String> rawGet(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", basic(READ_KEY)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs one event to /v1/track with the write key. */
    HttpResponse<String> track(byte[] event) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/track"))
                .header("Authorization", basic(WRITE_KEY)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(event)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    private Optional<JsonNode> get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((READ_KEY + ":")
                        .getBytes(StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Optional.of(json.readTree(r.body()));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        server.destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
    }
}
