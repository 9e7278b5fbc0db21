package dev.portrait.server.e2e;

import dev.portrait.server.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.server.PortraitServer;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded runtime end to end over HTTP on port 0, with a clock the test moves. */
class EmbeddedServerIT {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String WRITE = "wk-test";
    private static final String READ = "rk-test";
    private static final String ADMIN = "ak-test";

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(START);
    private PortraitServer server;
    private Client client;
    private int next;

    private void start() {
        start(DefinitionLoader.defaultEcommerce());
    }

    private void start(dev.portrait.core.definition.ProfileDefinition definition) {
        HttpConfig http = HttpConfig.of(0, new HttpConfig.ApiKeys(Set.of(WRITE), Set.of(READ), Set.of(ADMIN)));
        RuntimeOptions options = new RuntimeOptions(10_000, Duration.ofMillis(50), 1_000, 10_000, 100_000, Duration.ZERO);
        server = PortraitServer.start(new PortraitServer.Settings(data, definition, http,
                options, StoreOptions.defaults()), clock);
        client = new Client(server.port());
    }

    private void restart() {
        server.close();
        start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String at(Duration offset) {
        return START.plus(offset).toString();
    }

    private String view(String who, String idField, String product, String category, Duration offset) {
        return "{\"type\":\"track\",\"messageId\":\"m" + (++next) + "\",\"" + idField + "\":\"" + who
                + "\",\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"" + product + "\",\"category\":\""
                + category + "\",\"brand\":\"acme\",\"price\":25.0},\"timestamp\":\"" + at(offset) + "\"}";
    }

    private String order(String who, double revenue, Duration offset) {
        return "{\"type\":\"track\",\"messageId\":\"m" + (++next) + "\",\"userId\":\"" + who
                + "\",\"event\":\"Order Completed\",\"properties\":{\"order_id\":\"o" + next + "\",\"revenue\":" + revenue
                + "},\"timestamp\":\"" + at(offset) + "\"}";
    }

    private Client.Answer batch(String... events) throws Exception {
        return client.post("/v1/batch", WRITE, "{\"batch\":[" + String.join(",", events) + "]}");
    }

    @Test
    void eventsInShowUpInTheProfileAsTheDefinitionSays() throws Exception {
        start();
        Client.Answer a = batch(view("u1", "userId", "p1", "shoes", Duration.ofMinutes(-30)),
                view("u1", "userId", "p2", "shoes", Duration.ofMinutes(-20)),
                view("u1", "userId", "p3", "bags", Duration.ofMinutes(-10)),
                order("u1", 640.0, Duration.ofMinutes(-5)),
                "{\"type\":\"identify\",\"messageId\":\"id1\",\"userId\":\"u1\",\"traits\":{\"email\":\" Ada@Example.COM \","
                        + "\"country\":\"United Kingdom\",\"plan\":\"pro\"},\"timestamp\":\"" + at(Duration.ofMinutes(-1)) + "\"}");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body().get("stored").asInt()).isEqualTo(5);

        JsonNode p = client.get("/v1/profiles/user_id/u1", READ).body();
        assertThat(p.get("profileId").asText()).startsWith("p_");
        JsonNode f = p.get("features");
        assertThat(f.get("views_1h").asLong()).isEqualTo(3);
        assertThat(f.get("views_24h").asLong()).isEqualTo(3);
        assertThat(f.get("orders_30d").asLong()).isEqualTo(1);
        assertThat(f.get("revenue_30d").asDouble()).isEqualTo(640.0);
        assertThat(f.get("distinct_products_viewed").asLong()).isEqualTo(3);
        assertThat(f.get("interest_category").fieldNames().next()).isEqualTo("shoes");
        assertThat(f.get("recently_viewed").get(0).get("item").asText()).isEqualTo("p3");
        assertThat(p.get("traits").get("email").get("value").asText()).isEqualTo("ada@example.com");
        assertThat(p.get("traits").get("country").get("value").asText()).isEqualTo("GB");
        List<String> segments = new ArrayList<>();
        p.get("segments").forEach(s -> segments.add(s.asText()));
        assertThat(segments).contains("high_value", "new_user", "active_viewer");
        assertThat(p.get("identities").get("email").get(0).asText()).isEqualTo("ada@example.com");
        // the same profile by any identifier
        assertThat(client.get("/v1/profiles/email/ada@example.com", READ).body().get("profileId").asText())
                .isEqualTo(p.get("profileId").asText());

        JsonNode sizes = client.get("/v1/segments", READ).body();
        assertThat(sizes.toString()).contains("high_value");
        JsonNode members = client.get("/v1/segments/high_value/members", READ).body();
        assertThat(members.toString()).contains(p.get("profileId").asText());

        JsonNode changes = client.get("/v1/profiles/user_id/u1/changes?limit=5", READ).body();
        assertThat(changes.toString()).contains("traits.email");
        Client.Answer badCursor = client.get("/v1/profiles/user_id/u1/changes?cursor=nonsense", READ);
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(badCursor.body().get("error").get("code").asText()).isEqualTo("invalid_cursor");
    }

