package dev.portrait.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portrait.server.port.ChangeView;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.server.port.SegmentSummary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.portrait.server.http.ApiHarness.READ_KEY;
import static org.assertj.core.api.Assertions.assertThat;

class QueryRoutesTest {
    private final ApiHarness api = new ApiHarness();

    @AfterEach
    void stop() {
        api.close();
    }

    static ProfileView profile() {
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("views_7d", 12L);
        features.put("last_seen", 1_714_564_740_000L);
        features.put("avg_order", 42.5);
        features.put("interests", Map.of("shoes", 0.75));
        features.put("recent_products", List.of("p1", "p2"));
        features.put("never", null);
        return new ProfileView("pf_1", Map.of("user_id", List.of("u1"), "anonymous_id", List.of("a1", "a2")),
                Map.of("plan", Map.of("value", "pro", "source", "identify", "updatedAt", "2024-05-01T11:00:00Z")),
                features, List.of("active_buyers"), 17, Instant.parse("2024-05-01T11:59:00Z"),
                Instant.parse("2024-05-01T12:00:00Z"));
    }

    @Test
    void aProfileRendersEveryFieldWithTimesAsIsoAndFeatureTimestampsAsEpochMillis() {
        api.runtime.profiles.put("user_id/u1", profile());
        ApiHarness.Answer a = api.get("/v1/profiles/user_id/u1", READ_KEY);

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode p = a.json();
        assertThat(p.fieldNames()).toIterable().containsExactly("profileId", "identities", "traits", "features",
                "segments", "version", "updatedAt", "asOf");
        assertThat(p.get("profileId").asText()).isEqualTo("pf_1");
        assertThat(p.get("identities").get("anonymous_id")).hasSize(2);
        assertThat(p.get("traits").get("plan").get("value").asText()).isEqualTo("pro");
        assertThat(p.get("features").get("views_7d").isIntegralNumber()).isTrue();
        assertThat(p.get("features").get("last_seen").asLong()).isEqualTo(1_714_564_740_000L);
        assertThat(p.get("features").get("avg_order").asDouble()).isEqualTo(42.5);
        assertThat(p.get("features").get("interests").get("shoes").asDouble()).isEqualTo(0.75);
        assertThat(p.get("features").get("recent_products").get(1).asText()).isEqualTo("p2");
        assertThat(p.get("features").get("never").isNull()).isTrue();
        assertThat(p.get("segments").get(0).asText()).isEqualTo("active_buyers");
        assertThat(p.get("version").asLong()).isEqualTo(17);
        assertThat(p.get("updatedAt").asText()).isEqualTo("2024-05-01T11:59:00Z");
        assertThat(p.get("asOf").asText()).isEqualTo("2024-05-01T12:00:00Z");
        assertThat(api.runtime.lastAt).as("no ?at= means now").isNull();
    }

