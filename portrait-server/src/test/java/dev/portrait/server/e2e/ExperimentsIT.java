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

/** {@code GET /v1/experiments/{name}} and the variant on the profile, with the shipped social definition, across a restart. */
class ExperimentsIT {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String WRITE = "wk-test";
    private static final String READ = "rk-test";

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(START);
    private PortraitServer server;
    private Client client;
    private int next;

    private void start() {
        HttpConfig http = HttpConfig.of(0, new HttpConfig.ApiKeys(Set.of(WRITE), Set.of(READ), Set.of("ak-test")));
        RuntimeOptions options = new RuntimeOptions(10_000, Duration.ofMillis(50), 1_000, 10_000, 100_000, Duration.ZERO);
        server = PortraitServer.start(new PortraitServer.Settings(data, DefinitionLoader.defaultSocial(), http, options,
                StoreOptions.defaults()), clock);
        client = new Client(server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String track(String user, String event, String recommendationId, Duration after) {
        return "{\"type\":\"track\",\"messageId\":\"m" + (++next) + "\",\"userId\":\"" + user + "\",\"event\":\"" + event
                + "\",\"properties\":{\"recommendation_id\":\"" + recommendationId + "\",\"item\":\"post1\",\"post_id\":\"post1\"},"
                + "\"timestamp\":\"" + START.plus(after) + "\"}";
    }

    /**
     * Forty people are each served an answer at placement feed, report it shown twice (one exposure: the join
     * counts an answer once), and every fourth clicks it.
     */
    private void readers() throws Exception {
        List<String> views = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            views.add(track("r" + u, "Post Viewed", "none", Duration.ZERO));
        }
        assertThat(client.post("/v1/batch", WRITE, "{\"batch\":[" + String.join(",", views) + "]}").status()).isEqualTo(200);
        List<String> events = new ArrayList<>();
        for (int u = 0; u < 40; u++) {
            Client.Answer served = client.get("/v1/profiles/user_id/r" + u + "/recommendations?placement=feed", READ);
            assertThat(served.status()).as(String.valueOf(served.body())).isEqualTo(200);
            String id = served.body().get("recommendationId").asText();
            events.add(track("r" + u, "Recommendation Shown", id, Duration.ofMinutes(1)));
            events.add(track("r" + u, "Recommendation Shown", id, Duration.ofMinutes(2)));
            if (u % 4 == 0) {
                events.add(track("r" + u, "Recommendation Clicked", id, Duration.ofMinutes(3)));
            }
        }
        Client.Answer a = client.post("/v1/batch", WRITE, "{\"batch\":[" + String.join(",", events) + "]}");
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
    }

    @Test
    void anExperimentsResultsCountEveryParticipantOnceAndTheProfileShowsItsVariant() throws Exception {
        start();
        readers();

        Client.Answer a = client.get("/v1/experiments/feed_ranking", READ);

        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
        JsonNode variants = a.body().get("variants");
        assertThat(variants).extracting(v -> v.get("name").asText()).containsExactly("control", "topic_heavy");
        assertThat(variants.get(0).get("participants").asLong() + variants.get(1).get("participants").asLong())
                .isEqualTo(40);
        assertThat(variants.get(0).get("exposures").asLong() + variants.get(1).get("exposures").asLong())
                .as("one exposure per answer, however often it is reported shown").isEqualTo(40);
        assertThat(variants.get(0).get("clicks").asLong() + variants.get(1).get("clicks").asLong()).isEqualTo(10);
        assertThat(variants.get(1).get("vsControl")).extracting(c -> c.get("metric").asText())
                .containsExactly("ctr", "conversion", "revenue_per_person");

        JsonNode profile = client.get("/v1/profiles/user_id/r0", READ).body();
        assertThat(profile.get("models").get("experiments").get("feed_ranking").asText()).isIn("control", "topic_heavy");
    }

    @Test
    void resultsAndAssignmentsSurviveARestart() throws Exception {
        start();
        readers();
        JsonNode before = client.get("/v1/experiments/feed_ranking", READ).body();
        String variant = client.get("/v1/profiles/user_id/r3", READ).body().get("models").get("experiments").toString();
        server.close();
        server = null;

        start();
        assertThat(client.get("/v1/experiments/feed_ranking", READ).body()).isEqualTo(before);
        assertThat(client.get("/v1/profiles/user_id/r3", READ).body().get("models").get("experiments").toString())
                .isEqualTo(variant);
    }

    @Test
    void anUndeclaredExperimentIs404() throws Exception {
        start();
        Client.Answer a = client.get("/v1/experiments/nothing", READ);
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.body().get("error").get("code").asText()).isEqualTo("unknown_experiment");
    }
}
