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
 * Reversing a merge over a real server: two people merged by an event carrying both their ids, listed under
 * {@code …/merges}, reversed by an admin key (a read key is refused), each reading back with their own
 * identifiers and events at once and after a restart; the reversed merge is gone, so it cannot be reversed twice.
 */
class MergeReversalIT {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String WRITE = "wk-test";
    private static final String READ = "rk-test";
    private static final String ADMIN = "ak-test";

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

    private static String view(String id, String ids, String product, int minutesAgo) {
        return "{\"type\":\"track\",\"messageId\":\"" + id + "\"," + ids + ",\"event\":\"Product Viewed\","
                + "\"properties\":{\"product_id\":\"" + product + "\",\"category\":\"shoes\"},\"timestamp\":\""
                + START.minus(Duration.ofMinutes(minutesAgo)) + "\"}";
    }

    private void batch(String... events) throws Exception {
        Client.Answer a = client.post("/v1/batch", WRITE, "{\"batch\":[" + String.join(",", events) + "]}");
        assertThat(a.status()).as(a.body().toString()).isEqualTo(200);
    }

    private JsonNode profile(String idType, String id) throws Exception {
        Client.Answer a = client.get("/v1/profiles/" + idType + "/" + id, READ);
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
        return a.body();
    }

    private List<String> changeCauses(String idType, String id) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode c : client.get("/v1/profiles/" + idType + "/" + id + "/changes?limit=1000", READ).body()
                .get("items")) {
            out.add(c.get("messageId").asText());
        }
        return out;
    }

    @Test
    void anAdminReversesAMergeAndBothPeopleReadBackApartAcrossARestart() throws Exception {
        start();
        String ada = "\"anonymousId\":\"anon-ada\"";
        String bob = "\"userId\":\"bob\"";
        batch(view("a1", ada, "p1", 50), view("b1", bob, "p2", 45), view("a2", ada, "p1", 40));
        batch(view("both", ada + "," + bob, "p3", 30)); // the merge
        batch(view("b2", bob, "p4", 20), view("a3", ada, "p5", 10));
        // the clock stands still, so no write-back falls due by time: the listing asks for one and waits

        JsonNode merged = profile("user_id", "bob");
        assertThat(merged.get("profileId").asText()).isEqualTo(profile("anonymous_id", "anon-ada").get("profileId").asText());
        JsonNode merges = client.get("/v1/profiles/anonymous_id/anon-ada/merges", READ).body().get("items");
        assertThat(merges).hasSize(1);
        String mergeId = merges.get(0).get("mergeId").asText();
        assertThat(merges.get(0).get("reversible").asBoolean()).isTrue();
        assertThat(merges.get(0).get("causeMessageId").asText()).isEqualTo("both");
        String reverse = "/v1/profiles/anonymous_id/anon-ada/merges/" + mergeId + "/reverse";

        Client.Answer byReader = client.post(reverse, READ, "");
        assertThat(byReader.status()).isEqualTo(403);
        assertThat(byReader.body().get("error").get("code").asText()).isEqualTo("forbidden");
        Client.Answer unknown = client.post("/v1/profiles/anonymous_id/anon-ada/merges/p_nothing/reverse", ADMIN, "");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("error").get("code").asText()).isEqualTo("merge_not_found");
        assertThat(client.post("/v1/profiles/anonymous_id/nobody/merges/" + mergeId + "/reverse", ADMIN, "").status())
                .isEqualTo(404);

        Client.Answer done = client.post(reverse, ADMIN, "");
        assertThat(done.status()).as(done.body().toString()).isEqualTo(200);
        assertThat(done.body().get("loser").asText()).isEqualTo(mergeId);
        assertThat(done.body().get("eventsToLoser").asInt()).isEqualTo(1); // b2
        assertThat(done.body().get("eventsKept").asInt()).isEqualTo(2); // both, a3

        for (int round = 0; round < 2; round++) {
            JsonNode bobNow = profile("user_id", "bob");
            JsonNode adaNow = profile("anonymous_id", "anon-ada");
            assertThat(bobNow.get("profileId").asText()).isEqualTo(mergeId);
            assertThat(adaNow.get("profileId").asText()).isNotEqualTo(mergeId);
            assertThat(changeCauses("user_id", "bob")).contains("b1", "b2").doesNotContain("a1", "both", "a3");
            assertThat(changeCauses("anonymous_id", "anon-ada")).contains("a1", "both", "a3").doesNotContain("b1", "b2");
            assertThat(client.get("/v1/profiles/anonymous_id/anon-ada/merges", READ).body().get("items")).isEmpty();
            if (round == 0) {
                server.close();
                start();
            }
        }
        Client.Answer again = client.post(reverse, ADMIN, "");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.body().get("error").get("code").asText()).isEqualTo("merge_not_found");
    }
}
