package dev.portrait.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge of the API as a hostile or careless client meets it, over real sockets: CORS only where browsers
 * post events, Jetty's own refusals in our JSON shape, a body trickled too slowly, rate limits.
 */
class PerimeterIT {
    private static final String PREFLIGHT_HEADERS = "authorization,content-type";

    // ---- CORS

    @Test
    void everyIngestRouteAnswersAPreflightAndNoOtherRouteDoes() {
        try (ApiHarness api = new ApiHarness()) {
            List<String> refused = new ArrayList<>();
            for (String route : api.api.routes()) {
                String method = route.substring(0, route.indexOf(' '));
                String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "x");
                ApiHarness.Answer a = api.send("OPTIONS", path, HttpRequest.BodyPublishers.noBody(),
                        "Origin", "https://shop.example", "Access-Control-Request-Method", method,
                        "Access-Control-Request-Headers", PREFLIGHT_HEADERS);
                if (HttpApi.CROSS_ORIGIN_PATHS.contains(path)) {
                    assertThat(a.status()).as("preflight %s", route).isBetween(200, 299);
                    assertThat(a.header("Access-Control-Allow-Origin")).as(route).isEqualTo("*");
                    assertThat(a.header("Access-Control-Allow-Headers")).as(route).isEqualTo(PREFLIGHT_HEADERS);
                    assertThat(a.header("Access-Control-Max-Age")).as(route).isEqualTo("7200");
                } else {
                    refused.add(route);
                    assertThat(a.headers().map().keySet()).as("preflight %s: %s", route, a.headers().map())
                            .noneMatch(h -> h.toLowerCase(java.util.Locale.ROOT).startsWith("access-control-allow"));
                }
            }
            assertThat(refused).as("the control: admin and query routes were asked too")
                    .contains("DELETE /v1/profiles/{idType}/{id}", "GET /v1/profiles/{idType}/{id}",
                            "POST /v1/quarantine/redrive");
        }
    }

    @Test
    void aCrossOriginReadGetsNoAllowOriginSoTheBrowserHidesTheAnswer() {
        try (ApiHarness api = new ApiHarness()) {
            ApiHarness.Answer read = api.send("GET", "/v1/segments", HttpRequest.BodyPublishers.noBody(),
                    "Origin", "https://evil.example", "Authorization", "Bearer " + ApiHarness.READ_KEY);
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.header("Access-Control-Allow-Origin")).isNull();
            assertThat(read.header("Server")).as("the server's make and version are not announced").isNull();
            ApiHarness.Answer ingest = api.postJson("/v1/t", ApiHarness.track("m1", "u1"), "Origin",
                    "https://shop.example", "Authorization", ApiHarness.basic(ApiHarness.WRITE_KEY));
            assertThat(ingest.status()).isEqualTo(200);
            assertThat(ingest.header("Access-Control-Allow-Origin")).as("the control").isEqualTo("*");
        }
    }

    // ---- what Jetty refuses before Javalin sees it

    @Test
    void headersTooLargeAnswer431InOurShape() {
        try (ApiHarness api = new ApiHarness()) {
            RawHttp.Answer a = RawHttp.exchange(api.api.port(), "GET /v1/segments HTTP/1.1\r\nHost: x\r\nX-Big: "
                    + "a".repeat(20_000) + "\r\n\r\n");
            assertJson(a, 431, "headers_too_large");
        }
    }

    @Test
    void aPathWithBadUtf8Answers400InOurShape() {
        try (ApiHarness api = new ApiHarness()) {
            RawHttp.Answer a = RawHttp.exchange(api.api.port(),
                    "GET /v1/profiles/user_id/%C3%28 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertJson(a, 400, null);
        }
    }

    @Test
    void aPathWithANulAnswers400InOurShape() {
        try (ApiHarness api = new ApiHarness()) {
            RawHttp.Answer a = RawHttp.exchange(api.api.port(),
                    "GET /v1/profiles/user_id/a%00b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertJson(a, 400, null);
        }
    }

    @Test
    void aUriTooLongAnswers414InOurShape() {
        try (ApiHarness api = new ApiHarness()) {
            RawHttp.Answer a = RawHttp.exchange(api.api.port(), "GET /v1/profiles/user_id/" + "u".repeat(20_000)
                    + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertJson(a, 414, "uri_too_long");
        }
    }

    @Test
    void aRequestLineThatIsNotHttpAnswers400InOurShape() {
        try (ApiHarness api = new ApiHarness()) {
            assertJson(RawHttp.exchange(api.api.port(), "G\u0001T /v1/segments HTTP/1.1\r\nHost: x\r\n\r\n"), 400,
                    "invalid_request");
            // two words and no version is an HTTP/0.9 request line to Jetty
            assertJson(RawHttp.exchange(api.api.port(), "HELLO THERE\r\n\r\n"), 505, "http_version_not_supported");
            assertJson(RawHttp.exchange(api.api.port(), "GET /v1/segments HTTP/9.9\r\nHost: x\r\n\r\n"), 505,
                    "http_version_not_supported");
            assertJson(RawHttp.exchange(api.api.port(), "GET /v1/segments HTTP/1.1\r\nBad Header\r\n\r\n"), 400,
                    null);
        }
    }

    @Test
    void aBodyOverTheLimitAnswers413InOurShape() {
        try (ApiHarness api = new ApiHarness(new HttpConfig.Limits(1024, 4096, 10))) {
            RawHttp.Answer a = RawHttp.exchange(api.api.port(), "POST /v1/batch HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nAuthorization: " + ApiHarness.basic(ApiHarness.WRITE_KEY)
                    + "\r\nContent-Length: 5000\r\n\r\n" + "x".repeat(5000));
            assertJson(a, 413, "request_too_large");
        }
    }

    @Test
    void aBrokenChunkedBodyAnswers400InOurShape() {
        try (ApiHarness api = new ApiHarness()) {
            RawHttp.Answer a = RawHttp.exchange(api.api.port(), "POST /v1/batch HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: application/json\r\nAuthorization: " + ApiHarness.basic(ApiHarness.WRITE_KEY)
                    + "\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n");
            assertJson(a, 400, null);
        }
    }

    // ---- slow bodies

    @Test
    void aBodyTrickledByteByByteAnswers408WithinTheReadTimeout() throws InterruptedException {
        Duration timeout = Duration.ofSeconds(2);
        try (ApiHarness api = new ApiHarness(HttpConfig.Perimeter.DEFAULT.withReadTimeout(timeout));
             RawHttp raw = new RawHttp(api.api.port())) {
            String body = "[" + ApiHarness.track("m1", "u1") + "]";
            body = "{\"batch\":" + body + "}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            long start = System.nanoTime();
            raw.send(("POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: "
                    + ApiHarness.basic(ApiHarness.WRITE_KEY) + "\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            // a byte every 100 ms: an idle timeout alone would never fire
            for (int i = 0; i < bytes.length - 1 && !raw.answered() && raw.trickle(bytes[i]); i++) {
                Thread.sleep(100);
            }
            RawHttp.Answer a = raw.answer();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertJson(a, 408, "request_timeout");
            // the whole body would take bytes.length / 10 s (about 19 s); the slack is for a busy machine
            assertThat(took).as("answered after the deadline, well before the whole body").isBetween(timeout,
                    timeout.plusSeconds(8));
            assertThat(Duration.ofMillis(bytes.length * 100L)).isGreaterThan(timeout.plusSeconds(12));
            assertThat(api.runtime.given).as("nothing of the trickled body was stored").isEmpty();
        }
    }

    @Test
    void aBodyThatNeverComesAnswers408WithinTheReadTimeout() {
        Duration timeout = Duration.ofSeconds(1);
        try (ApiHarness api = new ApiHarness(HttpConfig.Perimeter.DEFAULT.withReadTimeout(timeout));
             RawHttp raw = new RawHttp(api.api.port())) {
            long start = System.nanoTime();
            raw.send(("POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: "
                    + ApiHarness.basic(ApiHarness.WRITE_KEY) + "\r\nContent-Length: 100\r\n\r\n{")
                    .getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Answer a = raw.answer();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertJson(a, 408, "request_timeout");
            assertThat(took).isBetween(timeout.minusMillis(100), timeout.plusSeconds(8));
        }
    }

    // ---- rate limits

    @Test
    void aKeyOverItsQueryRateGets429WithRetryAfterAndAnotherKeyIsUntouched() {
        HttpConfig.Rates rates = new HttpConfig.Rates(HttpConfig.Rate.OFF, new HttpConfig.Rate(0.5, 3),
                HttpConfig.Rate.OFF, HttpConfig.Rate.OFF);
        try (ApiHarness api = new ApiHarness(HttpConfig.Perimeter.DEFAULT.withRates(rates))) {
            for (int i = 0; i < 3; i++) {
                assertThat(api.get("/v1/segments", ApiHarness.READ_KEY).status()).as("call %d of the burst", i)
                        .isEqualTo(200);
            }
            ApiHarness.Answer limited = api.get("/v1/segments", ApiHarness.READ_KEY);
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.error().get("code").asText()).isEqualTo("rate_limited");
            assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 2L);
            assertThat(api.get("/v1/segments", ApiHarness.ADMIN_KEY).status()).as("the admin key has its own bucket")
                    .isEqualTo(200);
        }
    }

    @Test
    void ingestIsLimitedPerWriteKeyWhetherTheKeyIsInTheHeaderOrTheBody() {
        HttpConfig.Rates rates = new HttpConfig.Rates(new HttpConfig.Rate(0.5, 2), HttpConfig.Rate.OFF,
                HttpConfig.Rate.OFF, HttpConfig.Rate.OFF);
        try (ApiHarness api = new ApiHarness(HttpConfig.Perimeter.DEFAULT.withRates(rates))) {
            assertThat(api.ingest("/v1/track", ApiHarness.track("m1", "u1")).status()).isEqualTo(200);
            String inBody = "{\"writeKey\":\"" + ApiHarness.WRITE_KEY + "\",\"batch\":[" + ApiHarness.track("m2", "u1")
                    + "]}";
            assertThat(api.postJson("/v1/batch", inBody).status()).isEqualTo(200);
            ApiHarness.Answer limited = api.postJson("/v1/batch", inBody.replace("m2", "m3"));
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).isNotNull();
            assertThat(api.ingest("/v1/track", ApiHarness.track("m4", "u1")).status()).isEqualTo(429);
            assertThat(api.runtime.given).as("the refused calls stored nothing").hasSize(2);
        }
    }

    @Test
    void callersWithoutAKnownKeyAreLimitedByAddressSoKeysCannotBeGuessedQuickly() {
        HttpConfig.Rates rates = new HttpConfig.Rates(HttpConfig.Rate.OFF, HttpConfig.Rate.OFF, HttpConfig.Rate.OFF,
                new HttpConfig.Rate(0.5, 5));
        try (ApiHarness api = new ApiHarness(HttpConfig.Perimeter.DEFAULT.withRates(rates))) {
            for (int i = 0; i < 5; i++) {
                assertThat(api.get("/v1/segments", "guess-" + i).status()).isEqualTo(401);
            }
            ApiHarness.Answer limited = api.get("/v1/segments", "guess-5");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).isNotNull();
            assertThat(api.ingest("/v1/track", ApiHarness.track("m1", "u1")).status())
                    .as("a known key is not held back by the address's guesses").isEqualTo(200);
            assertThat(api.get("/health", null).status()).as("health checks are never limited").isEqualTo(200);
        }
    }

    @Test
    void consoleSignInsAreLimitedByAddressLikeAnyCallerWithoutAKnownKey() {
        HttpConfig.Rates rates = new HttpConfig.Rates(HttpConfig.Rate.OFF, HttpConfig.Rate.OFF, HttpConfig.Rate.OFF,
                new HttpConfig.Rate(0.5, 3));
        try (ApiHarness api = new ApiHarness(HttpConfig.Perimeter.DEFAULT.withRates(rates))) {
            for (int i = 0; i < 3; i++) {
                assertThat(signIn(api, "guess-" + i).status()).isEqualTo(401);
            }
            ApiHarness.Answer limited = signIn(api, "guess-3");
            assertThat(limited.status()).as(limited.body()).isEqualTo(429);
            assertThat(limited.header("Retry-After")).isNotNull();
            assertThat(api.get("/console/signin", null).status()).as("the page itself is not limited").isEqualTo(200);
        }
    }

    private static ApiHarness.Answer signIn(ApiHarness api, String key) {
        return api.send("POST", "/console/signin", java.net.http.HttpRequest.BodyPublishers.ofString("key=" + key),
                "Content-Type", "application/x-www-form-urlencoded");
    }

    private static void assertJson(RawHttp.Answer a, int status, String code) {
        assertThat(a.status()).as("%s %s", a.headers(), a.body()).isEqualTo(status);
        assertThat(a.header("Content-Type")).as(a.body()).startsWith("application/json");
        JsonNode error = a.error();
        if (code != null) {
            assertThat(error.get("code").asText()).isEqualTo(code);
        }
        assertThat(error.get("message").asText()).isNotBlank();
    }
}
