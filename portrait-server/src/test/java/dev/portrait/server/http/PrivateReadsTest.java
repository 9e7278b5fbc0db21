package dev.portrait.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portrait.core.definition.Purposes;
import dev.portrait.core.privacy.GeometricMechanism;
import dev.portrait.core.privacy.PrivacyCost;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.core.segment.AudienceSpec;
import dev.portrait.server.port.AudienceCount;
import dev.portrait.server.port.AudienceStatistics;
import dev.portrait.server.port.Page;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.QueryPort;
import dev.portrait.server.port.SegmentSummary;
import dev.portrait.server.runtime.read.PrivacyBudgets;
import dev.portrait.server.runtime.read.PrivateAggregates;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differentially private aggregate reads over HTTP: noise with the stated calibration, the budget
 * charged and persisted, 429 when spent, dp-only keys kept to aggregates, and bad parameters named.
 */
class PrivateReadsTest {
    private static final String READ_KEY = "rk_dp_test_read";
    private static final String DP_KEY = "rk_dp_test_only";
    private static final String FULL_KEY = "rk_dp_test_full";
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final long SEED = 0xd1ff;

    @TempDir
    Path dir;

    private final List<HttpApi> started = new ArrayList<>();
    private final HttpClient client = HttpClient.newHttpClient();
    private final FixedAggregates query = new FixedAggregates();

    @AfterEach
    void stop() {
        started.forEach(HttpApi::close);
    }

    private HttpApi start(PrivacyConfig config) {
        PrivacyBudgets budgets = new PrivacyBudgets(dir.resolve("privacy-budget.json"), Clock.fixed(NOW, ZoneOffset.UTC));
        return start(config, new PrivateAggregates(budgets, config.suppressBelow(), new SplittableRandom(SEED)));
    }

    private HttpApi start(PrivacyConfig config, dev.portrait.server.port.PrivacyPort privacy) {
        InMemoryRuntime runtime = new InMemoryRuntime();
        HttpConfig http = new HttpConfig("127.0.0.1", 0, new HttpConfig.ApiKeys(Set.of("wk_dp_test"),
                Set.of(READ_KEY, DP_KEY, FULL_KEY), Set.of()), HttpConfig.Limits.DEFAULT);
        HttpApi api = HttpApi.start(http, runtime, query, runtime, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Clock.fixed(NOW, ZoneOffset.UTC), privacy, config);
        started.add(api);
        return api;
    }

    private static PrivacyConfig config(double epsilonPerDay) {
        return new PrivacyConfig(new PrivacyCost(epsilonPerDay, 1e-5), 10, Map.of(DP_KEY, PrivacyCost.pure(1.0)));
    }

    @Test
    void aPrivateAudienceCountIsTheCountPlusNoiseOfTheStatedScale() throws Exception {
        HttpApi api = start(config(100));
        query.count = 5_000;
        int n = 190;
        double[] errors = new double[n];
        for (int i = 0; i < n; i++) {
            JsonNode a = ok(send(api, "POST", "/v1/audiences/count?privacy=dp&epsilon=0.5", "{}", READ_KEY));
            errors[i] = a.get("count").asLong() - 5_000;
            assertThat(a.has("tookMs")).as("timing would tell how many candidates the condition read").isFalse();
            assertThat(a.get("privacy").get("epsilon").asDouble()).isEqualTo(0.5);
        }
        GeometricMechanism m = GeometricMechanism.of(0.5, 1);
        double mean = 0;
        for (double e : errors) {
            mean += e / n;
        }
        double variance = 0;
        for (double e : errors) {
            variance += (e - mean) * (e - mean) / n;
        }
        assertThat(variance).as("seed %d: not the exact count", SEED).isGreaterThan(0);
        // 3.29 standard errors: α = 0.001 two-sided
        assertThat(Math.abs(mean)).as("seed %d", SEED).isLessThan(3.29 * Math.sqrt(m.variance() / n));
        assertThat(variance).as("seed %d: variance within a factor of two of %f", SEED, m.variance())
                .isBetween(m.variance() / 2, m.variance() * 2);
    }

