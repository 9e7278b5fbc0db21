package dev.portrait.server.http;

import dev.portrait.core.PortraitException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

class OperationsTest {
    private final ApiHarness api = new ApiHarness();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void healthAnswersOkWithoutAKey() {
        ApiHarness.Answer a = api.get("/health", null);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json().get("status").asText()).isEqualTo("ok");
        assertThat(a.header("Content-Type")).startsWith("application/json");
    }

    @Test
    void readinessAnswers503WithTheReasonsWhileLivenessStays200AndHealthAnswersTheCombinedState() {
        assertThat(api.get("/health/ready", null).status()).isEqualTo(200);
        api.runtime.notReady.add("the profile worker stopped: java.lang.OutOfMemoryError");

        ApiHarness.Answer ready = api.get("/health/ready", null);
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("status").asText()).isEqualTo("unavailable");
        assertThat(ready.json().get("reasons").get(0).asText()).contains("profile worker stopped");
        assertThat(api.get("/health", null).status()).isEqualTo(503);
        assertThat(api.get("/health/live", null).status()).isEqualTo(200);

        api.runtime.notReady.clear();
        assertThat(api.get("/health", null).status()).isEqualTo(200);
    }

    @Test
    void metricsShowTheEventCountersAfterIngestWithoutAKey() {
        String batch = "{\"batch\":[" + ApiHarness.track("m1", "u1") + "," + ApiHarness.track("m1", "u1")
                + ",{\"type\":\"track\",\"userId\":\"u1\",\"timestamp\":\"2024-05-01T11:59:00Z\"}]}";
        assertThat(api.ingest("/v1/batch", batch).status()).isEqualTo(200);

        ApiHarness.Answer a = api.get("/metrics", ApiHarness.READ_KEY);
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.header("Content-Type")).startsWith("text/plain");
        assertThat(a.body())
                .containsPattern("portrait_events_received_total\\{source=\"http\"} 3\\.0")
                .containsPattern("portrait_events_stored_total\\{source=\"http\"} 1\\.0")
                .containsPattern("portrait_events_duplicate_total\\{source=\"http\"} 1\\.0")
                .containsPattern("portrait_events_quarantined_total\\{code=\"missing_event_name\",source=\"http\"} 1\\.0")
                .containsPattern("portrait_http_requests_total\\{method=\"POST\",route=\"/v1/batch\",status=\"200\"} 1\\.0")
                .contains("portrait_http_request_duration_seconds{method=\"POST\",route=\"/v1/batch\",quantile=\"0.5\"}")
                .contains("portrait_http_request_duration_seconds{method=\"POST\",route=\"/v1/batch\",quantile=\"0.99\"}");
    }

    @Test
    void metricsNeedAReadOrAdminKey() {
        assertThat(api.get("/metrics", null).status()).isEqualTo(401);
        assertThat(api.get("/metrics", ApiHarness.WRITE_KEY).status()).isEqualTo(403);
        assertThat(api.get("/metrics", ApiHarness.ADMIN_KEY).status()).isEqualTo(200);
        assertThat(api.get("/health", null).status()).as("health stays open").isEqualTo(200);
    }

    @Test
    void metricsTagUnknownRoutesAsUnmatchedRatherThanByTheirPath() {
        api.get("/wp-admin/setup.php", null);
        String metrics = api.get("/metrics", ApiHarness.READ_KEY).body();
        assertThat(metrics).contains("route=\"unmatched\",status=\"404\"").doesNotContain("wp-admin");
    }

    @Test
    void anUnknownRouteIsA404InTheErrorShape() {
        ApiHarness.Answer a = api.get("/v2/nothing", ApiHarness.READ_KEY);
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.error().get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void aKnownPathWithTheWrongMethodIsA405InTheErrorShape() {
        ApiHarness.Answer a = api.send("PUT", "/v1/batch", HttpRequest.BodyPublishers.ofString("{}"),
                "Content-Type", "application/json");
        assertThat(a.status()).isEqualTo(405);
        assertThat(a.error().get("code").asText()).isEqualTo("method_not_allowed");
    }

    @Test
    void aFailureInsideTheRuntimeIsA500ThatRevealsNothing() {
        api.runtime.ingestFailure = new IllegalStateException("disk /var/lib/portrait/secret exploded");
        ApiHarness.Answer a = api.ingest("/v1/track", ApiHarness.track("m1", "u1"));
        assertThat(a.status()).isEqualTo(500);
        assertThat(a.error().get("code").asText()).isEqualTo("internal_error");
        assertThat(a.body()).doesNotContain("secret").doesNotContain("Exception").doesNotContain("at dev.");
    }

    @Test
    void aRuntimeThatCannotWriteIsA503WithRetryAfter() {
        api.runtime.ingestFailure = new PortraitException("unavailable", "shutting down", null);
        ApiHarness.Answer a = api.ingest("/v1/batch", "{\"batch\":[" + ApiHarness.track("m1", "u1") + "]}");
        assertThat(a.status()).isEqualTo(503);
        assertThat(a.error().get("code").asText()).isEqualTo("unavailable");
        assertThat(a.header("Retry-After")).isEqualTo("1");
    }

    @Test
    void anUnlistedRuntimeErrorCodeIsA500WithoutItsMessage() {
        api.runtime.ingestFailure = new PortraitException("corrupt_event", "segment file /data/log/7 is corrupt", "$");
        ApiHarness.Answer a = api.ingest("/v1/track", ApiHarness.track("m1", "u1"));
        assertThat(a.status()).isEqualTo(500);
        assertThat(a.error().get("code").asText()).isEqualTo("internal_error");
        assertThat(a.body()).doesNotContain("/data/log");
    }

    @Test
    void aBrowserOnAnotherOriginMayPostEventsAfterItsPreflight() {
        ApiHarness.Answer preflight = api.send("OPTIONS", "/v1/batch", java.net.http.HttpRequest.BodyPublishers.noBody(),
                "Origin", "https://shop.example", "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "authorization,content-type");
        assertThat(preflight.status()).isBetween(200, 204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isPresent();

        ApiHarness.Answer post = api.postJson("/v1/batch", "{\"batch\":[" + ApiHarness.track("m-cors", "u1") + "]}",
                "Origin", "https://shop.example", "Authorization", ApiHarness.basic(ApiHarness.WRITE_KEY));
        assertThat(post.status()).isEqualTo(200);
        assertThat(post.headers().firstValue("Access-Control-Allow-Origin")).isPresent();
    }
}
