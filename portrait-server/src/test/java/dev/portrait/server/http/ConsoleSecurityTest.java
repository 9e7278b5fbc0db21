package dev.portrait.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portrait.server.port.SegmentSummary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's perimeter over the real API (console.Console behind http.HttpApi): only the sign-in page
 * without a session, the session cookie's attributes, roles, and CSRF on every state-changing request.
 */
class ConsoleSecurityTest {
    private static final String CSRF = "X-Portrait-Csrf";
    private final ApiHarness api = new ApiHarness();

    @AfterEach
    void close() {
        api.close();
    }

    private ApiHarness.Answer signIn(String key, String... headers) {
        String form = "key=" + URLEncoder.encode(key, StandardCharsets.UTF_8);
        String[] all = new String[headers.length + 2];
        all[0] = "Content-Type";
        all[1] = "application/x-www-form-urlencoded";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return api.send("POST", "/console/signin", HttpRequest.BodyPublishers.ofString(form), all);
    }

    /** The cookie header value of a fresh session for this key. */
    private String session(String key) {
        ApiHarness.Answer a = signIn(key);
        assertThat(a.status()).as(a.body()).isEqualTo(303);
        String setCookie = a.header("Set-Cookie");
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private ApiHarness.Answer get(String path, String cookie) {
        return api.send("GET", path, HttpRequest.BodyPublishers.noBody(), "Cookie", cookie);
    }

    private ApiHarness.Answer post(String path, String cookie, String body, String... headers) {
        String[] all = new String[headers.length + 4];
        all[0] = "Cookie";
        all[1] = cookie;
        all[2] = "Content-Type";
        all[3] = "application/json";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return api.send("POST", path, HttpRequest.BodyPublishers.ofString(body), all);
    }

    private String csrf(String cookie) {
        return get("/console/data/session", cookie).json().get("csrf").asText();
    }

    @Test
    void nothingButTheSignInPageIsServedWithoutASession() {
        ApiHarness.Answer signInPage = api.get("/console/signin", null);
        assertThat(signInPage.status()).isEqualTo(200);
        assertThat(signInPage.body()).contains("<form method=\"post\" action=\"/console/signin\"");
        assertThat(signInPage.header("Content-Security-Policy")).contains("frame-ancestors 'none'");

        for (String page : List.of("/console", "/console/overview", "/console/profile", "/console/segments",
                "/console/quarantine", "/console/models", "/console/api")) {
            ApiHarness.Answer a = api.get(page, null);
            assertThat(a.status()).as(page).isEqualTo(303);
            assertThat(a.header("Location")).as(page).isEqualTo("/console/signin");
            assertThat(a.body()).as(page).doesNotContain("<html");
        }
        for (String asset : List.of("/console/assets/console.js", "/console/assets/overview.js",
                "/console/webjars/echarts/5.3.1/dist/echarts.min.js", "/console/openapi.yaml",
                "/console/data/session", "/console/data/overview", "/console/data/v1/segments",
                "/console/data/v1/profiles/user_id/u1", "/console/data/v1/quarantine")) {
            ApiHarness.Answer a = api.get(asset, null);
            assertThat(a.status()).as(asset).isEqualTo(401);
            assertThat(a.error().get("code").asText()).as(asset).isEqualTo("unauthorized");
            // a Basic challenge would make the browser draw its own password dialog over the console
            assertThat(a.header("WWW-Authenticate")).as(asset).isNull();
        }
        // an API key in the Authorization header does not open the console's routes either: only the session does
        ApiHarness.Answer withKey = api.get("/console/data/v1/segments", ApiHarness.READ_KEY);
        assertThat(withKey.status()).isEqualTo(401);
    }

    @Test
    void signingInSetsAnHttpOnlyStrictSessionCookieScopedToTheConsole() {
        ApiHarness.Answer a = signIn(ApiHarness.READ_KEY);
        assertThat(a.status()).isEqualTo(303);
        assertThat(a.header("Location")).isEqualTo("/console/overview");
        String cookie = a.header("Set-Cookie");
        assertThat(cookie).startsWith("portrait_console=").contains("; Path=/console", "; HttpOnly", "; SameSite=Strict")
                .doesNotContain("Max-Age", "Expires")
                .doesNotContain("Secure"); // plain HTTP here; over TLS the cookie is Secure (ConsoleSessionsTest)
        String id = cookie.substring("portrait_console=".length(), cookie.indexOf(';'));
        assertThat(id).matches("[A-Za-z0-9_-]{43}"); // 256 random bits, base64url
        assertThat(a.body()).doesNotContain(ApiHarness.READ_KEY);
        assertThat(a.header("Location")).doesNotContain(ApiHarness.READ_KEY);

        String session = cookie.substring(0, cookie.indexOf(';'));
        ApiHarness.Answer overview = get("/console/overview", session);
        assertThat(overview.status()).isEqualTo(200);
        assertThat(overview.body()).contains("<h1>Overview</h1>");
        JsonNode info = get("/console/data/session", session).json();
        assertThat(info.get("role").asText()).isEqualTo("read");
        assertThat(info.get("csrf").asText()).hasSize(43);
        assertThat(info.toString()).doesNotContain(ApiHarness.READ_KEY);
        assertThat(session(ApiHarness.READ_KEY)).as("each sign-in gets its own session").isNotEqualTo(session);
    }

    @Test
    void aWriteKeyOrAnUnknownKeyCannotSignIn() {
        for (String key : List.of(ApiHarness.WRITE_KEY, "nobody's key", "")) {
            ApiHarness.Answer a = signIn(key);
            assertThat(a.status()).as(key).isEqualTo(401);
            assertThat(a.header("Set-Cookie")).as(key).isNull();
            assertThat(a.body()).as(key).contains("cannot open the console");
        }
    }

    @Test
    void aSignInPostedFromAnotherOriginIsRefused() {
        ApiHarness.Answer a = signIn(ApiHarness.ADMIN_KEY, "Origin", "http://evil.example");
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.header("Set-Cookie")).isNull();
        assertThat(signIn(ApiHarness.ADMIN_KEY, "Origin", "http://127.0.0.1:" + api.api.port()).status()).isEqualTo(303);
    }

