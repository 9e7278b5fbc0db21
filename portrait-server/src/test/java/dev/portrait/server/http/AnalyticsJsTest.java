package dev.portrait.server.http;

import dev.portrait.server.port.IncomingEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.portrait.server.http.AnalyticsJs.V1_83;
import static dev.portrait.server.http.AnalyticsJs.V1_84;
import static org.assertj.core.api.Assertions.assertThat;

/** Segment's browser SDK, analytics.js, talking to Portrait with exactly its requests ({@link AnalyticsJs}). */
class AnalyticsJsTest {
    private final ApiHarness api = new ApiHarness();

    @AfterEach
    void stop() {
        api.close();
    }

    @ParameterizedTest
    @CsvSource({"t, track", "i, identify", "p, page", "s, screen", "g, group", "a, alias"})
    void eachSingleCallPostedToItsLetterIsStoredUnderItsType(String letter, String type) {
        for (String version : List.of(V1_83, V1_84)) {
            String body = AnalyticsJs.stringify(AnalyticsJs.event(type, "ajs-next-" + version + "-" + type, "u1", version));
            ApiHarness.Answer a = AnalyticsJs.post(api, "/v1/" + letter, body, version, 0);

            assertThat(a.status()).as("%s %s: %s", version, letter, a.body()).isEqualTo(200);
            assertThat(a.json().get("stored").asInt()).as(a.body()).isEqualTo(1);
            assertThat(a.header("Access-Control-Allow-Origin")).as("the browser may read the answer").isEqualTo("*");
        }
        List<IncomingEvent> given = api.runtime.given();
        assertThat(given).hasSize(2);
        for (IncomingEvent e : given) {
            assertThat(e.json()).containsEntry("type", type).containsEntry("sentAt", "2024-05-01T11:59:00.125Z")
                    .doesNotContainKey("writeKey");
            assertThat(new String(e.raw(), StandardCharsets.UTF_8)).doesNotContain(ApiHarness.WRITE_KEY);
        }
    }

