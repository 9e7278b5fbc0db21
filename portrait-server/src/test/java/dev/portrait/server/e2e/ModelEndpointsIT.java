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

/** Recommendations, personas and model scores of the embedded runtime over HTTP, across a restart. */
class ModelEndpointsIT {
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
        server = PortraitServer.start(new PortraitServer.Settings(data, DefinitionLoader.defaultEcommerce(), http, options,
                StoreOptions.defaults()), clock);
        client = new Client(server.port());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String view(String who, String product, String category, Duration before) {
        return "{\"type\":\"track\",\"messageId\":\"m" + (++next) + "\",\"userId\":\"" + who
                + "\",\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"" + product + "\",\"category\":\""
                + category + "\",\"price\":10.0},\"timestamp\":\"" + START.minus(before) + "\"}";
    }

    /** Ingests the events; returns the answer's position, for reads that must include them. */
    private long batch(List<String> events) throws Exception {
        Client.Answer a = client.post("/v1/batch", WRITE, "{\"batch\":[" + String.join(",", events) + "]}");
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
        return a.body().get("position").asLong();
    }

    /** Ten shoppers who look at the boots and then the laces; one who has only seen the boots so far. */
    private void shoppers() throws Exception {
        List<String> events = new ArrayList<>();
        for (int u = 0; u < 10; u++) {
            events.add(view("s" + u, "boots", "shoes", Duration.ofMinutes(50)));
            events.add(view("s" + u, "laces", "shoes", Duration.ofMinutes(45)));
            events.add(view("s" + u, "hat-" + u, "hats", Duration.ofMinutes(40)));
        }
        events.add(view("newcomer", "boots", "shoes", Duration.ofMinutes(5)));
        batch(events);
    }

    private List<String> recommended(String user) throws Exception {
        Client.Answer a = client.get("/v1/profiles/user_id/" + user + "/recommendations?k=3", READ);
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
        List<String> items = new ArrayList<>();
        a.body().get("items").forEach(i -> items.add(i.get("item").asText()));
        return items;
    }

    @Test
    void aShopperIsRecommendedWhatOthersViewedTogetherWithTheirItemAndToldWhy() throws Exception {
        start();
        shoppers();
        Client.Answer a = client.get("/v1/profiles/user_id/newcomer/recommendations?k=3", READ);
        assertThat(a.status()).isEqualTo(200);
        JsonNode first = a.body().get("items").get(0);
        assertThat(first.get("item").asText()).isEqualTo("laces");
        assertThat(first.get("reason").asText()).isEqualTo("viewed together with boots");
        assertThat(first.get("score").asDouble()).isPositive();
        assertThat(a.body().get("items")).hasSize(3);
    }

    @Test
    void anItemTheShopperAlreadyBoughtIsLeftOut() throws Exception {
        start();
        shoppers();
        batch(List.of("{\"type\":\"track\",\"messageId\":\"o1\",\"userId\":\"newcomer\",\"event\":\"Order Completed\","
                + "\"properties\":{\"order_id\":\"o1\",\"revenue\":5.0,\"products\":[{\"product_id\":\"laces\"}]},"
                + "\"timestamp\":\"" + START.minus(Duration.ofMinutes(1)) + "\"}"));
        assertThat(recommended("newcomer")).doesNotContain("laces").isNotEmpty();
    }

    @Test
    void recommendationsSurviveARestartBecauseTheModelStateIsWrittenBackWithTheProfiles() throws Exception {
        start();
        shoppers();
        List<String> before = recommended("newcomer");
        server.close();
        server = null;
        start();
        assertThat(recommended("newcomer")).isEqualTo(before).startsWith("laces");
    }

