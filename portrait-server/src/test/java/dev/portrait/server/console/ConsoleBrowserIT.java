package dev.portrait.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.server.PortraitServer;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs), against the embedded server with real data: sign in, the overview's charts,
 * a person's interests and segments, an audience whose count equals the API's, a re-drive as admin, and
 * a read key that is shown no admin action. Each page's screenshot is saved under
 * {@code target/console-screenshots/}; any error in the browser's console fails the test that caused it.
 *
 * <p>The quarantine gets an event the definition of the day refuses ({@code unknown_event}: the first server
 * rejects undeclared events), and the server is then restarted with the default definition, which accepts
 * them: the re-drive after a definition change that the quarantine exists for.
 *
 * <p>Skipped, with a message, when no Chromium or chromedriver is installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    private static final String WRITE = "wk-console-it";
    private static final String READ = "rk-console-it";
    private static final String ADMIN = "ak-console-it";
    private static final long SEED = 20_261_203L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path data;
    private PortraitServer server;
    private WebDriver browser;
    private String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        browser = HeadlessChromium.startOrSkip("ConsoleBrowserIT");
        data = Files.createTempDirectory("portrait-console-it");

        // the definition of the day refuses undeclared events: one goes to the quarantine
        ProfileDefinition strict = DefinitionLoader.parse(DefinitionLoader.defaultEcommerceText()
                .replace("unknownEvents: accept", "unknownEvents: reject"), "strict-ecommerce");
        server = start(strict);
        Instant now = Instant.now();
        JsonNode first = post("/v1/batch", WRITE, "{\"batch\":[" + track("gift-1", "u1", "Gift Card Redeemed",
                "{\"amount\":25}", now.minusSeconds(30)) + "]}");
        assertThat(first.get("rejected").findValuesAsText("code")).as(first.toString()).containsExactly("unknown_event");
        server.close();
        // ... and the definition changes: undeclared events are accepted from now on
        server = start(DefinitionLoader.defaultEcommerce());

        Random random = new Random(SEED);
        List<String> events = new ArrayList<>();
        events.add("{\"type\":\"identify\",\"messageId\":\"id-u1\",\"userId\":\"u1\",\"traits\":{\"email\":\"ada@example.com\","
                + "\"country\":\"United Kingdom\",\"plan\":\"pro\"},\"timestamp\":\"" + now.minusSeconds(600) + "\"}");
        String[] categories = {"shoes", "bags", "hats", "coats", "watches"};
        String[] brands = {"acme", "globex", "initech", "umbrella"};
        int n = 0;
        for (int user = 1; user <= 200; user++) {
            int views = 1 + random.nextInt(user == 1 ? 1 : 6) + (user == 1 ? 8 : 0);
            for (int v = 0; v < views; v++) {
                String category = categories[user == 1 && v < 6 ? 0 : random.nextInt(categories.length)];
                events.add(track("v" + (++n), "u" + user, "Product Viewed", "{\"product_id\":\"p" + random.nextInt(50)
                        + "\",\"category\":\"" + category + "\",\"brand\":\"" + brands[random.nextInt(brands.length)]
                        + "\",\"price\":" + (10 + random.nextInt(90)) + "}", now.minusSeconds(3_000 - v * 60L)));
            }
            if (user == 1 || random.nextInt(4) == 0) {
                events.add(track("o" + (++n), "u" + user, "Order Completed", "{\"order_id\":\"o" + n + "\",\"revenue\":"
                        + (user == 1 ? 640 : 20 + random.nextInt(600)) + "}", now.minusSeconds(120)));
            }
        }
        // refused for good: a view without its product
        events.add(track("bad-1", "u7", "Product Viewed", "{\"category\":\"shoes\"}", now.minusSeconds(60)));
        events.add(track("bad-2", "u8", "Product Viewed", "{\"category\":\"bags\"}", now.minusSeconds(60)));
        for (int from = 0; from < events.size(); from += 200) {
            JsonNode a = post("/v1/batch", WRITE, "{\"batch\":[" + String.join(",",
                    events.subList(from, Math.min(events.size(), from + 200))) + "]}");
            assertThat(a.has("stored")).as(a.toString()).isTrue();
            Thread.sleep(300); // spread over a few of the overview's one-second samples
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.runtime().lag() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(server.runtime().lag()).isZero();
        Thread.sleep(2_500); // the overview's sampler has seen the folded events

        base = "http://127.0.0.1:" + server.port();
    }

    private PortraitServer start(ProfileDefinition definition) {
        HttpConfig config = HttpConfig.of(0, new HttpConfig.ApiKeys(Set.of(WRITE), Set.of(READ), Set.of(ADMIN)));
        RuntimeOptions runtime = new RuntimeOptions(10_000, Duration.ofMillis(20), 1_000, 10_000, 100_000, Duration.ZERO);
        return PortraitServer.start(new PortraitServer.Settings(data, definition, config, runtime, StoreOptions.defaults()),
                Clock.systemUTC());
    }

    @AfterAll
    void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (data != null) {
            try (var files = Files.walk(data)) {
                files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** Any error the pages logged to the browser's console fails the test that loaded them. */
    @AfterEach
    void noBrowserErrors() {
        if (browser == null) {
            return;
        }
        List<String> errors = HeadlessChromium.consoleErrors(browser);
        assertThat(errors).as("errors in the browser's console").isEmpty();
    }

    @Test
    @Order(1)
    void signingInOpensTheOverviewWithChartsOfLiveData() throws IOException {
        signIn(ADMIN);
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/console/overview");
        WebElement events = waitFor(By.cssSelector("#chart-events[data-points]"));
        until(() -> Integer.parseInt(events.getAttribute("data-points")) >= 3);
        assertThat(events.findElements(By.tagName("canvas"))).isNotEmpty();
        assertThat(browser.findElement(By.id("figures")).getText()).contains("events in /s", "lag", "profiles");
        assertThat(browser.manage().getCookieNamed("portrait_console").isHttpOnly()).isTrue();
        // the page's scripts cannot read the session cookie, and nothing key-like is stored by the page
        assertThat((String) js("return document.cookie")).doesNotContain("portrait_console");
        assertThat((Long) js("return localStorage.length + sessionStorage.length")).isZero();
        shot("overview");
    }

    @Test
    @Order(2)
    void lookingAPersonUpShowsTheirInterestsChartAndSegments() throws Exception {
        signIn(READ);
        browser.get(base + "/console/profile");
        WebElement id = waitFor(By.id("id"));
        browser.findElement(By.id("idType")).clear();
        browser.findElement(By.id("idType")).sendKeys("email");
        id.sendKeys("ada@example.com", Keys.ENTER); // the keyboard alone is enough
        WebElement interests = waitFor(By.cssSelector("#chart-interests[data-bars]"));
        until(() -> Integer.parseInt(interests.getAttribute("data-bars")) > 0);
        assertThat(interests.findElements(By.tagName("canvas"))).isNotEmpty();

        JsonNode profile = get("/v1/profiles/email/ada@example.com", READ);
        List<String> segments = new ArrayList<>();
        profile.get("segments").forEach(s -> segments.add(s.asText()));
        assertThat(segments).isNotEmpty();
        until(() -> !browser.findElements(By.cssSelector("#segments .chip")).isEmpty());
        List<String> shown = browser.findElements(By.cssSelector("#segments .chip")).stream().map(WebElement::getText).toList();
        assertThat(shown).containsAll(segments);
        assertThat(browser.findElement(By.id("identities")).getText()).contains("u1", profile.get("profileId").asText());
        assertThat(browser.findElement(By.id("traits")).getText()).contains("ada@example.com", "GB");
        until(() -> browser.findElement(By.id("changes")).getText().contains("features.interest_category"));
        shot("profile");

        // time travel: the same person as they were 45 minutes ago, when fewer of their views had happened
        Instant before = Instant.now().minus(Duration.ofMinutes(45)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        JsonNode then = get("/v1/profiles/user_id/u1?at=" + before, READ);
        browser.get(base + "/console/profile?idType=user_id&id=u1&at=" + before);
        until(() -> browser.findElement(By.id("status")).getText().contains("As it was at " + before));
        until(() -> browser.findElement(By.id("identities")).getText().contains("read as of " + then.get("asOf").asText()));
        assertThat(browser.findElement(By.id("features")).getText())
                .contains("views_24h " + then.get("features").get("views_24h").asLong());
        assertThat(then.get("features").get("views_24h").asLong())
                .isLessThan(profile.get("features").get("views_24h").asLong());
        assertThat(browser.findElement(By.id("at")).getAttribute("value")).startsWith(before.toString().substring(0, 16)); // the date picker shows it (seconds dropped when :00)
    }

    @Test
    @Order(3)
    void anAudienceBuiltInThePageCountsWhatTheApiCounts() throws Exception {
        signIn(READ);
        browser.get(base + "/console/segments");
        WebElement active = waitFor(By.id("aud-active_viewer"));
        new Select(active).selectByValue("all");
        WebElement where = browser.findElement(By.id("where"));
        where.sendKeys("features.orders_30d >= 1");
        String spec = "{\"all\":[\"active_viewer\"],\"any\":[],\"none\":[],\"where\":\"features.orders_30d >= 1\"}";
        long expected = post("/v1/audiences/count", READ, spec).get("count").asLong();
        assertThat(expected).as("the audience is not empty, or the comparison proves little").isPositive();
        WebElement count = browser.findElement(By.id("audience-count"));
        until(() -> String.valueOf(expected).equals(count.getAttribute("data-count")) && count.getAttribute("aria-busy") == null);
        // the segment list and the members of one segment, paged
        browser.findElement(By.cssSelector("button[data-segment='active_viewer']")).click();
        until(() -> browser.findElement(By.id("members-status")).getText().startsWith("Page 1"));
        assertThat(browser.findElements(By.cssSelector("#members a"))).hasSize(50);
        shot("segments");
    }

    @Test
    @Order(4)
    void anAdminReDrivesAQuarantinedEventAfterTheDefinitionChanged() throws Exception {
        signIn(ADMIN);
        browser.get(base + "/console/quarantine");
        WebElement group = waitFor(By.cssSelector("section[data-code='unknown_event']"));
        assertThat(browser.findElement(By.cssSelector("section[data-code='missing_property']")).getText()).contains("product_id");
        shot("quarantine");
        group.findElement(By.cssSelector("button.redrive")).click();
        until(() -> browser.findElement(By.id("redrive-status")).getText().contains("1 stored"));
        until(() -> browser.findElements(By.cssSelector("section[data-code='unknown_event']")).isEmpty());
        assertThat(get("/v1/quarantine", ADMIN).toString()).doesNotContain("unknown_event").contains("missing_property");
    }

    @Test
    @Order(5)
    void aReadKeyIsShownNoAdminAction() throws Exception {
        signIn(READ);
        assertThat(browser.findElement(By.id("role")).getText()).contains("read key");
        assertThat(browser.findElements(By.id("nav-quarantine"))).isEmpty();
        browser.get(base + "/console/quarantine");
        until(() -> browser.findElement(By.id("main")).getText().contains("needs an admin key"));
        assertThat(browser.findElements(By.cssSelector("button.redrive, #redrive-all"))).isEmpty();
        shot("quarantine-read-key");
        browser.get(base + "/console/segments");
        waitFor(By.id("aud-active_viewer"));
        assertThat(browser.findElement(By.id("save-audience")).isDisplayed()).as("save as segment, for admins only").isFalse();
    }

    @Test
    @Order(6)
    void theModelsAndApiDocsPagesRender() throws Exception {
        // the feedback loop: an answer served at placement "home", shown and clicked
        String id = get("/v1/profiles/user_id/u1/recommendations?placement=home", READ).get("recommendationId").asText();
        Instant now = Instant.now();
        post("/v1/batch", WRITE, "{\"batch\":[" + track("fb-1", "u1", "Recommendation Shown",
                "{\"recommendation_id\":\"" + id + "\"}", now) + "," + track("fb-2", "u1", "Recommendation Clicked",
                "{\"recommendation_id\":\"" + id + "\",\"product_id\":\"p1\"}", now) + "]}");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (get("/v1/recommendations/feedback", READ).get("rows").get(0) == null && System.nanoTime() < deadline) {
            Thread.sleep(50); // these reads carry no position token: wait for the fold
        }
        assertThat(get("/v1/recommendations/feedback", READ).get("rows")).hasSize(1);

        signIn(READ);
        browser.get(base + "/console/models");
        WebElement personas = waitFor(By.cssSelector("#chart-personas[data-personas]"));
        assertThat(personas.findElements(By.tagName("canvas"))).isNotEmpty();
        WebElement feedback = waitFor(By.cssSelector("#feedback table"));
        assertThat(feedback.findElements(By.cssSelector("tbody tr"))).hasSize(1);
        assertThat(feedback.findElement(By.cssSelector("tbody tr")).getText()).contains("recommender", "home", "1");
        assertThat(browser.findElement(By.cssSelector("#chart-feedback[data-rows='1']"))
                .findElements(By.tagName("canvas"))).isNotEmpty();
        // the calibration curve: as many points as the API has buckets, and a note saying what they are
        int buckets = get("/v1/models/propensity/calibration", READ).get("buckets").size();
        WebElement calibration = waitFor(By.cssSelector("#chart-calibration[data-buckets]"));
        assertThat(calibration.getAttribute("data-buckets")).isEqualTo(String.valueOf(buckets));
        assertThat(browser.findElement(By.id("calibration-note")).getText()).isNotBlank();
        shot("models");
        browser.get(base + "/console/api");
        until(() -> browser.findElements(By.cssSelector("#swagger .info .title")).size() == 1);
        assertThat(browser.findElement(By.cssSelector("#swagger .info .title")).getText()).contains("Portrait");
        shot("api");
    }

    @Test
    @Order(7)
    void anAdminSavesTheAudienceAsASegmentAndTheProfileShowsWhenItWasEnteredAndLeft() throws Exception {
        signIn(ADMIN);
        browser.get(base + "/console/segments");
        new Select(waitFor(By.id("aud-active_viewer"))).selectByValue("all");
        browser.findElement(By.id("where")).sendKeys("features.orders_30d >= 1");
        String spec = "{\"all\":[\"active_viewer\"],\"where\":\"features.orders_30d >= 1\"}";
        long expected = post("/v1/audiences/count", READ, spec).get("count").asLong();
        WebElement count = browser.findElement(By.id("audience-count"));
        until(() -> String.valueOf(expected).equals(count.getAttribute("data-count")));
        browser.findElement(By.id("audience-name")).sendKeys("recent_buyers");
        browser.findElement(By.id("audience-save")).click();
        until(() -> "recent_buyers".equals(browser.findElement(By.id("save-status")).getAttribute("data-saved")));
        // the saved one is listed as a segment, marked as a saved audience, and the builder offers it
        WebElement listed = waitFor(By.cssSelector("#segment-list strong[data-saved-audience='true']"));
        assertThat(listed.getText()).isEqualTo("recent_buyers");
        assertThat(browser.findElements(By.id("aud-recent_buyers"))).hasSize(1);
        JsonNode saved = get("/v1/audiences/recent_buyers", READ);
        assertThat(saved.get("all").get(0).asText()).isEqualTo("active_viewer");
        assertThat(saved.get("where").asText()).isEqualTo("features.orders_30d >= 1");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!get("/v1/audiences/recent_buyers", READ).get("status").asText().equals("ready") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        server.runtime().flush();
        assertThat(get("/v1/audiences/recent_buyers", READ).get("size").asLong()).isEqualTo(expected);
        shot("segments-saved");

        // u1 viewed and ordered: in it since it was saved; the profile page says when
        browser.get(base + "/console/profile?idType=user_id&id=u1");
        WebElement entered = waitFor(By.cssSelector("#segment-history time[data-segment='recent_buyers'][data-kind='entered']"));
        assertThat(entered.getAttribute("datetime")).isEqualTo(saved.get("savedAt").asText());
        JsonNode stays = get("/v1/profiles/user_id/u1/segments", READ);
        for (JsonNode s : stays.get("segments")) {
            if (s.get("enteredAt").isTextual()) {
                WebElement shown = browser.findElement(By.cssSelector("#segment-history time[data-segment='"
                        + s.get("segment").asText() + "'][data-kind='entered']"));
                assertThat(shown.getAttribute("datetime")).isEqualTo(s.get("enteredAt").asText());
            }
        }
        assertThat(browser.findElements(By.cssSelector("#segments .chip")).stream().map(WebElement::getText))
                .contains("recent_buyers");

        // deleted: its members leave it, and the page shows when
        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/audiences/recent_buyers"))
                .header("Authorization", basic(ADMIN)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        browser.navigate().refresh();
        WebElement left = waitFor(By.cssSelector("#segment-history time[data-segment='recent_buyers'][data-kind='left']"));
        JsonNode after = get("/v1/profiles/user_id/u1/segments", READ);
        String leftAt = null;
        for (JsonNode s : after.get("segments")) {
            if (s.get("segment").asText().equals("recent_buyers")) {
                assertThat(s.get("member").asBoolean()).isFalse();
                leftAt = s.get("leftAt").asText();
            }
        }
        assertThat(left.getAttribute("datetime")).isEqualTo(leftAt);
        assertThat(browser.findElement(By.id("segment-history")).getText()).contains("recent_buyers left");
        shot("profile-segment-history");
    }

    @Test
    @Order(8)
    void anAdminReversesAMergeFromTheProfilePageAndAReadKeyCannot() throws Exception {
        Instant now = Instant.now();
        String anon = "{\"type\":\"track\",\"messageId\":\"mg-1\",\"anonymousId\":\"anon-grace\",\"event\":\"Product Viewed\","
                + "\"properties\":{\"product_id\":\"p1\",\"category\":\"shoes\"},\"timestamp\":\"" + now.minusSeconds(90) + "\"}";
        String both = "{\"type\":\"identify\",\"messageId\":\"mg-2\",\"anonymousId\":\"anon-grace\",\"userId\":\"grace\","
                + "\"traits\":{\"plan\":\"pro\"},\"timestamp\":\"" + now.minusSeconds(30) + "\"}";
        post("/v1/batch", WRITE, "{\"batch\":[" + track("mg-0", "grace", "Product Viewed",
                "{\"product_id\":\"p2\",\"category\":\"bags\"}", now.minusSeconds(120)) + "," + anon + "]}");
        post("/v1/batch", WRITE, "{\"batch\":[" + both + "]}");
        server.runtime().flush();
        String merged = get("/v1/profiles/user_id/grace", READ).get("profileId").asText();
        assertThat(get("/v1/profiles/anonymous_id/anon-grace", READ).get("profileId").asText()).isEqualTo(merged);

        // a read session sees the merge but no way to reverse it
        signIn(READ);
        browser.get(base + "/console/profile?idType=user_id&id=grace");
        waitFor(By.cssSelector("#merges li[data-merge]"));
        assertThat(browser.findElements(By.cssSelector("button.reverse-merge"))).isEmpty();

        signIn(ADMIN);
        browser.get(base + "/console/profile?idType=user_id&id=grace");
        WebElement reverse = waitFor(By.cssSelector("button.reverse-merge"));
        String mergeId = reverse.getAttribute("data-merge");
        shot("profile-merges");
        reverse.click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> {
            try {
                d.switchTo().alert().accept(); // the confirmation
                return true;
            } catch (org.openqa.selenium.NoAlertPresentException e) {
                return false;
            }
        });
        until(() -> browser.findElement(By.id("merge-status")).getText().startsWith("Reversed: " + mergeId));
        assertThat(browser.findElement(By.id("merges")).getText()).contains("No profile was merged into this one");
        String grace = get("/v1/profiles/user_id/grace", READ).get("profileId").asText();
        String anonymous = get("/v1/profiles/anonymous_id/anon-grace", READ).get("profileId").asText();
        assertThat(grace).isNotEqualTo(anonymous);
        assertThat(List.of(grace, anonymous)).contains(mergeId);
        assertThat(server.runtime().audit().recent()).anySatisfy(e -> assertThat(e.action()).isEqualTo("merge_reversed"));
    }

    // ---- the browser

    private void signIn(String key) {
        browser.manage().deleteAllCookies();
        browser.get(base + "/console");
        assertThat(browser.getCurrentUrl()).isEqualTo(base + "/console/signin");
        browser.findElement(By.id("key")).sendKeys(key, Keys.ENTER);
        waitFor(By.id("signout"));
    }

    private WebElement waitFor(By by) {
        return new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() ? null : found.get(0);
        });
    }

    private void until(java.util.function.BooleanSupplier condition) {
        HeadlessChromium.until(browser, condition);
    }

    private Object js(String script) {
        return ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(script);
    }

    private void shot(String page) throws IOException {
        HeadlessChromium.screenshot(browser, page);
    }

    // ---- the API, for comparison

    private static String track(String messageId, String user, String event, String properties, Instant at) {
        return "{\"type\":\"track\",\"messageId\":\"" + messageId + "\",\"userId\":\"" + user + "\",\"event\":\"" + event
                + "\",\"properties\":" + properties + ",\"timestamp\":\"" + at + "\"}";
    }

    private JsonNode post(String path, String key, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json").header("Authorization", basic(key))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private JsonNode get(String path, String key) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", basic(key)).GET().build());
    }

    private JsonNode send(HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }
}
