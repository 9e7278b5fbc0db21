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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feedback loop over a real server with the shipped social definition: answers served with ids and
 * under the person's experiment variant's settings, Shown / Clicked / Subscription Paid events joined to
 * them, CTR in {@code /metrics}, in {@code GET /v1/recommendations/feedback}, in the experiment's results
 * and on the profile; across a restart.
 */
class FeedbackLoopIT {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String WRITE = "wk-feedback-test";
    private static final String READ = "rk-feedback-test";
    private static final int PEOPLE = 40;

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(START);
    private PortraitServer server;
    private Client client;
    private int next;

    private void start() {
        HttpConfig http = HttpConfig.of(0, new HttpConfig.ApiKeys(Set.of(WRITE), Set.of(READ), Set.of("ak-feedback-test")));
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

    private String event(String user, String name, Map<String, Object> properties, Duration after) throws Exception {
        Map<String, Object> e = new HashMap<>();
        e.put("type", "track");
        e.put("messageId", "m" + (++next));
        e.put("userId", user);
        e.put("event", name);
        e.put("properties", properties);
        e.put("timestamp", START.plus(after).toString());
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(e);
    }

    private void send(List<String> events) throws Exception {
        Client.Answer a = client.post("/v1/batch", WRITE, "{\"batch\":[" + String.join(",", events) + "]}");
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
    }

    /** Everyone reads the same posts in the same order: identical histories, so only a variant's settings tell answers apart. */
    private void history() throws Exception {
        List<String> events = new ArrayList<>();
        for (int u = 0; u < PEOPLE; u++) {
            events.add(event("p" + u, "Post Viewed", Map.of("post_id", "post1", "topic", "cats"), Duration.ZERO));
            events.add(event("p" + u, "Post Viewed", Map.of("post_id", u % 2 == 0 ? "post2" : "post3",
                    "topic", u % 2 == 0 ? "cats" : "dogs"), Duration.ofSeconds(1)));
        }
        events.add(event("twin", "Post Viewed", Map.of("post_id", "post1", "topic", "cats"), Duration.ZERO));
        send(events);
    }

    @Test
    void answersAreJoinedToWhatPeopleDidWithThemAndCtrShowsEverywherePerVariant() throws Exception {
        start();
        history();
        Map<String, String> ids = new TreeMap<>();
        Map<String, String> variants = new TreeMap<>();
        Map<String, Map<String, Double>> scores = new TreeMap<>();
        for (int u = 0; u < PEOPLE; u++) {
            JsonNode answer = client.get("/v1/profiles/user_id/p" + u + "/recommendations?placement=feed&k=5", READ).body();
            assertThat(answer.get("placement").asText()).isEqualTo("feed");
            assertThat(answer.get("model").asText()).isEqualTo("recommender");
            assertThat(answer.get("recommendationId").asText()).startsWith("rec_").isNotIn(ids.values());
            ids.put("p" + u, answer.get("recommendationId").asText());
            variants.put("p" + u, answer.get("experiment").get("variant").asText());
            Map<String, Double> s = new TreeMap<>();
            answer.get("items").forEach(i -> s.put(i.get("item").asText(), i.get("score").asDouble()));
            scores.put("p" + u, s);
        }
        assertThat(new java.util.HashSet<>(variants.values())).containsExactlyInAnyOrder("control", "topic_heavy");
        // the same history in both arms: topic_heavy's categoryWeight 0.6 (the definition's 0.5 elsewhere) moves scores
        String control = variants.entrySet().stream().filter(e -> e.getValue().equals("control")
                && Integer.parseInt(e.getKey().substring(1)) % 2 == 0).findFirst().orElseThrow().getKey();
        String heavy = variants.entrySet().stream().filter(e -> e.getValue().equals("topic_heavy")
                && Integer.parseInt(e.getKey().substring(1)) % 2 == 0).findFirst().orElseThrow().getKey();
        assertThat(scores.get(control).keySet()).isEqualTo(scores.get(heavy).keySet());
        String item = scores.get(control).keySet().iterator().next();
        assertThat(scores.get(heavy).get(item)).as(item).isNotEqualTo(scores.get(control).get(item));
        // a person outside any variant's difference: the default placement
        JsonNode plain = client.get("/v1/profiles/user_id/twin/recommendations", READ).body();
        assertThat(plain.get("placement").asText()).isEqualTo("default");

        // everyone's answer is shown (twice: one exposure); every third person clicks; p0 then pays
        Map<String, long[]> expected = new TreeMap<>(); // variant -> shown, clicked
        List<String> events = new ArrayList<>();
        for (int u = 0; u < PEOPLE; u++) {
            String user = "p" + u;
            long[] row = expected.computeIfAbsent(variants.get(user), k -> new long[2]);
            events.add(event(user, "Recommendation Shown", Map.of("recommendation_id", ids.get(user)), Duration.ofMinutes(1)));
            events.add(event(user, "Recommendation Shown", Map.of("recommendation_id", ids.get(user)), Duration.ofMinutes(2)));
            row[0]++;
            if (u % 3 == 0) {
                events.add(event(user, "Recommendation Clicked", Map.of("recommendation_id", ids.get(user), "item", "post2"),
                        Duration.ofMinutes(3)));
                row[1]++;
            }
        }
        events.add(event("p0", "Subscription Paid", Map.of("revenue", 9.5), Duration.ofMinutes(4)));
        events.add(event("p1", "Recommendation Clicked", Map.of("recommendation_id", "rec_forged"), Duration.ofMinutes(4)));
        send(events);

        JsonNode feedback = client.get("/v1/recommendations/feedback", READ).body();
        assertThat(feedback.get("declared").asBoolean()).isTrue();
        long converted = 0;
        for (JsonNode row : feedback.get("rows")) {
            assertThat(row.get("placement").asText()).isEqualTo("feed");
            assertThat(row.get("experiment").asText()).isEqualTo("feed_ranking");
            long[] want = expected.get(row.get("variant").asText());
            assertThat(List.of(row.get("shown").asLong(), row.get("clicked").asLong())).as(row.toString())
                    .containsExactly(want[0], want[1]);
            assertThat(row.get("ctr").asDouble()).isEqualTo((double) want[1] / want[0]);
            converted += row.get("converted").asLong();
        }
        assertThat(converted).as("p0 paid after clicking").isEqualTo(1);
        assertThat(feedback.get("unjoined").get("recommender").get("unknown_id").asLong()).isEqualTo(1);

        String metrics = scrape();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            String labels = "{experiment=\"feed_ranking\",model=\"recommender\",placement=\"feed\",variant=\"" + e.getKey() + "\"}";
            assertThat(series(metrics, "portrait_recommendations_shown" + labels)).isEqualTo(e.getValue()[0]);
            assertThat(series(metrics, "portrait_recommendations_clicked" + labels)).isEqualTo(e.getValue()[1]);
            assertThat(series(metrics, "portrait_recommendations_ctr" + labels))
                    .isEqualTo((double) e.getValue()[1] / e.getValue()[0]);
        }

        JsonNode experiment = client.get("/v1/experiments/feed_ranking", READ).body();
        for (JsonNode v : experiment.get("variants")) {
            long[] want = expected.get(v.get("name").asText());
            assertThat(List.of(v.get("exposures").asLong(), v.get("clicks").asLong())).containsExactly(want[0], want[1]);
        }

        JsonNode mine = client.get("/v1/profiles/user_id/p0", READ).body().get("models").get("feedback");
        assertThat(List.of(mine.get("shown").asLong(), mine.get("clicked").asLong(), mine.get("converted").asLong()))
                .containsExactly(1L, 1L, 1L);
        assertThat(mine.get("byPlacement").get("feed").get("ctr").asDouble()).isEqualTo(1.0);
        assertThat(client.get("/v1/profiles/user_id/p0", READ).body().get("models").get("experiments")
                .get("feed_ranking").asText()).isEqualTo(variants.get("p0"));

        // a restart loses nothing: the totals come back, and a click on an answer served before it still joins
        String before = client.get("/v1/recommendations/feedback", READ).body().toString();
        server.close();
        server = null;
        start();
        assertThat(client.get("/v1/recommendations/feedback", READ).body().toString()).isEqualTo(before);
        send(List.of(event("p1", "Recommendation Clicked", Map.of("recommendation_id", ids.get("p1"), "item", "post3"),
                Duration.ofMinutes(5))));
        JsonNode p1 = client.get("/v1/profiles/user_id/p1", READ).body().get("models").get("feedback");
        assertThat(List.of(p1.get("shown").asLong(), p1.get("clicked").asLong())).containsExactly(1L, 1L);
    }

    @Test
    void aBadPlacementIsRefusedWithWhereItWasWrong() throws Exception {
        start();
        history();
        Client.Answer a = client.get("/v1/profiles/user_id/p0/recommendations?placement=home%20page", READ);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.body().get("error").get("code").asText()).isEqualTo("invalid_parameter");
        assertThat(a.body().get("error").get("path").asText()).isEqualTo("placement");
        assertThat(a.body().get("error").get("message").asText()).contains("home page");
    }

    private String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((READ + ":")
                        .getBytes(StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static double series(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError(series + " is not in /metrics"));
    }
}
