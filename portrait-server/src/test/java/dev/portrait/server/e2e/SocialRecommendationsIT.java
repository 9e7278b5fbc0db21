package dev.portrait.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.server.PortraitServer;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.server.testing.MutableClock;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "People like you follow" over a real server (embedded runtime, RocksDB) with the shipped social
 * definition: an answer for one person reads their strongest ties' recent views from those people's
 * profiles — as published, and after a restart from the store.
 */
class SocialRecommendationsIT {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final String WRITE = "wk-social-test";
    private static final String READ = "rk-social-test";

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(START.plus(Duration.ofHours(2)));
    private PortraitServer server;
    private Client client;
    private int next;

    private void start() {
        HttpConfig http = HttpConfig.of(0, new HttpConfig.ApiKeys(Set.of(WRITE), Set.of(READ), Set.of("ak-social-test")));
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
        return new ObjectMapper().writeValueAsString(e);
    }

    private void send(List<String> events) throws Exception {
        Client.Answer a = client.post("/v1/batch", WRITE, "{\"batch\":[" + String.join(",", events) + "]}");
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
    }

    /** Item → reason of ann's answer. */
    private Map<String, String> answerFor(String user) throws Exception {
        Client.Answer a = client.get("/v1/profiles/user_id/" + user + "/recommendations?k=10&placement=feed", READ);
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode item : a.body().get("items")) {
            out.put(item.get("item").asText(), item.get("reason").asText());
        }
        return out;
    }

    @Test
    void anAnswerRecommendsWhatThePersonsClosestTiesViewedReadFromTheirProfiles() throws Exception {
        start();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) { // a crowd reading three popular posts
            events.add(event("crowd" + i, "Post Viewed", Map.of("post_id", "hit-" + (i % 3), "topic", "news"),
                    Duration.ofSeconds(i)));
        }
        events.add(event("bob", "Post Viewed", Map.of("post_id", "bobs-find", "topic", "birds"), Duration.ofMinutes(5)));
        events.add(event("cy", "Post Viewed", Map.of("post_id", "cys-find", "topic", "birds"), Duration.ofMinutes(5)));
        for (int k = 0; k < 3; k++) { // ann and bob talk; cy is only followed
            events.add(event("ann", "Message Sent", Map.of("target_user_id", "bob"), Duration.ofMinutes(10 + k)));
            events.add(event("ann", "Message Received", Map.of("source_user_id", "bob"), Duration.ofMinutes(10 + k)));
        }
        events.add(event("ann", "User Followed", Map.of("target_user_id", "cy"), Duration.ofMinutes(20)));
        events.add(event("ann", "User Followed", Map.of("target_user_id", "ghost"), Duration.ofMinutes(21)));
        send(events);

        Map<String, String> answer = answerFor("ann");
        assertThat(answer).containsEntry("bobs-find", "people like you follow: bob")
                .containsEntry("cys-find", "people like you follow: cy");
        assertThat(new ArrayList<>(answer.keySet()).indexOf("bobs-find"))
                .as("the closer tie pulls harder: %s", answer)
                .isLessThan(new ArrayList<>(answer.keySet()).indexOf("cys-find"));
        // a person without ties gets no social reason
        assertThat(answerFor("crowd0").values()).allMatch(r -> !r.startsWith("people like you follow"));

        // bob views something new: ann's next answer reads bob's profile as now published
        send(List.of(event("bob", "Post Viewed", Map.of("post_id", "bobs-latest", "topic", "birds"),
                Duration.ofMinutes(30))));
        assertThat(answerFor("ann")).containsEntry("bobs-latest", "people like you follow: bob");

        // after a restart every profile comes from the store
        server.close();
        start();
        assertThat(answerFor("ann")).containsEntry("bobs-latest", "people like you follow: bob")
                .containsEntry("cys-find", "people like you follow: cy");
    }
}
