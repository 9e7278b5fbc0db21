package dev.portrait.server.e2e;

import dev.portrait.server.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
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

/** {@code GET /v1/accounts/{groupId}} of the embedded runtime with the shipped social definition, across a restart. */
class AccountsIT {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String WRITE = "wk-test";
    private static final String READ = "rk-test";

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(START);
    private PortraitServer server;
    private Client client;
    private int next;

    private void start(ProfileDefinition definition) {
        start(definition, data);
    }

    private void start(ProfileDefinition definition, Path data) {
        HttpConfig http = HttpConfig.of(0, new HttpConfig.ApiKeys(Set.of(WRITE), Set.of(READ), Set.of("ak-test")));
        RuntimeOptions options = new RuntimeOptions(10_000, Duration.ofMillis(50), 1_000, 10_000, 100_000, Duration.ZERO);
        server = PortraitServer.start(new PortraitServer.Settings(data, definition, http, options,
                StoreOptions.defaults()), clock);
        client = new Client(server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String group(String user, String groupId, String plan, Duration before) {
        return "{\"type\":\"group\",\"messageId\":\"m" + (++next) + "\",\"userId\":\"" + user + "\",\"groupId\":\""
                + groupId + "\",\"traits\":{\"name\":\"" + groupId + " club\",\"plan\":\"" + plan + "\"},\"timestamp\":\""
                + START.minus(before) + "\"}";
    }

    private String paid(String user, double revenue, Duration before) {
        return "{\"type\":\"track\",\"messageId\":\"m" + (++next) + "\",\"userId\":\"" + user
                + "\",\"event\":\"Subscription Paid\",\"properties\":{\"revenue\":" + revenue + "},\"timestamp\":\""
                + START.minus(before) + "\"}";
    }

    /** Posts a batch and answers its position token, for reads that must see it. */
    private long batch(List<String> events) throws Exception {
        Client.Answer a = client.post("/v1/batch", WRITE, "{\"batch\":[" + String.join(",", events) + "]}");
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
        return a.body().get("position").asLong();
    }

    /** Six people in the climbers; two paid; one of them was last seen 10 days ago. */
    private long climbers() throws Exception {
        List<String> events = new ArrayList<>();
        for (int u = 0; u < 6; u++) {
            events.add(group("c" + u, "climbers", "free", Duration.ofDays(u == 5 ? 10 : 1)));
        }
        events.add(paid("c0", 9.5, Duration.ofHours(5)));
        events.add(paid("c1", 20.0, Duration.ofHours(4)));
        events.add(paid("outsider", 100.0, Duration.ofHours(3))); // in no group
        return batch(events);
    }

    @Test
    void anAccountShowsItsTraitsItsMembersAggregatesAndItsSegments() throws Exception {
        start(DefinitionLoader.defaultSocial());
        long position = climbers();

        Client.Answer a = client.get("/v1/accounts/climbers?position=" + position, READ);

        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
        JsonNode body = a.body();
        assertThat(body.get("groupId").asText()).isEqualTo("climbers");
        assertThat(body.get("traits").get("plan").asText()).isEqualTo("free");
        assertThat(body.get("features").get("members").asInt()).isEqualTo(6);
        assertThat(body.get("features").get("active_members").asInt()).isEqualTo(5);
        assertThat(body.get("features").get("revenue").asDouble()).isEqualTo(29.5);
        assertThat(body.get("segments")).extracting(JsonNode::asText).containsExactly("paying");

        Client.Answer person = client.get("/v1/profiles/user_id/c0?position=" + position, READ);
        assertThat(person.body().get("features").get("groups").get(0).get("item").asText()).isEqualTo("climbers");
    }

    @Test
    void accountsSurviveARestartBecauseTheyAreWrittenBackWithTheModels() throws Exception {
        start(DefinitionLoader.defaultSocial());
        long position = climbers();
        JsonNode before = client.get("/v1/accounts/climbers?position=" + position, READ).body();
        server.close();
        server = null;

        start(DefinitionLoader.defaultSocial());
        JsonNode after = client.get("/v1/accounts/climbers", READ).body();

        assertThat(after.get("features")).isEqualTo(before.get("features"));
        assertThat(after.get("traits")).isEqualTo(before.get("traits"));
    }

    @Test
    void anUnknownGroupIs404AndADefinitionWithoutAccountsHasNone() throws Exception {
        start(DefinitionLoader.defaultSocial());
        climbers();
        Client.Answer unknown = client.get("/v1/accounts/nobody", READ);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("error").get("code").asText()).isEqualTo("account_not_found");
        assertThat(client.get("/v1/accounts/climbers", WRITE).status()).as("needs a read key").isEqualTo(403);
        server.close();
        server = null;

        start(DefinitionLoader.defaultEcommerce(), data.resolve("shop"));
        Client.Answer none = client.get("/v1/accounts/climbers", READ);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.body().get("error").get("code").asText()).isEqualTo("not_found");
    }
}