    @Test
    void anonymousBrowsingFollowedByIdentifyAndAliasEndsInOneProfile() throws Exception {
        start();
        batch(view("anon-1", "anonymousId", "p1", "shoes", Duration.ofMinutes(-50)),
                view("anon-1", "anonymousId", "p2", "shoes", Duration.ofMinutes(-45)),
                view("anon-2", "anonymousId", "p3", "hats", Duration.ofMinutes(-40)));
        client.post("/v1/identify", WRITE, "{\"messageId\":\"i1\",\"anonymousId\":\"anon-1\",\"userId\":\"bob\","
                + "\"traits\":{\"email\":\"bob@example.com\"},\"timestamp\":\"" + at(Duration.ofMinutes(-30)) + "\"}");
        client.post("/v1/alias", WRITE, "{\"messageId\":\"a1\",\"previousId\":\"anon-2\",\"userId\":\"bob\","
                + "\"timestamp\":\"" + at(Duration.ofMinutes(-20)) + "\"}");

        JsonNode byUser = client.get("/v1/profiles/user_id/bob", READ).body();
        assertThat(byUser.get("features").get("views_1h").asLong()).isEqualTo(3);
        for (String path : List.of("/v1/profiles/anonymous_id/anon-1", "/v1/profiles/anonymous_id/anon-2",
                "/v1/profiles/email/bob@example.com")) {
            assertThat(client.get(path, READ).body().get("profileId").asText()).as(path)
                    .isEqualTo(byUser.get("profileId").asText());
        }
    }

    @Test
    void atShowsTheProfileAsItWasThen() throws Exception {
        start();
        batch(view("u7", "userId", "p1", "shoes", Duration.ofHours(-3)), view("u7", "userId", "p2", "bags", Duration.ofHours(-1)),
                "{\"type\":\"identify\",\"messageId\":\"t1\",\"userId\":\"u7\",\"traits\":{\"plan\":\"pro\"},"
                        + "\"timestamp\":\"" + at(Duration.ofMinutes(-30)) + "\"}");
        JsonNode then = client.get("/v1/profiles/user_id/u7?at=" + at(Duration.ofHours(-2)), READ).body();
        assertThat(then.get("features").get("views_24h").asLong()).isEqualTo(1);
        assertThat(then.get("traits").has("plan")).isFalse();
        assertThat(then.get("asOf").asText()).isEqualTo(at(Duration.ofHours(-2)));
        JsonNode now = client.get("/v1/profiles/user_id/u7", READ).body();
        assertThat(now.get("features").get("views_24h").asLong()).isEqualTo(2);
        assertThat(now.get("traits").get("plan").get("value").asText()).isEqualTo("pro");
        assertThat(client.get("/v1/profiles/user_id/u7?at=" + at(Duration.ofHours(-4)), READ).status()).isEqualTo(404);
    }