    @Test
    void spendingTheBudgetAnswers429AndARestartDoesNotRefillIt() throws Exception {
        HttpApi api = start(config(1.0));
        for (int i = 0; i < 4; i++) {
            ok(send(api, "GET", "/v1/segments?privacy=dp&epsilon=0.25", null, READ_KEY));
        }
        HttpResponse<String> spent = send(api, "GET", "/v1/segments?privacy=dp&epsilon=0.25", null, READ_KEY);
        assertError(spent, 429, "privacy_budget_exhausted", "epsilon");
        assertThat(spent.body()).contains("refills at 2026-12-04T00:00:00Z");
        // exact reads by a key that may make them are not budgeted
        assertThat(send(api, "GET", "/v1/segments", null, READ_KEY).statusCode()).isEqualTo(200);
        api.close();
        started.remove(api);

        HttpApi restarted = start(config(1.0));
        assertError(send(restarted, "POST", "/v1/audiences/count?privacy=dp&epsilon=0.01", "{}", READ_KEY), 429,
                "privacy_budget_exhausted", "epsilon");
    }

    @Test
    void segmentSizesShareEpsilonAndSmallOnesAreSuppressed() throws Exception {
        HttpApi api = start(config(1.0));
        JsonNode a = ok(send(api, "GET", "/v1/segments?privacy=dp&epsilon=1", null, READ_KEY));
        JsonNode big = a.get("segments").get(0);
        JsonNode tiny = a.get("segments").get(1);
        assertThat(big.get("suppressed").asBoolean()).isFalse();
        assertThat(big.get("size").asLong()).isBetween(10_000L - 200, 10_000L + 200);
        assertThat(tiny.get("suppressed").asBoolean()).as("seed %d", SEED).isTrue();
        assertThat(tiny.get("size").isNull()).isTrue();
        JsonNode privacy = a.get("privacy");
        assertThat(privacy.get("noiseStdDev").asDouble()).isEqualTo(Math.sqrt(GeometricMechanism.of(0.5, 1).variance()));
        assertThat(privacy.get("spentToday").get("epsilon").asDouble()).isEqualTo(1.0);
        assertThat(privacy.get("budgetPerDay").get("epsilon").asDouble()).isEqualTo(1.0);
        assertThat(privacy.get("suppressBelow").asLong()).isEqualTo(10);
    }