    @Test
    void anIdThatNoProfileHoldsIsA404InTheErrorShape() {
        ApiHarness.Answer a = api.get("/v1/profiles/user_id/nobody", READ_KEY);
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.error().get("code").asText()).isEqualTo("profile_not_found");
        assertThat(a.error().get("message").asText()).contains("user_id").contains("nobody");
    }

    @Test
    void anUnknownIdentifierTypeIsA400() {
        ApiHarness.Answer a = api.get("/v1/profiles/shoe_size/44", READ_KEY);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error().get("code").asText()).isEqualTo("unknown_identifier_type");
    }

    @Test
    void anEmailWithAPlusAndAnAtIsLookedUpAsWritten() {
        api.runtime.profiles.put("email/ann+shop@example.com", profile());
        ApiHarness.Answer a = api.get("/v1/profiles/email/ann%2Bshop%40example.com", READ_KEY);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        ApiHarness.Answer raw = api.get("/v1/profiles/email/ann+shop@example.com", READ_KEY);
        assertThat(raw.status()).as("a literal + in a path is a plus, not a space").isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource({
            "2024-04-01T00:00:00Z,             2024-04-01T00:00:00Z",
            "2024-04-01T08:00:00%2B08:00,      2024-04-01T00:00:00Z",
            "2024-04-01T08:00:00+08:00,        2024-04-01T00:00:00Z",
            "2024-04-01T00:00:00.250-02:00,    2024-04-01T02:00:00.250Z"})
    void atIsParsedAsAnIsoTimeWithAZone(String given, String expected) {
        api.runtime.profiles.put("user_id/u1", profile());
        ApiHarness.Answer a = api.get("/v1/profiles/user_id/u1?at=" + given, READ_KEY);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(api.runtime.lastAt).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yesterday", "2024-04-01", "2024-04-01T00:00:00", "1714564740000", "2024-13-01T00:00:00Z"})
    void aBadAtIsA400NamingIt(String given) {
        api.runtime.profiles.put("user_id/u1", profile());
        ApiHarness.Answer a = api.get("/v1/profiles/user_id/u1?at=" + given, READ_KEY);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error().get("code").asText()).isEqualTo("invalid_parameter");
        assertThat(a.error().get("path").asText()).isEqualTo("at");
    }

    @Test
    void changesArePagedWithTheDefaultLimitAndACursor() {
        api.runtime.profiles.put("user_id/u1", profile());
        List<ChangeView> changes = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            changes.add(new ChangeView(60 - i, Instant.parse("2024-05-01T11:00:00Z").plusSeconds(i), "views_7d",
                    (long) i, (long) i + 1, "m" + i));
        }
        api.runtime.changes.put("user_id/u1", changes);

        ApiHarness.Answer first = api.get("/v1/profiles/user_id/u1/changes", READ_KEY);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(api.runtime.lastLimit).isEqualTo(50);
        assertThat(first.json().get("items")).hasSize(50);
        JsonNode item = first.json().get("items").get(0);
        assertThat(item.fieldNames()).toIterable().containsExactly("sequence", "time", "field", "oldValue",
                "newValue", "messageId");
        assertThat(item.get("time").asText()).isEqualTo("2024-05-01T11:00:00Z");
        String next = first.json().get("next").asText();

        ApiHarness.Answer second = api.get("/v1/profiles/user_id/u1/changes?limit=20&cursor=" + next, READ_KEY);
        assertThat(api.runtime.lastCursor).isEqualTo(next);
        assertThat(second.json().get("items")).hasSize(10);
        assertThat(second.json().get("next").isNull()).isTrue();
    }

    @Test
    void changesOfAnUnknownProfileAreA404() {
        assertThat(api.get("/v1/profiles/user_id/nobody/changes", READ_KEY).status()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "5000", "-1", "ten", "1001"})
    void aLimitOutsideOneToAThousandIsA400NamingLimit(String limit) {
        api.runtime.profiles.put("user_id/u1", profile());
        api.runtime.members.put("buyers", List.of("pf_1"));
        for (String path : List.of("/v1/profiles/user_id/u1/changes", "/v1/segments/buyers/members", "/v1/quarantine")) {
            ApiHarness.Answer a = api.get(path + "?limit=" + limit, ApiHarness.ADMIN_KEY);
            assertThat(a.status()).as(path).isEqualTo(400);
            assertThat(a.error().get("path").asText()).isEqualTo("limit");
            assertThat(a.error().get("code").asText()).isEqualTo("invalid_parameter");
        }
    }

    @Test
    void aLimitOfExactlyAThousandIsTaken() {
        api.runtime.members.put("buyers", List.of("pf_1"));
        assertThat(api.get("/v1/segments/buyers/members?limit=1000", READ_KEY).status()).isEqualTo(200);
        assertThat(api.runtime.lastLimit).isEqualTo(1000);
    }

    @Test
    void segmentsAreListedWithTheirSizes() {
        api.runtime.segments.add(new SegmentSummary("active_buyers", "bought in 30 days", "features.orders_30d > 0", 1234));
        ApiHarness.Answer a = api.get("/v1/segments", READ_KEY);
        assertThat(a.status()).isEqualTo(200);
        JsonNode s = a.json().get("segments").get(0);
        assertThat(s.get("name").asText()).isEqualTo("active_buyers");
        assertThat(s.get("size").asLong()).isEqualTo(1234);
        assertThat(s.get("condition").asText()).isEqualTo("features.orders_30d > 0");
    }

    @Test
    void segmentMembersArePagedByCursor() {
        api.runtime.members.put("buyers", List.of("pf_1", "pf_2", "pf_3"));
        ApiHarness.Answer first = api.get("/v1/segments/buyers/members?limit=2", READ_KEY);
        assertThat(first.json().get("items").toString()).isEqualTo("[\"pf_1\",\"pf_2\"]");
        ApiHarness.Answer second = api.get("/v1/segments/buyers/members?limit=2&cursor="
                + first.json().get("next").asText(), READ_KEY);
        assertThat(second.json().get("items").toString()).isEqualTo("[\"pf_3\"]");
        assertThat(second.json().get("next").isNull()).isTrue();
    }

    @Test
    void membersOfAnUnknownSegmentAreA404() {
        ApiHarness.Answer a = api.get("/v1/segments/nope/members", READ_KEY);
        assertThat(a.status()).isEqualTo(404);
        assertThat(a.error().get("code").asText()).isEqualTo("unknown_segment");
    }
}