    @Test
    void aReadSessionIsRefusedEveryAdminRoute() {
        String session = session(ApiHarness.READ_KEY);
        String token = csrf(session);
        ApiHarness.Answer list = get("/console/data/v1/quarantine", session);
        assertThat(list.status()).isEqualTo(403);
        assertThat(list.error().get("code").asText()).isEqualTo("forbidden");
        ApiHarness.Answer redrive = post("/console/data/v1/quarantine/redrive", session, "{}", CSRF, token);
        assertThat(redrive.status()).isEqualTo(403);
        assertThat(api.runtime.lastRedrive).as("the port was never called").isNull();
        ApiHarness.Answer forget = api.send("DELETE", "/console/data/v1/profiles/user_id/u1",
                HttpRequest.BodyPublishers.noBody(), "Cookie", session, CSRF, token);
        assertThat(forget.status()).isEqualTo(403);
    }

    @Test
    void stateChangingRequestsNeedTheSessionsCsrfToken() {
        String admin = session(ApiHarness.ADMIN_KEY);
        String token = csrf(admin);
        ApiHarness.Answer none = post("/console/data/v1/quarantine/redrive", admin, "{}");
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.error().get("message").asText()).contains(CSRF);
        ApiHarness.Answer wrong = post("/console/data/v1/quarantine/redrive", admin, "{}", CSRF, token + "x");
        assertThat(wrong.status()).isEqualTo(403);
        // another session's token is no good either
        ApiHarness.Answer other = post("/console/data/v1/quarantine/redrive", admin, "{}", CSRF,
                csrf(session(ApiHarness.ADMIN_KEY)));
        assertThat(other.status()).isEqualTo(403);
        assertThat(api.runtime.lastRedrive).isNull();
        // reads that are POSTs (audience counts) need it too: the rule is by method, not by what a route does
        assertThat(post("/console/data/v1/audiences/count", admin, "{}").status()).isEqualTo(403);
        assertThat(post("/console/signout", admin, "").status()).isEqualTo(403);

