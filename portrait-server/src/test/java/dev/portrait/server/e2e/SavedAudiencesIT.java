package dev.portrait.server.e2e;

import dev.portrait.server.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.server.PortraitServer;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Saved audiences over a real server: saved with {@code PUT}, filled with the people who already match, entered
 * and left as events arrive (transitions in {@code /changes} and the profile's segment stays), kept across a
 * restart, deleted with their members leaving.
 */
class SavedAudiencesIT {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String WRITE = "wk-test";
    private static final String READ = "rk-test";
    private static final String ADMIN = "ak-test";
    private static final String VIP_DE = "{\"all\":[\"high_value\"],\"where\":\"traits.country == 'DE'\"}";

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(START);
    private PortraitServer server;
    private Client client;

    private void start() {
        HttpConfig http = HttpConfig.of(0, new HttpConfig.ApiKeys(Set.of(WRITE), Set.of(READ), Set.of(ADMIN)));
        RuntimeOptions options = new RuntimeOptions(10_000, Duration.ofMillis(50), 1_000, 10_000, 100_000, Duration.ZERO);
        server = PortraitServer.start(new PortraitServer.Settings(data, DefinitionLoader.defaultEcommerce(), http,
                options, StoreOptions.defaults()), clock);
        client = new Client(server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String at(Duration offset) {
        return START.plus(offset).toString();
    }

    private static String identify(String id, String who, String country, Duration offset) {
        return "{\"type\":\"identify\",\"messageId\":\"" + id + "\",\"userId\":\"" + who + "\",\"traits\":{\"country\":\""
                + country + "\"},\"timestamp\":\"" + at(offset) + "\"}";
    }

    private static String order(String id, String who, double revenue, Duration offset) {
        return "{\"type\":\"track\",\"messageId\":\"" + id + "\",\"userId\":\"" + who
                + "\",\"event\":\"Order Completed\",\"properties\":{\"order_id\":\"o-" + id + "\",\"revenue\":" + revenue
                + "},\"timestamp\":\"" + at(offset) + "\"}";
    }

    private static String view(String id, String who, Duration offset) {
        return "{\"type\":\"track\",\"messageId\":\"" + id + "\",\"userId\":\"" + who
                + "\",\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"p1\",\"category\":\"shoes\"},"
                + "\"timestamp\":\"" + at(offset) + "\"}";
    }

    private void batch(String... events) throws Exception {
        Client.Answer a = client.post("/v1/batch", WRITE, "{\"batch\":[" + String.join(",", events) + "]}");
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
    }

    private JsonNode readyAudience(String name) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            Client.Answer a = client.get("/v1/audiences/" + name, READ);
            assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
            if (a.body().get("status").asText().equals("ready") || System.nanoTime() > deadline) {
                return a.body();
            }
            Thread.sleep(20);
        }
    }

    /** The profile's changes of one field, oldest first, as "old→new by cause". */
    private List<String> changesOf(String user, String field) throws Exception {
        JsonNode items = client.get("/v1/profiles/user_id/" + user + "/changes?limit=1000", READ).body().get("items");
        List<String> out = new ArrayList<>();
        for (JsonNode c : items) {
            if (c.get("field").asText().equals(field)) {
                out.add(0, c.get("oldValue").asText() + "→" + c.get("newValue").asText() + " by " + c.get("messageId").asText());
            }
        }
        return out;
    }

    private List<String> segmentsOf(String user) throws Exception {
        List<String> out = new ArrayList<>();
        client.get("/v1/profiles/user_id/" + user, READ).body().get("segments").forEach(s -> out.add(s.asText()));
        return out;
    }

    private JsonNode listed(String name) throws Exception {
        for (JsonNode s : client.get("/v1/segments", READ).body().get("segments")) {
            if (s.get("name").asText().equals(name)) {
                return s;
            }
        }
        return null;
    }

    @Test
    void aSavedAudienceIsASegmentPeopleEnterAndLeaveThatSurvivesARestartAndLeavesWhenDeleted() throws Exception {
        start();
        // u1 matches before the audience exists; u2 will enter and leave after
        batch(identify("i1", "u1", "DE", Duration.ofMinutes(-50)), order("o1", "u1", 640.0, Duration.ofMinutes(-40)),
                identify("i2", "u2", "DE", Duration.ofMinutes(-50)), view("v2", "u2", Duration.ofMinutes(-45)));

        Client.Answer saved = client.put("/v1/audiences/vip_de", ADMIN, VIP_DE);
        assertThat(saved.status()).as(saved.body().toString()).isEqualTo(201);
        assertThat(saved.body().get("name").asText()).isEqualTo("vip_de");
        assertThat(saved.body().get("savedAt").asText()).isEqualTo(START.toString());
        JsonNode ready = readyAudience("vip_de");
        assertThat(ready.get("status").asText()).isEqualTo("ready");
        assertThat(ready.get("size").asLong()).isEqualTo(1);
        assertThat(ready.get("backfill").get("total").asLong()).isEqualTo(2);
        assertThat(segmentsOf("u1")).contains("vip_de");
        assertThat(segmentsOf("u2")).doesNotContain("vip_de");

        // u2 enters with an order, leaves when they move to France
        batch(order("o2", "u2", 700.0, Duration.ofMinutes(-30)));
        assertThat(segmentsOf("u2")).contains("vip_de");
        batch(identify("i3", "u2", "FR", Duration.ofMinutes(-20)));
        assertThat(segmentsOf("u2")).doesNotContain("vip_de");

        assertThat(changesOf("u1", "segments.vip_de")).containsExactly("false→true by saved");
        assertThat(changesOf("u2", "segments.vip_de")).containsExactly("false→true by o2", "true→false by i3");
        JsonNode stays = client.get("/v1/profiles/user_id/u2/segments", READ).body().get("segments");
        JsonNode vip = null;
        for (JsonNode s : stays) {
            if (s.get("segment").asText().equals("vip_de")) {
                vip = s;
            }
        }
        assertThat(vip).isNotNull();
        assertThat(vip.get("member").asBoolean()).isFalse();
        assertThat(vip.get("enteredAt").asText()).isEqualTo(at(Duration.ofMinutes(-30)));
        assertThat(vip.get("leftAt").asText()).isEqualTo(at(Duration.ofMinutes(-20)));

        JsonNode listed = listed("vip_de");
        assertThat(listed.get("savedAudience").asBoolean()).isTrue();
        assertThat(listed.get("size").asLong()).isEqualTo(1);
        assertThat(listed("high_value").get("savedAudience").asBoolean()).isFalse();
        assertThat(client.get("/v1/segments/vip_de/members", READ).body().get("items")).hasSize(1);
        // an audience may name it like any segment
        assertThat(client.post("/v1/audiences/count", READ, "{\"all\":[\"vip_de\"]}").body().get("count").asLong())
                .isEqualTo(1);

        server.close();
        start();
        JsonNode after = readyAudience("vip_de");
        assertThat(after.get("size").asLong()).isEqualTo(1);
        assertThat(after.get("all").get(0).asText()).isEqualTo("high_value");
        assertThat(segmentsOf("u1")).contains("vip_de");
        assertThat(client.put("/v1/audiences/vip_de", ADMIN, VIP_DE).status()).isEqualTo(200); // same body: no change

        assertThat(client.put("/v1/audiences/vip_de_viewers", ADMIN,
                "{\"all\":[\"vip_de\",\"active_viewer\"]}").status()).isEqualTo(201);
        Client.Answer inUse = client.delete("/v1/audiences/vip_de", ADMIN);
        assertThat(inUse.status()).isEqualTo(409);
        assertThat(inUse.body().get("error").get("code").asText()).isEqualTo("audience_in_use");
        assertThat(client.delete("/v1/audiences/vip_de_viewers", ADMIN).status()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(5));
        assertThat(client.delete("/v1/audiences/vip_de", ADMIN).status()).isEqualTo(200);
        assertThat(client.get("/v1/audiences/vip_de", READ).status()).isEqualTo(404);
        assertThat(listed("vip_de")).isNull();
        assertThat(segmentsOf("u1")).doesNotContain("vip_de");
        assertThat(changesOf("u1", "segments.vip_de")).containsExactly("false→true by saved", "true→false by deleted");
        assertThat(client.post("/v1/audiences/count", READ, "{\"all\":[\"vip_de\"]}").status()).isEqualTo(404);
    }

    @Test
    void aBadAudienceIsRefusedWithItsCodeAndPlaceAndAReadKeyCannotSave() throws Exception {
        start();
        assertRefused(client.put("/v1/audiences/high_value", ADMIN, "{\"all\":[\"new_user\"]}"), 409, "segment_exists", "name");
        assertRefused(client.put("/v1/audiences/x", ADMIN, "{\"any\":[\"new_user\",\"vip\"]}"), 404, "unknown_segment",
                "any[1]");
        assertRefused(client.put("/v1/audiences/x", ADMIN, "{\"where\":\"traits.tier == 'gold'\"}"), 400,
                "invalid_audience", "where");
        assertRefused(client.put("/v1/audiences/loop", ADMIN, "{\"none\":[\"loop\"]}"), 400, "audience_cycle", "name");
        assertRefused(client.put("/v1/audiences/Not-A-Name", ADMIN, "{}"), 400, "invalid_audience", "name");
        assertRefused(client.put("/v1/audiences/count", ADMIN, "{}"), 400, "invalid_audience", "name");
        assertRefused(client.put("/v1/audiences/x", ADMIN, "{\"all\":\"high_value\"}"), 400, "invalid_request", "all");
        assertRefused(client.put("/v1/audiences/x", ADMIN, ""), 400, "invalid_request", "$");
        assertThat(client.put("/v1/audiences/x", ADMIN, "{\"all\":[\"high_value\"]}").status()).isEqualTo(201);
        assertRefused(client.put("/v1/audiences/x", ADMIN, "{\"all\":[\"new_user\"]}"), 409, "audience_exists", "name");
        assertRefused(client.delete("/v1/audiences/nobody", ADMIN), 404, "unknown_audience", "name");
        assertThat(client.put("/v1/audiences/y", READ, "{}").status()).isEqualTo(403);
        assertThat(client.delete("/v1/audiences/x", READ).status()).isEqualTo(403);
        assertThat(client.get("/v1/audiences/x", READ).status()).isEqualTo(200);
    }

    private static void assertRefused(Client.Answer a, int status, String code, String path) {
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(status);
        assertThat(a.body().get("error").get("code").asText()).isEqualTo(code);
        assertThat(a.body().get("error").get("path").asText()).isEqualTo(path);
    }
}
