package dev.portrait.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * The API started on port 0 over an {@link InMemoryRuntime}, and a JDK HTTP client pointed at it.
 * One per test; close it after.
 */
final class ApiHarness implements AutoCloseable {
    static final String WRITE_KEY = "wk_test_write";
    static final String READ_KEY = "rk_test_read";
    static final String ADMIN_KEY = "ak_test_admin";
    /** The server's clock: events are placed just before it so the cleaner's time limits pass. */
    static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
    static final ObjectMapper JSON = new ObjectMapper();

    final InMemoryRuntime runtime = new InMemoryRuntime();
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final HttpApi api;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    ApiHarness() {
        this(HttpConfig.Limits.DEFAULT);
    }

    ApiHarness(HttpConfig.Limits limits) {
        this(limits, HttpConfig.Perimeter.DEFAULT);
    }

    ApiHarness(HttpConfig.Perimeter perimeter) {
        this(HttpConfig.Limits.DEFAULT, perimeter);
    }

    ApiHarness(HttpConfig.Limits limits, HttpConfig.Perimeter perimeter) {
        HttpConfig config = new HttpConfig("127.0.0.1", 0, new HttpConfig.ApiKeys(Set.of(WRITE_KEY), Set.of(READ_KEY),
                Set.of(ADMIN_KEY)), limits, false, perimeter);
        api = HttpApi.start(config, runtime, runtime, runtime, registry, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    /** A request to the API; {@code headers} are name, value pairs. */
    Answer send(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(20)).method(method, body);
        if (headers.length > 0) {
            b.headers(headers);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer postJson(String path, String body, String... extraHeaders) {
        return send("POST", path, HttpRequest.BodyPublishers.ofString(body), concat(new String[] {
                "Content-Type", "application/json"}, extraHeaders));
    }

    /** Posts with the write key by HTTP Basic, as analytics-node and RudderStack do. */
    Answer ingest(String path, String body) {
        return postJson(path, body, "Authorization", basic(WRITE_KEY));
    }

    Answer get(String path, String key) {
        return key == null ? send("GET", path, HttpRequest.BodyPublishers.noBody())
                : send("GET", path, HttpRequest.BodyPublishers.noBody(), "Authorization", "Bearer " + key);
    }

    static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A valid track event placed one minute before {@link #NOW}. */
    static String track(String messageId, String userId) {
        return "{\"type\":\"track\",\"event\":\"Product Viewed\",\"messageId\":\"" + messageId + "\",\"userId\":\""
                + userId + "\",\"timestamp\":\"2024-05-01T11:59:00Z\",\"properties\":{\"product_id\":\"p1\"}}";
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Override
    public void close() {
        api.close();
    }

    record Answer(int status, HttpHeaders headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        /** The error object of the shared error shape, checked to have exactly code, message and path. */
        JsonNode error() {
            JsonNode root = json();
            if (root.size() != 1 || !root.has("error")) {
                throw new AssertionError("not the error shape: " + body);
            }
            JsonNode e = root.get("error");
            if (e.size() != 3 || !e.has("code") || !e.has("message") || !e.has("path")) {
                throw new AssertionError("error object is not {code, message, path}: " + body);
            }
            return e;
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }
}