        ApiHarness.Answer right = post("/console/data/v1/quarantine/redrive", admin, "{}", CSRF, token);
        assertThat(right.status()).as(right.body()).isEqualTo(200);
        assertThat(api.runtime.lastRedrive).isEmpty();
    }

    @Test
    void theConsoleAnswersExactlyWhatTheApiAnswers() {
        api.runtime.segments.add(new SegmentSummary("vip", "big spenders", "features.revenue_30d > 500", 3));
        api.runtime.members.put("vip", List.of("p_1", "p_2", "p_3"));
        String session = session(ApiHarness.READ_KEY);
        for (String path : List.of("/v1/segments", "/v1/segments/vip/members?limit=2", "/v1/segments/nope/members")) {
            ApiHarness.Answer viaApi = api.get(path, ApiHarness.READ_KEY);
            ApiHarness.Answer viaConsole = get("/console/data" + path, session);
            assertThat(viaConsole.status()).as(path).isEqualTo(viaApi.status());
            assertThat(viaConsole.body()).as(path).isEqualTo(viaApi.body());
        }
    }

    @Test
    void theOverviewAnswersTheSamplesNewerThanAskedAndRefusesAnUnreadableTime() throws Exception {
        String session = session(ApiHarness.READ_KEY);
        JsonNode all = get("/console/data/overview", session).json().get("samples");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (all.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(200); // the sampler takes one a second from the server's start
            all = get("/console/data/overview", session).json().get("samples");
        }
        assertThat(all.size()).isGreaterThanOrEqualTo(2);
        // the harness's clock stands still, so every sample carries the same time: nothing is newer than it
        long last = all.get(all.size() - 1).get("time").asLong();
        assertThat(get("/console/data/overview?since=" + last, session).json().get("samples")).isEmpty();
        JsonNode newer = get("/console/data/overview?since=" + (last - 1), session).json().get("samples");
        assertThat(newer.size()).isGreaterThanOrEqualTo(2);
        newer.forEach(sample -> assertThat(sample.get("time").asLong()).isEqualTo(last));
        assertThat(newer.get(0).get("figures").has("received")).isTrue();
        ApiHarness.Answer bad = get("/console/data/overview?since=yesterday", session);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error().get("code").asText()).isEqualTo("invalid_parameter");
    }

    @Test
    void signingOutEndsTheSession() {
        String session = session(ApiHarness.READ_KEY);
        ApiHarness.Answer out = post("/console/signout", session, "", CSRF, csrf(session));
        assertThat(out.status()).isEqualTo(200);
        assertThat(out.header("Set-Cookie")).contains("Max-Age=0", "Path=/console");
        assertThat(get("/console/data/session", session).status()).isEqualTo(401);
        assertThat(get("/console/profile", session).status()).isEqualTo(303);
    }

    @Test
    void assetsOutsideTheConsolesRootsAreNotServed() {
        String session = session(ApiHarness.ADMIN_KEY);
        for (String path : List.of("/console/webjars/jquery/jquery.js", "/console/assets/..%2F..%2F..%2Flogback.xml",
                "/console/webjars/echarts/..%2F..%2F..%2F..%2Fdev/portrait/server/console/Console.class",
                "/console/assets/nope.js")) {
            ApiHarness.Answer a = get(path, session);
            assertThat(a.status()).as(path).isIn(400, 404);
        }
        ApiHarness.Answer echarts = get("/console/webjars/echarts/5.3.1/dist/echarts.min.js", session);
        assertThat(echarts.status()).isEqualTo(200);
        assertThat(echarts.header("Content-Type")).startsWith("text/javascript");
        ApiHarness.Answer yaml = get("/console/openapi.yaml", session);
        assertThat(yaml.status()).isEqualTo(200);
        assertThat(yaml.body()).startsWith("openapi:");
    }
}
