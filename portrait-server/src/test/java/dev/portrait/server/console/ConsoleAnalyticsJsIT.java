package dev.portrait.server.console;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.server.PortraitServer;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.StoreOptions;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A shop's page on another origin loads the real analytics.js bundle ({@code @segment/analytics-next}'s UMD
 * build, fetched from the npm registry into {@code target/} by {@code npm pack} at test time, never committed),
 * points it at Portrait by its {@code apiHost} setting only, identifies and tracks; the console then shows that
 * person. Skipped with a message when there is no browser, no npm, or the registry cannot be reached.
 */
class ConsoleAnalyticsJsIT {
    /** The release AnalyticsJs (http tests) was checked against by hand; 1.84 sends the key by Basic too. */
    private static final String VERSION = "1.84.3";
    private static final String WRITE = "wk-ajs-it";
    private static final String READ = "rk-ajs-it";
    private static final Path BUNDLES = Path.of("target", "analytics-next");

    @TempDir
    Path data;

    private PortraitServer server;
    private HttpServer shop;
    private WebDriver browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (shop != null) {
            shop.stop(0);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPersonTrackedByAnalyticsJsOnAnotherOriginShowsUpInTheConsole() throws Exception {
        Path umd = analyticsNextUmd();
        browser = HeadlessChromium.startOrSkip("ConsoleAnalyticsJsIT");
        server = PortraitServer.start(new PortraitServer.Settings(data, DefinitionLoader.defaultEcommerce(),
                HttpConfig.of(0, new HttpConfig.ApiKeys(Set.of(WRITE), Set.of(READ), Set.of())),
                new RuntimeOptions(10_000, Duration.ofMillis(20), 1_000, 10_000, 100_000, Duration.ZERO),
                StoreOptions.defaults()), Clock.systemUTC());
        String portrait = "127.0.0.1:" + server.port();

        // the shop: another origin (localhost, its own port) serving its page and the SDK's files
        shop = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String page = """
                <!doctype html><html><head><meta charset="utf-8"><title>shop</title><link rel="icon" href="data:,">
                <script src="/umd/index.js"></script></head><body><h1>A shop</h1><script>
                const { AnalyticsBrowser } = window.AnalyticsNext;
                const analytics = AnalyticsBrowser.load(
                  { writeKey: '%1$s', cdnSettings: { integrations: { 'Segment.io': { apiKey: '%1$s' } } } },
                  { integrations: { 'Segment.io': { apiHost: '%2$s/v1', protocol: 'http' } } });
                analytics.identify('shopper-1', { email: 'shopper@example.com', plan: 'gold' })
                  .then(() => analytics.track('Product Viewed', { product_id: 'p-7', category: 'books', brand: 'acme', price: 12.5 }))
                  .then(() => analytics.track('Product Viewed', { product_id: 'p-8', category: 'books', brand: 'initech', price: 9 }))
                  .then(() => { document.title = 'sent'; }, e => { document.title = 'failed: ' + e; });
                </script></body></html>
                """.formatted(WRITE, portrait);
        shop.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            String type;
            if (path.equals("/shop.html")) {
                body = page.getBytes(StandardCharsets.UTF_8);
                type = "text/html; charset=utf-8";
            } else if (path.startsWith("/umd/") && path.matches("/umd/[A-Za-z0-9._-]+\\.js")
                    && Files.isRegularFile(umd.resolve(path.substring(5)))) {
                body = Files.readAllBytes(umd.resolve(path.substring(5)));
                type = "text/javascript";
            } else {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        shop.start();

        browser.get("http://localhost:" + shop.getAddress().getPort() + "/shop.html");
        HeadlessChromium.until(browser, () -> !browser.getTitle().equals("shop"));
        assertThat(browser.getTitle()).isEqualTo("sent");
        assertThat(HeadlessChromium.consoleErrors(browser)).as("errors in the shop page's console").isEmpty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (get("/v1/profiles/user_id/shopper-1").statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        String profile = get("/v1/profiles/user_id/shopper-1").body();
        assertThat(profile).contains("shopper@example.com", "books");

        String console = "http://" + portrait;
        browser.get(console + "/console/signin");
        browser.findElement(By.id("key")).sendKeys(READ);
        browser.findElement(By.id("signin")).click();
        HeadlessChromium.until(browser, () -> !browser.findElements(By.id("signout")).isEmpty());
        browser.get(console + "/console/profile?idType=email&id=shopper%40example.com");
        WebElement interests = browser.findElement(By.id("chart-interests"));
        HeadlessChromium.until(browser, () -> interests.getAttribute("data-bars") != null
                && Integer.parseInt(interests.getAttribute("data-bars")) > 0);
        assertThat(browser.findElement(By.id("identities")).getText()).contains("shopper-1", "shopper@example.com");
        assertThat(browser.findElement(By.id("traits")).getText()).contains("gold");
        HeadlessChromium.until(browser, () -> browser.findElement(By.id("changes")).getText().contains("features.views_1h"));
        HeadlessChromium.screenshot(browser, "profile-from-analytics-js");
        assertThat(HeadlessChromium.consoleErrors(browser)).as("errors in the console's browser console").isEmpty();
    }

    /**
     * The UMD build of analytics-next, fetched with {@code npm pack} into target/ (once per clean build) and
     * unpacked with {@code tar}; skips the test when either tool or the registry is missing.
     */
    private static Path analyticsNextUmd() throws IOException, InterruptedException {
        Path umd = BUNDLES.resolve("package").resolve("dist").resolve("umd");
        if (Files.isRegularFile(umd.resolve("index.js"))) {
            return umd;
        }
        Files.createDirectories(BUNDLES);
        Path tarball = BUNDLES.resolve("segment-analytics-next-" + VERSION + ".tgz");
        if (!Files.isRegularFile(tarball)) {
            run(List.of("npm", "pack", "@segment/analytics-next@" + VERSION, "--pack-destination", BUNDLES.toString()),
                    "npm pack @segment/analytics-next@" + VERSION);
        }
        run(List.of("tar", "-xzf", tarball.toString(), "-C", BUNDLES.toString(), "package/dist/umd"), "tar");
        Assumptions.assumeTrue(Files.isRegularFile(umd.resolve("index.js")),
                "ConsoleAnalyticsJsIT skipped: the analytics-next package holds no dist/umd/index.js");
        return umd;
    }

    private static void run(List<String> command, String what) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("ConsoleAnalyticsJsIT skipped: " + command.get(0) + " is not installed (" + e.getMessage() + ")");
            return;
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean done = p.waitFor(3, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        List<String> tail = new ArrayList<>(List.of(output.strip().split("\n")));
        Assumptions.assumeTrue(done && p.exitValue() == 0, "ConsoleAnalyticsJsIT skipped: " + what + " failed "
                + "(no registry?): " + String.join(" | ", tail.subList(Math.max(0, tail.size() - 3), tail.size())));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((READ + ":")
                        .getBytes(StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