    @Test
    void anUnknownProfileIs404AndAnOutOfRangeKIs400() throws Exception {
        start();
        shoppers();
        assertThat(client.get("/v1/profiles/user_id/nobody/recommendations", READ).status()).isEqualTo(404);
        Client.Answer bad = client.get("/v1/profiles/user_id/newcomer/recommendations?k=0", READ);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("error").get("code").asText()).isEqualTo("invalid_parameter");
    }

    @Test
    void thePropensityCalibrationCurveAccountsForEveryLabelledExampleAndRefusesABadBucketCount() throws Exception {
        start();
        shoppers();
        Client.Answer curve = client.get("/v1/models/propensity/calibration?buckets=5", READ);
        assertThat(curve.status()).isEqualTo(200);
        assertThat(curve.body().get("declared").asBoolean()).isTrue(); // the shipped definition has a propensity model
        long examples = 0;
        for (var b : curve.body().get("buckets")) {
            examples += b.get("examples").asLong();
            assertThat(b.get("predicted").asDouble()).isBetween(b.get("from").asDouble(), b.get("to").asDouble());
            assertThat(b.get("observed").asDouble()).isBetween(0.0, 1.0);
        }
        assertThat(examples).isEqualTo(curve.body().get("examples").asLong());
        for (String bad : new String[] {"0", "101", "ten"}) {
            Client.Answer refused = client.get("/v1/models/propensity/calibration?buckets=" + bad, READ);
            assertThat(refused.status()).as("buckets=%s", bad).isEqualTo(400);
            assertThat(refused.body().get("error").get("code").asText()).isEqualTo("invalid_parameter");
        }
        assertThat(client.get("/v1/models/propensity/calibration", null).status()).isEqualTo(401);
    }

    @Test
    void personasAppearOnceAMiniBatchOfProfilesHasBeenSeenAndEveryProfileCarriesOne() throws Exception {
        start();
        assertThat(client.get("/v1/personas", READ).body().get("personas")).isEmpty();
        List<String> events = new ArrayList<>();
        for (int u = 0; u < 300; u++) {
            int views = u % 3 == 0 ? 12 : 1;
            for (int v = 0; v < views; v++) {
                events.add(view("v" + u, "p" + (u * 7 + v) % 50, u % 2 == 0 ? "shoes" : "bags", Duration.ofMinutes(60 - v)));
            }
        }
        long position = batch(events);
        JsonNode personas = client.get("/v1/personas", READ).body().get("personas");
        assertThat(personas).hasSize(5);
        long assigned = 0;
        for (JsonNode p : personas) {
            assigned += p.get("size").asLong();
            assertThat(p.get("strongest")).isNotEmpty();
            assertThat(p.get("strongest").get(0).get("feature").asText()).isNotEmpty();
        }
        assertThat(assigned).isPositive();

        // with the ingest's position: the scores include what the models learned from these events (without it
        // they come from the models as last frozen for readers, a fraction of a second behind)
        JsonNode models = client.get("/v1/profiles/user_id/v299?position=" + position, READ).body().get("models");
        assertThat(models.get("persona").isInt()).as(String.valueOf(models)).isTrue();
        assertThat(models.get("botScore").asDouble()).isBetween(0.0, 1.0);
        JsonNode scores = client.get("/v1/profiles/user_id/v299/scores?position=" + position, READ).body();
        assertThat(scores.get("persona").isInt()).as(scores.toString()).isTrue();
        assertThat(scores.get("botScore").asDouble()).isBetween(0.0, 1.0);
        assertThat(scores.get("propensity").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void aMetronomeClientLandsInSuspectedBotsAndAPersonBrowsingDoesNot() throws Exception {
        start();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            events.add(view("script", "p1", "shoes", Duration.ofSeconds(600 - 2L * i)));
        }
        long[] human = {3000, 2950, 2400, 2390, 900, 880, 870, 100};
        String[] items = {"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8"};
        for (int i = 0; i < human.length; i++) {
            events.add(view("person", items[i], "shoes", Duration.ofSeconds(human[i])));
        }
        batch(events);
        JsonNode bot = client.get("/v1/profiles/user_id/script/scores", READ).body();
        JsonNode person = client.get("/v1/profiles/user_id/person/scores", READ).body();
        assertThat(bot.get("segments").toString()).as(bot.toString()).contains("suspected_bots");
        assertThat(person.get("segments")).as(person.toString()).isEmpty();
        assertThat(bot.get("botScore").asDouble()).isGreaterThan(person.get("botScore").asDouble());
        String metrics = new String(java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.port() + "/metrics")).header("Authorization", "Bearer " + READ).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        assertThat(metrics).contains("portrait_propensity_auc", "portrait_propensity_logloss", "portrait_suspected_bots");
    }
}