    @Test
    void aVisitorWhoHasNotIdentifiedIsSentWithANullUserIdAndStoredByAnonymousId() {
        String body = AnalyticsJs.stringify(AnalyticsJs.event("track", "ajs-next-anon", null, V1_83));
        assertThat(body).contains("\"userId\":null");

        ApiHarness.Answer a = AnalyticsJs.post(api, "/v1/t", body, V1_83, 0);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).as(a.body()).isEqualTo(1);
    }

    @Test
    void beforeVersion184ASingleCallIsASimpleRequestThatNeedsNoPreflight() {
        // text/plain and no other header: a CORS "simple" request, so the browser posts at once and only
        // needs Access-Control-Allow-Origin on the answer, which every answer carries, errors included
        String body = AnalyticsJs.stringify(AnalyticsJs.event("track", "ajs-next-simple", "u1", V1_83));
        String[] headers = AnalyticsJs.headers(V1_83, 0);
        assertThat(headers).containsExactly("Content-Type", "text/plain", "Origin", AnalyticsJs.ORIGIN);

        ApiHarness.Answer ok = AnalyticsJs.post(api, "/v1/t", body, V1_83, 0);
        ApiHarness.Answer wrongKey = AnalyticsJs.post(api, "/v1/t", body.replace(ApiHarness.WRITE_KEY, "wk_other"),
                V1_83, 0);

        assertThat(ok.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(wrongKey.status()).isEqualTo(401);
        assertThat(wrongKey.header("Access-Control-Allow-Origin")).as("so the SDK sees 401 and drops, not retries")
                .isEqualTo("*");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/v1/t | authorization",
            "/v1/t | authorization,x-retry-count",
            "/v1/b | authorization",
            "/v1/b | authorization,x-retry-count"})
    void fromVersion184TheBasicHeaderMakesAPreflightWhichAllowsWhatItAsksFor(String path, String requested) {
        ApiHarness.Answer preflight = AnalyticsJs.preflight(api, path, requested);

        assertThat(preflight.status()).isBetween(200, 204);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(preflight.header("Access-Control-Allow-Methods")).containsIgnoringCase("POST");
        for (String header : requested.split(",")) {
            assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase(header);
        }
        assertThat(preflight.header("Access-Control-Max-Age")).as("one preflight per path, not per event")
                .isEqualTo("7200");
        assertThat(api.runtime.given()).isEmpty();
    }

    @Test
    void aRetriedCallWithXRetryCountIsAbsorbedAsADuplicate() {
        String body = AnalyticsJs.stringify(AnalyticsJs.event("track", "ajs-next-retried", "u1", V1_84));

        ApiHarness.Answer first = AnalyticsJs.post(api, "/v1/t", body, V1_84, 0);
        ApiHarness.Answer retry = AnalyticsJs.post(api, "/v1/t", body, V1_84, 1);

        assertThat(first.json().get("stored").asInt()).isEqualTo(1);
        assertThat(retry.status()).as(retry.body()).isEqualTo(200);
        assertThat(retry.json().get("duplicates").asInt()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {V1_83, V1_84})
    void aBatchToBTakesTheWriteKeyAndSentAtFromTheBatch(String version) {
        List<Map<String, Object>> events = List.of(
                AnalyticsJs.event("page", "ajs-next-b1", null, version),
                AnalyticsJs.event("track", "ajs-next-b2", null, version),
                AnalyticsJs.event("identify", "ajs-next-b3", "u1", version));
        String body = AnalyticsJs.batchBody(events);
        assertThat(body).startsWith("{\"writeKey\":\"" + ApiHarness.WRITE_KEY + "\",\"batch\":[");

        ApiHarness.Answer a = AnalyticsJs.post(api, "/v1/b", body, version, 0);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).as(a.body()).isEqualTo(3);
        assertThat(a.header("Access-Control-Allow-Origin")).isEqualTo("*");
        for (IncomingEvent e : api.runtime.given()) {
            assertThat(e.json()).containsEntry("sentAt", "2024-05-01T11:59:01.000Z").doesNotContainKey("writeKey");
            assertThat(new String(e.raw(), StandardCharsets.UTF_8)).doesNotContain(ApiHarness.WRITE_KEY);
        }
    }

    @Test
    void aKeepaliveSizedBatchSentAsThePageUnloadsIsStoredWhole() {
        // on pagehide the SDK sends its buffer in chunks that grow until they reach 64 KB (chunks() in
        // batched-dispatcher.ts), with keepalive: a body just under the browser's 64 KiB keepalive quota
        List<Map<String, Object>> events = AnalyticsJs.eventsFillingABatchOf(63 * 1024);
        String body = AnalyticsJs.batchBody(events);
        assertThat(body.length()).isBetween(63 * 1024, 64 * 1024);

        ApiHarness.Answer a = AnalyticsJs.post(api, "/v1/b", body, V1_84, 0);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).isEqualTo(events.size());
    }

    @Test
    void theLargestBatchTheSdkBuildsIsStoredWhole() {
        // buildBatch() stops adding events once the batch approaches 450 KB (MAX_PAYLOAD_SIZE 500 - 50)
        List<Map<String, Object>> events = AnalyticsJs.eventsFillingABatchOf(450 * 1024);
        assertThat(AnalyticsJs.batchBody(events).length()).isBetween(450 * 1024, 451 * 1024);

        ApiHarness.Answer a = AnalyticsJs.post(api, "/v1/b", AnalyticsJs.batchBody(events), V1_84, 0);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("stored").asInt()).isEqualTo(events.size());
    }

    @Test
    void theSdksDeliveryMetricsAreAcknowledgedAndCountedButNeverStoredAsEvents() {
        String body = AnalyticsJs.metricsBody("analytics_js.invoke", "analytics_js.invoke",
                "analytics_js.integration.invoke", "analytics_js.invoke.error");
        // RemoteMetrics.send(): text/plain, no key, no other header
        ApiHarness.Answer a = api.send("POST", "/v1/m", HttpRequest.BodyPublishers.ofString(body),
                "Content-Type", "text/plain", "Origin", AnalyticsJs.ORIGIN);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("counted").asInt()).isEqualTo(4);
        assertThat(a.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(api.runtime.given()).as("metrics are not events").isEmpty();
        assertThat(api.get("/metrics", ApiHarness.READ_KEY).body())
                .contains("portrait_sdk_metrics_total{metric=\"analytics_js.invoke\"} 2.0")
                .contains("portrait_sdk_metrics_total{metric=\"analytics_js.integration.invoke\"} 1.0")
                .contains("portrait_sdk_metrics_total{metric=\"analytics_js.invoke.error\"} 1.0")
                .doesNotContain("library_version");
    }

    @Test
    void sdkMetricsNamesOffTheAllowListShareOneSeriesSoNoPosterCanAddSeries() {
        for (int i = 0; i < 50; i++) {
            api.send("POST", "/v1/m", HttpRequest.BodyPublishers.ofString(
                    AnalyticsJs.metricsBody("analytics_js.made_up_" + i, "bitcoin_" + i)), "Content-Type", "text/plain");
        }
        ApiHarness.Answer bad = api.send("POST", "/v1/m", HttpRequest.BodyPublishers.ofString(
                "{\"series\":[{\"type\":\"Counter\",\"metric\":\"analytics_js.invoke\",\"value\":1e300},"
                        + "{\"type\":\"Gauge\",\"metric\":\"analytics_js.invoke\",\"value\":1},7]}"),
                "Content-Type", "text/plain");

        String metrics = api.get("/metrics", ApiHarness.READ_KEY).body();
        assertThat(metrics).contains("portrait_sdk_metrics_total{metric=\"other\"} 100.0")
                .doesNotContain("made_up").doesNotContain("bitcoin")
                .doesNotContain("portrait_sdk_metrics_total{metric=\"analytics_js.invoke\"}")
                .contains("portrait_sdk_metrics_ignored_total 3.0");
        assertThat(bad.json().get("ignored").asInt()).isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json           | 400 | malformed_json",
            "{\"series\":{}}    | 400 | invalid_request",
            "{}                 | 400 | invalid_request"})
    void anSdkMetricsBodyOfTheWrongShapeIsA400(String body, int status, String code) {
        ApiHarness.Answer a = api.send("POST", "/v1/m", HttpRequest.BodyPublishers.ofString(body),
                "Content-Type", "text/plain");
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.error().get("code").asText()).isEqualTo(code);
    }

    @Test
    void anSdkMetricsBodyOver64KiBIsA413() {
        ApiHarness.Answer a = api.send("POST", "/v1/m", HttpRequest.BodyPublishers.ofString(
                "{\"series\":[\"" + "x".repeat(SdkMetricsRoute.MAX_BYTES) + "\"]}"), "Content-Type", "text/plain");
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.error().get("code").asText()).isEqualTo("request_too_large");
    }
}
