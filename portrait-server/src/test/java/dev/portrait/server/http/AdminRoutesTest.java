package dev.portrait.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.util.List;

import static dev.portrait.server.http.ApiHarness.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

class AdminRoutesTest {
    private final ApiHarness api = new ApiHarness();

    @AfterEach
    void stop() {
        api.close();
    }

    private ApiHarness.Answer admin(String method, String path, String body) {
        return body == null
                ? api.send(method, path, HttpRequest.BodyPublishers.noBody(), "Authorization", "Bearer " + ADMIN_KEY)
                : api.send(method, path, HttpRequest.BodyPublishers.ofString(body), "Authorization", "Bearer " + ADMIN_KEY,
                        "Content-Type", "application/json");
    }

    /**
     * Like Kafka mode's runtime, which keeps no event log or worker of its own: saved audiences, segment stays and
     * merge reversal are refused, not faked.
     */
    @Test
    void aRuntimeWithoutSavedAudiencesOrAMergeLogAnswersNotSupportedForEachOfTheirRoutes() {
        for (ApiHarness.Answer a : java.util.List.of(admin("PUT", "/v1/audiences/vip", "{\"all\":[\"high_value\"]}"),
                admin("GET", "/v1/audiences/vip", null), admin("DELETE", "/v1/audiences/vip", null),
                admin("GET", "/v1/profiles/email/ann@example.com/segments", null),
                admin("GET", "/v1/profiles/email/ann@example.com/merges", null),
                admin("POST", "/v1/profiles/email/ann@example.com/merges/p_1/reverse", null))) {
            assertThat(a.status()).as(a.body()).isEqualTo(501);
            assertThat(a.json().get("error").get("code").asText()).isEqualTo("not_supported");
        }
    }

    @Test
    void forgettingAPersonAnswersForgottenAndThenNotFound() {
        api.runtime.profiles.put("email/ann@example.com", QueryRoutesTest.profile());
        ApiHarness.Answer first = admin("DELETE", "/v1/profiles/email/ann@example.com", null);
        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(first.json().get("forgotten").asBoolean()).isTrue();
        assertThat(first.json().get("status").asText()).isEqualTo("compacting");
        assertThat(first.json().get("statusUrl").asText()).isEqualTo("/v1/forgets/f_1");
        assertThat(first.body()).doesNotContain("ann@example.com");
        assertThat(api.runtime.profiles).isEmpty();

        ApiHarness.Answer again = admin("DELETE", "/v1/profiles/email/ann@example.com", null);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.error().get("code").asText()).isEqualTo("profile_not_found");
    }

    @Test
    void aForgetsStatusSaysCompactingUntilItsBytesAreGoneThenDone() {
        api.runtime.profiles.put("email/ann@example.com", QueryRoutesTest.profile());
        String url = admin("DELETE", "/v1/profiles/email/ann@example.com", null).json().get("statusUrl").asText();

        ApiHarness.Answer pending = admin("GET", url, null);
        assertThat(pending.status()).as(pending.body()).isEqualTo(202);
        assertThat(pending.json().get("status").asText()).isEqualTo("compacting");
        assertThat(pending.json().has("doneAt")).isFalse();

        api.runtime.compacted("f_1");
        ApiHarness.Answer done = admin("GET", url, null);
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.json().get("status").asText()).isEqualTo("done");
        assertThat(done.json().get("doneAt").asText()).isEqualTo("2024-05-01T12:00:05Z");

        ApiHarness.Answer unknown = admin("GET", "/v1/forgets/f_404", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.error().get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void anAdminLiftsASuppressionOnceAndTheAuditNamesTheKeyByHashOnly() {
        api.runtime.profiles.put("email/ann@example.com", QueryRoutesTest.profile());
        admin("DELETE", "/v1/profiles/email/ann@example.com", null);

        ApiHarness.Answer lifted = admin("DELETE", "/v1/suppressions/email/ann@example.com", null);
        assertThat(lifted.status()).as(lifted.body()).isEqualTo(200);
        assertThat(lifted.json().get("lifted").asBoolean()).isTrue();
        ApiHarness.Answer again = admin("DELETE", "/v1/suppressions/email/ann@example.com", null);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.error().get("message").asText()).doesNotContain("ann@example.com");

        assertThat(api.runtime.actors).hasSize(3).allMatch(a -> a.matches("key:[0-9a-f]{8}"))
                .noneMatch(a -> a.contains(ADMIN_KEY));
    }

    @Test
    void forgetStatusAndSuppressionsNeedAnAdminKey() {
        assertThat(api.send("GET", "/v1/forgets/f_1", HttpRequest.BodyPublishers.noBody()).status()).isEqualTo(401);
        assertThat(api.send("DELETE", "/v1/suppressions/email/x", HttpRequest.BodyPublishers.noBody()).status())
                .isEqualTo(401);
    }

    @Test
    void theQuarantineListsRejectedEventsWithTheirBytesAndReasons() {
        String bad = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"timestamp\":\"2024-05-01T11:59:00Z\"}";
        api.ingest("/v1/batch", "{\"batch\":[" + ApiHarness.track("m1", "u1") + "," + bad + "]}");

        ApiHarness.Answer a = admin("GET", "/v1/quarantine?limit=10", null);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode item = a.json().get("items").get(0);
        assertThat(item.fieldNames()).toIterable().containsExactly("id", "code", "message", "path", "receivedAt", "event");
        assertThat(item.get("code").asText()).isEqualTo("missing_id");
        assertThat(item.get("event").asText()).isEqualTo(bad);
        assertThat(item.get("receivedAt").asText()).isEqualTo("2024-05-01T12:00:00Z");
        assertThat(a.json().get("next").isNull()).isTrue();
        assertThat(api.runtime.lastLimit).isEqualTo(10);
    }

    @Test
    void redriveWithoutABodyRedrivesEverything() {
        ApiHarness.Answer a = admin("POST", "/v1/quarantine/redrive", null);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().fieldNames()).toIterable().containsExactly("stored", "duplicates", "stillQuarantined");
        assertThat(api.runtime.lastRedrive).isEmpty();
    }

    @Test
    void redriveWithAnEmptyObjectRedrivesEverything() {
        assertThat(admin("POST", "/v1/quarantine/redrive", "{}").status()).isEqualTo(200);
        assertThat(api.runtime.lastRedrive).isEmpty();
    }

    @Test
    void redriveWithIdsRedrivesThose() {
        ApiHarness.Answer a = admin("POST", "/v1/quarantine/redrive", "{\"ids\":[3,7]}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(api.runtime.lastRedrive).isEqualTo(List.of(3L, 7L));
        assertThat(a.json().get("stillQuarantined").asLong()).isEqualTo(2);
    }

    @Test
    void redriveWithAnExplicitlyEmptyListIsRefusedRatherThanReadAsAll() {
        ApiHarness.Answer a = admin("POST", "/v1/quarantine/redrive", "{\"ids\":[]}");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error().get("path").asText()).isEqualTo("ids");
        assertThat(api.runtime.lastRedrive).isNull();
    }

    @Test
    void redriveWithAnIdThatIsNotANumberIsA400NamingIt() {
        ApiHarness.Answer a = admin("POST", "/v1/quarantine/redrive", "{\"ids\":[1,\"two\"]}");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error().get("path").asText()).isEqualTo("ids[1]");
    }

    @Test
    void redriveWithMalformedJsonIsA400() {
        ApiHarness.Answer a = admin("POST", "/v1/quarantine/redrive", "{\"ids\":[1,");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.error().get("code").asText()).isEqualTo("malformed_json");
    }
}