    @Test
    void aDpOnlyKeyGetsNoiseUnaskedAndNoRouteThatNamesAPerson() throws Exception {
        HttpApi api = start(config(5));
        JsonNode a = ok(send(api, "POST", "/v1/audiences/count?epsilon=0.1", "{}", DP_KEY));
        assertThat(a.has("privacy")).isTrue();
        assertError(send(api, "POST", "/v1/audiences/count?privacy=exact", "{}", DP_KEY), 403, "forbidden", null);
        assertError(send(api, "POST", "/v1/audiences/count", "{}", DP_KEY), 400, "invalid_parameter", "epsilon");
        assertError(send(api, "GET", "/v1/profiles/user_id/u1", null, DP_KEY), 403, "forbidden", null);
        assertError(send(api, "GET", "/v1/profiles/user_id/u1/changes", null, DP_KEY), 403, "forbidden", null);
        assertError(send(api, "GET", "/v1/profiles/user_id/u1/recommendations", null, DP_KEY), 403, "forbidden", null);
        assertError(send(api, "GET", "/v1/personas", null, DP_KEY), 403, "forbidden", null);
        assertError(send(api, "GET", "/v1/segments/big/members", null, DP_KEY), 403, "forbidden", null);
        assertError(send(api, "POST", "/v1/audiences/members", "{}", DP_KEY), 403, "forbidden", null);
        // its own budget (1.0), not the default one
        ok(send(api, "GET", "/v1/segments?epsilon=0.9", null, DP_KEY));
        assertError(send(api, "GET", "/v1/segments?epsilon=0.2", null, DP_KEY), 429, "privacy_budget_exhausted", "epsilon");
        // the plain read key is not affected
        assertThat(send(api, "GET", "/v1/profiles/user_id/u1", null, READ_KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void statisticsAreExactByDefaultAndNeedBoundsWithNoise() throws Exception {
        HttpApi api = start(config(5));
        query.statistics = new AudienceStatistics(4_000, 120_000.0, 7);
        JsonNode exact = ok(send(api, "POST", "/v1/audiences/stats", "{\"feature\":\"revenue_30d\",\"bounds\":[0,100]}",
                READ_KEY));
        assertThat(exact.get("count").asLong()).isEqualTo(4_000);
        assertThat(exact.get("sum").asDouble()).isEqualTo(120_000.0);
        assertThat(exact.get("mean").asDouble()).isEqualTo(30.0);
        assertThat(exact.get("withoutValue").asLong()).isEqualTo(7);
        assertThat(query.lastBounds).containsExactly(0.0, 100.0);

        assertError(send(api, "POST", "/v1/audiences/stats?privacy=dp&epsilon=1", "{\"feature\":\"revenue_30d\"}", READ_KEY),
                400, "invalid_request", "bounds");
        assertError(send(api, "POST", "/v1/audiences/stats", "{}", READ_KEY), 400, "invalid_request", "feature");
        assertError(send(api, "POST", "/v1/audiences/stats", "{\"feature\":\"x\",\"bounds\":[5,1]}", READ_KEY), 400,
                "invalid_request", "bounds");

        JsonNode noisy = ok(send(api, "POST", "/v1/audiences/stats?privacy=dp&epsilon=1",
                "{\"feature\":\"revenue_30d\",\"bounds\":[0,100]}", READ_KEY));
        assertThat(noisy.get("count").asLong()).isBetween(4_000L - 100, 4_000L + 100);
        assertThat(noisy.get("mean").asDouble()).isBetween(0.0, 100.0);
        assertThat(noisy.has("withoutValue")).isFalse();
        assertThat(noisy.get("privacy").get("epsilon").asDouble()).isGreaterThan(1.0).isLessThan(1.00001);
        assertThat(noisy.get("privacy").get("sumNoiseStdDev").asDouble()).isEqualTo(Math.sqrt(2) * 100 / 0.5);
    }

    @Test
    void badPrivacyParametersAreNamed() throws Exception {
        HttpApi api = start(config(5));
        assertError(send(api, "GET", "/v1/segments?privacy=fuzzy", null, READ_KEY), 400, "invalid_parameter", "privacy");
        assertError(send(api, "GET", "/v1/segments?privacy=dp", null, READ_KEY), 400, "invalid_parameter", "epsilon");
        assertError(send(api, "GET", "/v1/segments?privacy=dp&epsilon=-1", null, READ_KEY), 400, "invalid_parameter", "epsilon");
        assertError(send(api, "GET", "/v1/segments?privacy=dp&epsilon=abc", null, READ_KEY), 400, "invalid_parameter", "epsilon");
        assertError(send(api, "GET", "/v1/segments?privacy=dp&epsilon=1e-300", null, READ_KEY), 400, "invalid_parameter", "epsilon");
        assertError(send(api, "GET", "/v1/segments?privacy=dp&epsilon=1000", null, READ_KEY), 400, "invalid_parameter", "epsilon");
        assertError(send(api, "GET", "/v1/segments?privacy=dp&epsilon=0.5&mechanism=gaussian", null, READ_KEY), 400,
                "invalid_parameter", "delta");
        assertError(send(api, "GET", "/v1/segments?privacy=dp&epsilon=1.5&mechanism=gaussian&delta=1e-6", null, READ_KEY), 400,
                "invalid_parameter", "epsilon");
        assertError(send(api, "GET", "/v1/segments?privacy=dp&epsilon=0.5&delta=1e-6", null, READ_KEY), 400,
                "invalid_parameter", "delta");
        assertError(send(api, "GET", "/v1/segments?privacy=dp&epsilon=0.5&mechanism=uniform", null, READ_KEY), 400,
                "invalid_parameter", "mechanism");
        assertError(send(api, "POST", "/v1/audiences/stats?privacy=dp&epsilon=0.5&mechanism=gaussian&delta=1e-6",
                "{\"feature\":\"f\",\"bounds\":[0,1]}", READ_KEY), 400, "invalid_parameter", "mechanism");
        JsonNode gaussian = ok(send(api, "GET", "/v1/segments?privacy=dp&epsilon=0.5&mechanism=gaussian&delta=1e-6", null,
                READ_KEY));
        assertThat(gaussian.get("privacy").get("mechanism").asText()).isEqualTo("gaussian");
        assertThat(gaussian.get("privacy").get("delta").asDouble()).isEqualTo(1e-6);
    }

    @Test
    void aKeyLimitedToPurposesSeesOnlyTheirFieldsAndNoModelsOfOthers() throws Exception {
        query.purposes = new Purposes(Map.of("analytics", new Purposes.Purpose("analytics", List.of("analytics"), true),
                "personalization", new Purposes.Purpose("personalization", List.of("personalization"), true)),
                Map.of("views_personal", Set.of("personalization"), "views_both", Set.of("analytics", "personalization")),
                Map.of("favourite_brand", Set.of("personalization")), Set.of("personalization"));
        query.view = new ProfileView("pf_1", Map.of("user_id", List.of("u1")),
                Map.of("plan", Map.of("value", "pro"), "favourite_brand", Map.of("value", "acme")),
                Map.of("views", 3L, "views_personal", 2L, "views_both", 1L), List.of("regular"), 4, NOW, NOW,
                Map.of("scores", Map.of("propensity", 0.4)));
        PrivacyConfig limited = new PrivacyConfig(new PrivacyCost(1, 1e-5), 10, Map.of(),
                Map.of(READ_KEY, Set.of("analytics")));
        HttpApi api = start(limited);

        JsonNode seen = ok(send(api, "GET", "/v1/profiles/user_id/u1", null, READ_KEY));
        assertThat(seen.get("features").fieldNames()).toIterable().containsExactly("views");
        assertThat(seen.get("traits").fieldNames()).toIterable().containsExactly("plan");
        assertThat(seen.has("models")).isFalse();
        assertThat(seen.get("segments").get(0).asText()).isEqualTo("regular");

        JsonNode all = ok(send(api, "GET", "/v1/profiles/user_id/u1", null, FULL_KEY));
        assertThat(all.get("features").size()).isEqualTo(3);
        assertThat(all.get("traits").size()).isEqualTo(2);
        assertThat(all.has("models")).isTrue();

        assertError(send(api, "GET", "/v1/profiles/user_id/u1/scores", null, READ_KEY), 403, "forbidden", null);
    }

    @Test
    void aKeyLimitedToNoiseOrToSomePurposesCannotSignInToTheConsole() throws Exception {
        // the console shows people and every field, and its session carries no key for the privacy checks to limit
        PrivacyConfig limited = new PrivacyConfig(new PrivacyCost(1, 1e-5), 10, Map.of(DP_KEY, PrivacyCost.pure(1.0)),
                Map.of(READ_KEY, Set.of("analytics")));
        HttpApi api = start(limited);
        for (String key : List.of(DP_KEY, READ_KEY)) {
            HttpResponse<String> r = signIn(api, key);
            assertThat(r.statusCode()).as(key).isNotEqualTo(303);
            assertThat(r.headers().firstValue("Set-Cookie")).as(key).isEmpty();
        }
        HttpResponse<String> full = signIn(api, FULL_KEY);
        assertThat(full.statusCode()).as(full.body()).isEqualTo(303);
        assertThat(full.headers().firstValue("Set-Cookie")).isPresent();
    }

    private HttpResponse<String> signIn(HttpApi api, String key) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/console/signin"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("key=" + java.net.URLEncoder.encode(key,
                        java.nio.charset.StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRuntimeWithoutABudgetStoreAnswersPrivateReads501() throws Exception {
        HttpApi api = start(PrivacyConfig.DEFAULT, dev.portrait.server.port.PrivacyPort.UNAVAILABLE);
        assertError(send(api, "GET", "/v1/segments?privacy=dp&epsilon=0.5", null, READ_KEY), 501, "not_supported", "privacy");
    }

    private HttpResponse<String> send(HttpApi api, String method, String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Bearer " + key);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ApiHarness.JSON.readTree(r.body());
    }

    private static void assertError(HttpResponse<String> r, int status, String code, String path) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode e = ApiHarness.JSON.readTree(r.body()).get("error");
        assertThat(e.get("code").asText()).as(r.body()).isEqualTo(code);
        if (path != null) {
            assertThat(e.get("path").asText()).as(r.body()).isEqualTo(path);
        }
    }

    /** Fixed aggregates: two segments (10,000 and 2 people), an audience of {@link #count}. */
    private static final class FixedAggregates implements QueryPort {
        volatile long count;
        volatile AudienceStatistics statistics = new AudienceStatistics(0, 0, 0);
        volatile List<Double> lastBounds;
        volatile ProfileView view;
        volatile Purposes purposes = Purposes.NONE;

        @Override
        public Optional<ProfileView> profile(String idType, String id, Instant at) {
            return Optional.ofNullable(view);
        }

        @Override
        public Purposes purposes() {
            return purposes;
        }

        @Override
        public Optional<Page<ChangeView>> changes(String idType, String id, String cursor, int limit) {
            return Optional.empty();
        }

        @Override
        public List<SegmentSummary> segments() {
            return List.of(new SegmentSummary("big", "", "true", 10_000), new SegmentSummary("tiny", "", "true", 2));
        }

        @Override
        public Page<String> segmentMembers(String segment, String cursor, int limit) {
            return new Page<>(List.of(), null);
        }

        @Override
        public AudienceCount countAudience(AudienceSpec spec) {
            return new AudienceCount(count, 0.1);
        }

        @Override
        public AudienceStatistics audienceStatistics(AudienceSpec spec, String feature, Double lower, Double upper) {
            lastBounds = lower == null ? null : List.of(lower, upper);
            return statistics;
        }
    }
}