    @Test
    void aDuplicateMessageIdCountsOnceAlsoAcrossARestart() throws Exception {
        start();
        String event = view("u9", "userId", "p1", "shoes", Duration.ofMinutes(-5));
        assertThat(batch(event, event).body().get("duplicates").asInt()).isEqualTo(1);
        restart();
        assertThat(batch(event).body().get("duplicates").asInt()).isEqualTo(1);
        assertThat(client.get("/v1/profiles/user_id/u9", READ).body().get("features").get("views_24h").asLong())
                .isEqualTo(1);
    }

    @Test
    void aBatchWithBadEventsStoresTheGoodOnesAndQuarantinesTheBad() throws Exception {
        start();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (i == 7) {
                events.add("{\"type\":\"track\",\"messageId\":\"bad1\",\"event\":\"Product Viewed\"}");
            } else if (i == 42) {
                events.add("{\"type\":\"track\",\"messageId\":\"bad2\",\"userId\":\"u1\",\"event\":\"Product Viewed\","
                        + "\"properties\":{\"product_id\":\"p\",\"price\":-3}}");
            } else if (i == 99) {
                events.add("{\"type\":\"track\",\"messageId\":\"bad3\",\"userId\":\"null\",\"event\":\"Product Viewed\"}");
            } else {
                events.add(view("u" + (i % 10), "userId", "p" + i, "shoes", Duration.ofMinutes(-i)));
            }
        }
        JsonNode answer = batch(events.toArray(String[]::new)).body();
        assertThat(answer.get("stored").asInt()).isEqualTo(97);
        List<String> rejected = new ArrayList<>();
        answer.get("rejected").forEach(r -> rejected.add(r.get("index").asInt() + ":" + r.get("code").asText()));
        assertThat(rejected).containsExactly("7:missing_id", "42:out_of_range", "99:missing_id");
        JsonNode quarantine = client.get("/v1/quarantine", ADMIN).body();
        assertThat(quarantine.toString()).contains("out_of_range").contains("bad2");
    }

    @Test
    void anotherDefinitionNeedsARebuildAfterWhichQuarantinedEventsAreRedrivenUnderIt() throws Exception {
        start();
        String refund = "{\"type\":\"track\",\"messageId\":\"r1\",\"userId\":\"u3\",\"event\":\"Refund Issued\","
                + "\"properties\":{\"value\":-30.0},\"timestamp\":\"" + at(Duration.ofMinutes(-3)) + "\"}";
        batch(view("u3", "userId", "p1", "shoes", Duration.ofMinutes(-5)), refund);
        assertThat(client.get("/v1/quarantine", ADMIN).body().toString()).contains("out_of_range");
        server.close();
        String text = DefinitionLoader.defaultEcommerceText().replace("allowReturns: false", "allowReturns: true")
                .replace("  - {name: sessions, kind: sessions, gap: 30m}",
                        "  - {name: sessions, kind: sessions, gap: 30m}\n  - {name: refunds, kind: count, events: [Refund Issued]}");
        dev.portrait.core.definition.ProfileDefinition returns = DefinitionLoader.parse(text, "returns.yaml");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(returns))
                .hasMessageContaining("rebuild");
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            store.clearDerivedState(); // what `portrait rebuild` does before the replay
        }
        start(returns);
        JsonNode redriven = client.post("/v1/quarantine/redrive", ADMIN, "{}").body();
        assertThat(redriven.toString()).contains("\"stored\":1");
        JsonNode p = client.get("/v1/profiles/user_id/u3", READ).body();
        assertThat(p.get("features").get("refunds").asLong()).isEqualTo(1);
        assertThat(p.get("features").get("views_24h").asLong()).as("rebuilt from the log").isEqualTo(1);
        assertThat(client.get("/v1/quarantine", ADMIN).body().get("items")).isEmpty();
    }

    @Test
    void aViewedInTheLast24hSegmentExitsWhenTheWindowSlidesWithNoNewEvent() throws Exception {
        start();
        batch(view("u5", "userId", "p1", "shoes", Duration.ZERO));
        assertThat(client.get("/v1/profiles/user_id/u5", READ).body().get("segments").toString()).contains("active_viewer");
        clock.advance(Duration.ofHours(23));
        Thread.sleep(300);
        assertThat(client.get("/v1/segments/active_viewer/members", READ).body().toString()).contains("p_");
        clock.advance(Duration.ofHours(2)); // 25 h: the 24 h window (whole 1 h tiles) no longer holds the view
        long deadline = System.currentTimeMillis() + 10_000;
        JsonNode members;
        do {
            Thread.sleep(100);
            members = client.get("/v1/segments/active_viewer/members", READ).body();
        } while (members.toString().contains("p_") && System.currentTimeMillis() < deadline);
        assertThat(members.get("items")).isEmpty();
        JsonNode changes = client.get("/v1/profiles/user_id/u5/changes", READ).body();
        assertThat(changes.toString()).contains("segments.active_viewer").contains("\"time\"");
    }

    @Test
    void aForgottenPersonLeavesNoTraceInTheDataDirectoryAndARebuildDoesNotBringThemBack() throws Exception {
        start();
        String email = "zelda.forgotten@example.org";
        String user = "user-zelda-7731";
        batch(view(user, "userId", "p1", "shoes", Duration.ofMinutes(-9)),
                "{\"type\":\"identify\",\"messageId\":\"z1\",\"userId\":\"" + user + "\",\"traits\":{\"email\":\"" + email
                        + "\"},\"timestamp\":\"" + at(Duration.ofMinutes(-8)) + "\"}",
                "{\"type\":\"track\",\"messageId\":\"z2\",\"userId\":\"" + user + "\",\"event\":\"Product Viewed\","
                        + "\"properties\":{\"product_id\":\"p\",\"price\":-1,\"note\":\"" + email + "\"}}",
                view("someone-else", "userId", "p2", "bags", Duration.ofMinutes(-7)));
        server.runtime().flush();
        Client.Answer forgotten = client.delete("/v1/profiles/email/" + email, ADMIN);
        assertThat(forgotten.status()).as("durable now, compacting").isEqualTo(202);
        assertThat(client.get("/v1/profiles/user_id/" + user, READ).status()).isEqualTo(404);
        // the compaction the forget scheduled removes the bytes; its status URL says when
        String statusUrl = forgotten.body().get("statusUrl").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Client.Answer status = client.get(statusUrl, ADMIN);
        while (status.status() == 202 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = client.get(statusUrl, ADMIN);
        }
        assertThat(status.status()).as("done within a minute").isEqualTo(200);
        assertThat(status.body().get("status").asText()).isEqualTo("done");
        server.close();
        server = null;
        assertThat(filesContaining(email)).isEmpty();
        assertThat(filesContaining(user)).isEmpty();
        // control: the scan does find a string that is there
        Path planted = data.resolve("planted.txt");
        Files.writeString(planted, "xx" + email + "xx");
        assertThat(filesContaining(email)).containsExactly(planted);
        Files.delete(planted);

        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            store.clearDerivedState();
        }
        start(); // recovery replays the whole log: the forgotten events stay unreadable
        assertThat(client.get("/v1/profiles/user_id/" + user, READ).status()).isEqualTo(404);
        assertThat(client.get("/v1/profiles/user_id/someone-else", READ).status()).isEqualTo(200);
    }

    private List<Path> filesContaining(String text) throws Exception {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                if (indexOf(Files.readAllBytes(f), needle) >= 0) {
                    found.add(f);
                }
            }
        }
        return found;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
