package dev.portrait.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shaded jar as users run it: a separate JVM started with {@code java -jar}, which proves that the
 * jar's manifest, merged service files and native libraries are complete (a missing Jetty or Jackson
 * service file only shows up here, never in the module's own tests).
 */
class PortraitJarIT {
    private static final Pattern LISTENING = Pattern.compile("listening on http://([^:/\\s]+):(\\d+)");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    private static List<String> java(String... args) {
        String configured = System.getProperty("portrait.jar");
        String jar = configured == null ? "target/portrait.jar" : configured;
        if (configured == null) {
            // run by surefire through a -Dtest pattern, in the test phase, which comes before package
            Assumptions.assumeTrue(Files.exists(Path.of(jar)), "no " + jar + " yet: run mvn verify");
        }
        assertThat(Path.of(jar)).as("the shaded jar (failsafe runs after package)").exists();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theShadedJarServesIngestsAnswersAProfileAndShutsDownCleanly() throws Exception {
        Path data = tmp.resolve("data");
        Process server = new ProcessBuilder(java("serve", "--data", data.toString(), "--port", "0", "--host", "127.0.0.1",
                "--write-key", "wk-it", "--read-key", "rk-it"))
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        seen.append(line).append('\n');
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            return Integer.parseInt(m.group(2));
                        }
                    }
                    throw new IllegalStateException("the server ended before it listened:\n" + seen);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            int p = port.get(40, TimeUnit.SECONDS);
            drain(out);
            String base = "http://127.0.0.1:" + p;

            assertThat(get(base + "/health", null).statusCode()).isEqualTo(200);

            HttpResponse<String> track = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/track"))
                    .header("Authorization", basic("wk-it"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"jar-user\",\"event\":\"Product Viewed\","
                            + "\"messageId\":\"m-1\",\"properties\":{\"product_id\":\"p1\",\"category\":\"books\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(track.statusCode()).as(track.body()).isEqualTo(200);
            assertThat(track.body()).contains("\"stored\":1");

            // reads never wait for folding unless they carry the ingest answer's position (read-your-writes)
            String position = track.headers().firstValue("X-Portrait-Position").orElseThrow();
            HttpResponse<String> profile = get(base + "/v1/profiles/user_id/jar-user?position=" + position, "rk-it");
            assertThat(profile.statusCode()).as(profile.body()).isEqualTo(200);
            JsonNode json = new ObjectMapper().readTree(profile.body());
            assertThat(json.path("version").asLong()).isEqualTo(1);
            assertThat(json.path("features").path("views_24h").asLong()).isEqualTo(1);
            assertThat(get(base + "/v1/profiles/user_id/jar-user", "wk-it").statusCode()).as("a write key may not read")
                    .isEqualTo(403);

            server.destroy(); // SIGTERM: the shutdown hook closes HTTP, the runtime and the store
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
        } finally {
            server.destroyForcibly();
        }

        // the store was closed cleanly (its lock released) and the event is in the profile
        Process read = new ProcessBuilder(java("profile", "user_id", "jar-user", "--data", data.toString()))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String printed = new String(read.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(read.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(read.exitValue()).as(printed).isZero();
        assertThat(new ObjectMapper().readTree(printed).path("version").asLong()).isEqualTo(1);
    }

    private HttpResponse<String> get(String url, String key) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (key != null) {
            b.header("Authorization", basic(key));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    /** Keeps reading the server's output so it never blocks on a full pipe. */
    private static void drain(BufferedReader out) {
        Thread t = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "drain");
        t.setDaemon(true);
        t.start();
    }
}
