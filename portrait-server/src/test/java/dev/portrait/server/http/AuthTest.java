package dev.portrait.server.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.util.Set;

import static dev.portrait.server.http.ApiHarness.ADMIN_KEY;
import static dev.portrait.server.http.ApiHarness.READ_KEY;
import static dev.portrait.server.http.ApiHarness.WRITE_KEY;
import static dev.portrait.server.http.ApiHarness.track;
import static org.assertj.core.api.Assertions.assertThat;

class AuthTest {
    private final ApiHarness api = new ApiHarness();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void ingestWithoutAnyKeyIsA401WithABasicChallenge() {
        ApiHarness.Answer a = api.postJson("/v1/track", track("m1", "u1"));
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.error().get("code").asText()).isEqualTo("unauthorized");
        assertThat(a.header("WWW-Authenticate")).startsWith("Basic");
        assertThat(api.runtime.given()).isEmpty();
    }

    @Test
    void anUnknownKeyIsA401WhetherInTheHeaderOrInTheBody() {
        ApiHarness.Answer header = api.postJson("/v1/track", track("m1", "u1"), "Authorization",
                ApiHarness.basic("wk_guess"));
        ApiHarness.Answer body = api.postJson("/v1/batch", "{\"writeKey\":\"wk_guess\",\"batch\":[" + track("m1", "u1") + "]}");
        assertThat(header.status()).isEqualTo(401);
        assertThat(body.status()).isEqualTo(401);
        assertThat(header.error().get("message").asText()).isEqualTo("unknown API key");
        assertThat(api.runtime.given()).isEmpty();
    }

    @Test
    void aKeyThatDiffersOnlyInItsLastCharacterIsUnknown() {
        String near = WRITE_KEY.substring(0, WRITE_KEY.length() - 1) + "X";
        assertThat(api.postJson("/v1/track", track("m1", "u1"), "Authorization", ApiHarness.basic(near)).status())
                .isEqualTo(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {READ_KEY, ADMIN_KEY})
    void aKnownKeyWithoutTheWriteScopeIsA403OnIngest(String key) {
        ApiHarness.Answer a = api.postJson("/v1/track", track("m1", "u1"), "Authorization", ApiHarness.basic(key));
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.error().get("code").asText()).isEqualTo("forbidden");
        assertThat(api.runtime.given()).isEmpty();
    }

    @Test
    void aReadKeyGivenAsTheBodysWriteKeyIsA403() {
        ApiHarness.Answer a = api.postJson("/v1/batch", "{\"writeKey\":\"" + READ_KEY + "\",\"batch\":["
                + track("m1", "u1") + "]}");
        assertThat(a.status()).isEqualTo(403);
        assertThat(api.runtime.given()).isEmpty();
    }

    @Test
    void aWriteKeyMayAlsoComeAsABearerToken() {
        ApiHarness.Answer a = api.postJson("/v1/batch", "{\"batch\":[" + track("m1", "u1") + "]}",
                "Authorization", "Bearer " + WRITE_KEY);
        assertThat(a.status()).isEqualTo(200);
    }

    @Test
    void aReadKeyInTheHeaderIsRefusedBeforeTheBodyIsRead() {
        ApiHarness.Answer a = api.postJson("/v1/batch", "{not json", "Authorization", ApiHarness.basic(READ_KEY));
        assertThat(a.status()).as("403, not 400: the header key is checked first").isEqualTo(403);
    }

    @Test
    void aWriteKeyIsA403OnQueries() {
        api.runtime.profiles.put("user_id/u1", QueryRoutesTest.profile());
        assertThat(api.get("/v1/profiles/user_id/u1", WRITE_KEY).status()).isEqualTo(403);
        assertThat(api.get("/v1/segments", WRITE_KEY).status()).isEqualTo(403);
    }

    @ParameterizedTest
    @CsvSource({"GET, /v1/quarantine", "DELETE, /v1/profiles/user_id/u1", "POST, /v1/quarantine/redrive"})
    void aReadKeyIsA403OnAdminRoutes(String method, String path) {
        api.runtime.profiles.put("user_id/u1", QueryRoutesTest.profile());
        ApiHarness.Answer a = api.send(method, path, HttpRequest.BodyPublishers.noBody(), "Authorization",
                "Bearer " + READ_KEY);
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.error().get("code").asText()).isEqualTo("forbidden");
        assertThat(api.runtime.profiles).as("nothing forgotten").containsKey("user_id/u1");
        assertThat(api.runtime.lastRedrive).isNull();
    }

    @Test
    void queriesWithoutAKeyAre401() {
        assertThat(api.get("/v1/segments", null).status()).isEqualTo(401);
        assertThat(api.get("/v1/quarantine", null).status()).isEqualTo(401);
    }

    @Test
    void anAdminKeyMayAlsoQuery() {
        api.runtime.profiles.put("user_id/u1", QueryRoutesTest.profile());
        assertThat(api.get("/v1/profiles/user_id/u1", ADMIN_KEY).status()).isEqualTo(200);
    }

    @Test
    void queriesTakeTheKeyByBasicAsWellAsBearer() {
        ApiHarness.Answer a = api.send("GET", "/v1/segments", HttpRequest.BodyPublishers.noBody(),
                "Authorization", ApiHarness.basic(READ_KEY));
        assertThat(a.status()).isEqualTo(200);
    }

    @Test
    void aWriteKeyInABodyDoesNotOpenQueryRoutes() {
        ApiHarness.Answer a = api.send("POST", "/v1/quarantine/redrive",
                HttpRequest.BodyPublishers.ofString("{\"writeKey\":\"" + ADMIN_KEY + "\"}"),
                "Content-Type", "application/json");
        assertThat(a.status()).isEqualTo(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Digest abc", "Basic !!!notbase64", "Bearer ", "Basic Og=="})
    void anAuthorizationHeaderWeCannotReadIsA401(String header) {
        ApiHarness.Answer a = api.send("GET", "/v1/segments", HttpRequest.BodyPublishers.noBody(),
                "Authorization", header);
        assertThat(a.status()).isEqualTo(401);
        assertThat(a.error().get("code").asText()).isEqualTo("unauthorized");
    }

    @Test
    void aKeyListedInTwoSetsHasBothScopes() {
        Keyring ring = new Keyring(new HttpConfig.ApiKeys(Set.of("k1", "k2"), Set.of("k1"), Set.of()));
        assertThat(ring.scopesOf("k1")).containsExactlyInAnyOrder(Scope.INGEST, Scope.QUERY);
        assertThat(ring.scopesOf("k2")).containsExactly(Scope.INGEST);
        assertThat(ring.scopesOf("k3")).isEmpty();
        assertThat(ring.scopesOf("")).isEmpty();
    }

    @Test
    void aKeyMayBeGivenAsTheBasicPasswordWhenTheUserNameIsEmpty() {
        String header = "Basic " + java.util.Base64.getEncoder().encodeToString((":" + READ_KEY).getBytes());
        assertThat(Keyring.keyFromHeader(header)).isEqualTo(READ_KEY);
        assertThat(Keyring.keyFromHeader(ApiHarness.basic(READ_KEY))).isEqualTo(READ_KEY);
        assertThat(Keyring.keyFromHeader("bearer " + READ_KEY)).isEqualTo(READ_KEY);
        assertThat(Keyring.keyFromHeader(null)).isNull();
    }
}
