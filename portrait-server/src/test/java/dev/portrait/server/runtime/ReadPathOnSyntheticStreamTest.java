package dev.portrait.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.core.segment.SegmentSet;
import dev.portrait.server.http.HttpApi;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.store.LogCursor;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read path over a store filled by the synthetic shop stream: audience counts and members through
 * the HTTP API equal a brute-force pass over every stored profile, and {@code ?at=} equals the profile
 * folded from the whole log up to that time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadPathOnSyntheticStreamTest {
    private static final long SEED = 20261203L;
    private static final String READ_KEY = "rk_read";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> WHERE = List.of(
            "features.views_30d >= 3",
            "features.orders_lifetime > 0",
            "features.revenue_30d >= 100.0 || features.orders_30d >= 2",
            "features.distinct_products_viewed >= 5 && features.cart_adds_7d == 0",
            "traits.country == 'US'");

    private final ProfileDefinition definition = DefinitionLoader.defaultEcommerce();
    private final PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults());
    private final ProfileUpdater updater = new ProfileUpdater(definition);
    private final ProfileCodec codec = new ProfileEngine(definition).codec();
    private final HttpClient http = HttpClient.newHttpClient();
    private SyntheticTraffic.HandClock clock;
    private EmbeddedRuntime runtime;
    private HttpApi api;
    private final Map<String, Profile> stored = new HashMap<>();

    @BeforeAll
    void fill() {
        clock = new SyntheticTraffic.HandClock(SyntheticTraffic.start(SEED));
        runtime = EmbeddedRuntime.start(store, definition, clock,
                new RuntimeOptions(10_000, Duration.ofMillis(20), 2_000, 500, 1_000_000, Duration.ZERO), IngestCounters.NONE);
        for (SyntheticTraffic.Batch b : SyntheticTraffic.batches(SEED, 600, 25_000, 250)) {
            runtime.ingest(b.events());
            clock.set(b.clock());
        }
        runtime.flush();
        api = HttpApi.start(new HttpConfig("127.0.0.1", 0, new HttpConfig.ApiKeys(Set.of(), Set.of(READ_KEY), Set.of()),
                HttpConfig.Limits.DEFAULT), runtime, runtime, runtime, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Clock.fixed(clock.instant(), ZoneOffset.UTC));
        String after = null;
        List<String> ids;
        while (!(ids = store.profiles().ids(after, 1000)).isEmpty()) {
            for (String id : ids) {
                stored.put(id, codec.decode(store.profiles().get(id)));
            }
            after = ids.get(ids.size() - 1);
        }
    }

    @AfterAll
    void close() {
        api.close();
        runtime.close();
        store.close();
    }

    private JsonNode post(String path, Map<String, Object> body) throws Exception {
        HttpResponse<String> r = send(path, body);
        assertThat(r.statusCode()).as("%s %s: %s", path, body, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    /** POSTs {@code body} as JSON, or GETs when it is null. */
    private HttpResponse<String> send(String path, Map<String, Object> body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((READ_KEY + ":").getBytes(StandardCharsets.UTF_8)));
        if (body != null) {
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertError(HttpResponse<String> r, int status, String code, String path) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("path").isNull() ? null : error.get("path").asText()).isEqualTo(path);
    }

    @Test
    void aBadAudienceOrTimeIsTheClientsErrorNamingWhereItIs() throws Exception {
        assertError(send("/v1/audiences/count", Map.of("all", List.of("high_value", "no_such_segment"))), 404,
                "unknown_segment", "all[1]");
        assertError(send("/v1/audiences/count", Map.of("where", "features.no_such_feature > 1")), 400,
                "invalid_audience", "where");
        assertError(send("/v1/audiences/members", Map.of("format", "xml")), 400, "invalid_request", "format");
        String someone = stored.keySet().iterator().next();
        assertError(send("/v1/profiles/profile_id/" + someone + "?at=2999-01-01T00:00:00Z", null), 400,
                "invalid_parameter", "at");
        assertError(send("/v1/profiles/profile_id/" + someone + "?at=%2B999999999-01-01T00:00:00Z", null), 400,
                "invalid_parameter", "at");
        assertError(send("/v1/profiles/profile_id/" + someone + "?position=-3", null), 400, "invalid_parameter", "position");
        assertThat(send("/v1/profiles/profile_id/" + someone + "?position=" + runtime.loggedPosition(), null).statusCode())
                .as("a position already published answers at once").isEqualTo(200);
    }

    @Test
    void anExportStreamsEveryMemberAsJsonLinesOrCsvWithTheIdentifiersAskedFor() throws Exception {
        Set<String> expected = bruteForce(List.of(), List.of("active_viewer", "new_user"), List.of(), null);
        HttpResponse<String> lines = send("/v1/audiences/members", Map.of("any", List.of("active_viewer", "new_user"),
                "format", "jsonl", "identifiers", List.of("user_id", "anonymous_id")));
        assertThat(lines.statusCode()).isEqualTo(200);
        assertThat(lines.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
        Set<String> exported = new TreeSet<>();
        for (String line : lines.body().split("\n")) {
            JsonNode item = JSON.readTree(line);
            exported.add(item.get("profileId").asText());
            assertThat(item.get("identifiers").has("anonymous_id")).isTrue();
        }
        assertThat(exported).isEqualTo(expected);
        HttpResponse<String> csv = send("/v1/audiences/members", Map.of("any", List.of("active_viewer", "new_user"),
                "format", "csv", "identifiers", List.of("user_id")));
        String[] rows = csv.body().split("\n");
        assertThat(rows[0]).isEqualTo("profile_id,user_id");
        assertThat(rows).hasSize(expected.size() + 1);
    }

    private Set<String> bruteForce(List<String> all, List<String> any, List<String> none, String where) {
        SegmentSet segments = updater.segments();
        SegmentSet.Condition condition = where == null ? null : segments.condition(where, "where");
        long now = clock.millis();
        Set<String> out = new TreeSet<>();
        for (Profile p : stored.values()) {
            boolean in = all.stream().allMatch(s -> p.inSegment(segments.indexOf(s)))
                    && (any.isEmpty() || any.stream().anyMatch(s -> p.inSegment(segments.indexOf(s))))
                    && none.stream().noneMatch(s -> p.inSegment(segments.indexOf(s)))
                    && (condition == null || condition.test(updater.inputs(p, Math.max(now, p.clock()))));
            if (in) {
                out.add(p.profileId());
            }
        }
        return out;
    }

    private static List<String> pick(SplittableRandom random, List<String> from, int most) {
        List<String> out = new ArrayList<>();
        int n = random.nextInt(most + 1);
        for (int i = 0; i < n; i++) {
            String s = from.get(random.nextInt(from.size()));
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void audienceCountsAndMembersEqualABruteForcePassOverEveryProfile() throws Exception {
        List<String> names = new ArrayList<>();
        for (int s = 0; s < updater.segments().size(); s++) {
            names.add(updater.segments().name(s));
        }
        SplittableRandom random = new SplittableRandom(SEED);
        int nonEmpty = 0;
        for (int round = 0; round < 60; round++) {
            List<String> all = pick(random, names, 2);
            List<String> any = pick(random, names, 3);
            List<String> none = pick(random, names, 2);
            String where = random.nextInt(3) == 0 ? null : WHERE.get(random.nextInt(WHERE.size()));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("all", all);
            body.put("any", any);
            body.put("none", none);
            if (where != null) {
                body.put("where", where);
            }
            Set<String> expected = bruteForce(all, any, none, where);
            JsonNode count = post("/v1/audiences/count", body);
            assertThat(count.get("count").asLong()).as("seed %d round %d: %s", SEED, round, body).isEqualTo(expected.size());
            assertThat(count.get("tookMs").asDouble()).isGreaterThanOrEqualTo(0);
            if (!expected.isEmpty()) {
                nonEmpty++;
            }

            Set<String> paged = new TreeSet<>();
            Map<String, Object> page = new LinkedHashMap<>(body);
            page.put("limit", 1 + random.nextInt(40));
            page.put("identifiers", List.of("user_id"));
            while (true) {
                JsonNode answer = post("/v1/audiences/members", page);
                for (JsonNode item : answer.get("items")) {
                    assertThat(paged.add(item.get("profileId").asText())).as("seed %d: listed twice", SEED).isTrue();
                    assertThat(item.get("identifiers").has("user_id")).isTrue();
                }
                if (answer.get("next").isNull()) {
                    break;
                }
                page.put("cursor", answer.get("next").asText());
            }
            assertThat(paged).as("seed %d round %d: %s", SEED, round, body).isEqualTo(expected);
        }
        assertThat(nonEmpty).as("the rounds must not all ask for nobody").isGreaterThan(15);
    }

    @Test
    void audienceStatisticsEqualABruteForcePassOverEveryProfile() throws Exception {
        List<String> names = new ArrayList<>();
        for (int s = 0; s < updater.segments().size(); s++) {
            names.add(updater.segments().name(s));
        }
        List<String> features = List.of("revenue_30d", "views_30d", "order_value_ewma", "orders_lifetime");
        SplittableRandom random = new SplittableRandom(SEED + 1);
        int withValues = 0;
        for (int round = 0; round < 20; round++) {
            List<String> any = pick(random, names, 2);
            String where = random.nextInt(2) == 0 ? null : WHERE.get(random.nextInt(WHERE.size()));
            String feature = features.get(random.nextInt(features.size()));
            boolean clamp = random.nextBoolean();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("any", any);
            if (where != null) {
                body.put("where", where);
            }
            body.put("feature", feature);
            if (clamp) {
                body.put("bounds", List.of(1.0, 50.0));
            }
            int index = definition.featureIndex(feature);
            long count = 0;
            double sum = 0;
            for (String id : bruteForce(List.of(), any, List.of(), where)) {
                Profile p = stored.get(id);
                Object v = updater.inputs(p, Math.max(clock.millis(), p.clock())).feature(index);
                if (v instanceof Number n) {
                    count++;
                    sum += clamp ? Math.max(1.0, Math.min(50.0, n.doubleValue())) : n.doubleValue();
                }
            }
            JsonNode answer = post("/v1/audiences/stats", body);
            withValues += count > 0 ? 1 : 0;
            assertThat(answer.get("count").asLong()).as("seed %d round %d: %s", SEED, round, body).isEqualTo(count);
            assertThat(answer.get("sum").asDouble()).as("seed %d round %d: %s", SEED, round, body)
                    .isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(sum))));
        }
        assertThat(withValues).as("seed %d: the rounds must not all sum over nobody", SEED).isGreaterThan(5);
        HttpResponse<String> unknown = send("/v1/audiences/stats", Map.of("feature", "no_such_feature"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("unknown_feature").contains("\"path\":\"feature\"");
    }

    @Test
    void segmentSizesAreTheBitmapsAndEqualTheStoredMemberships() {
        for (var s : runtime.segments()) {
            int index = updater.segments().indexOf(s.name());
            long expected = stored.values().stream().filter(p -> p.inSegment(index)).count();
            assertThat(s.size()).as(s.name()).isEqualTo(expected);
            Set<String> members = new HashSet<>();
            String cursor = null;
            do {
                var page = runtime.segmentMembers(s.name(), cursor, 37);
                members.addAll(page.items());
                cursor = page.next();
            } while (cursor != null);
            assertThat((long) members.size()).as(s.name()).isEqualTo(expected);
        }
    }

    /** The profile at {@code until} by folding the whole log's events up to it: what time travel did before. */
    private Optional<ProfileView> wholeLogReplay(String profileId, long until) {
        ProfileEngine replay = new ProfileEngine(definition, ProfileUpdater.ChangeTracking.OFF, store.profileIdKey());
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        Map<String, Profile> profiles = new HashMap<>();
        ProfileTable table = ProfileTable.inMemory(profiles);
        LogCursor cursor = store.events().replay(1);
        while (cursor.hasNext()) {
            var event = cursor.next().decode();
            if (event.time() <= until) {
                replay.apply(event, identities, table);
            }
        }
        Profile p = profiles.get(profileId);
        if (p == null) {
            return Optional.empty();
        }
        replay.advance(p, until);
        return Optional.of(ProfileView.of(p, identities.identifiersOf(profileId), replay.updater(), Math.max(until, p.clock())));
    }

    @Test
    void aProfileAtATimeEqualsTheWholeLogFoldedUpToThatTime() {
        SplittableRandom random = new SplittableRandom(SEED + 1);
        List<String> ids = new ArrayList<>(new TreeSet<>(stored.keySet()));
        long start = SyntheticTraffic.start(SEED).toEpochMilli();
        long end = clock.millis();
        int compared = 0;
        for (int round = 0; round < 25; round++) {
            String id = ids.get(random.nextInt(ids.size()));
            long until = start + (long) (random.nextDouble() * (end - start));
            Optional<ProfileView> expected = wholeLogReplay(id, until);
            Optional<ProfileView> actual = runtime.profile("profile_id", id, Instant.ofEpochMilli(until));
            assertThat(actual.isPresent()).as("seed %d: %s at %d", SEED + 1, id, until).isEqualTo(expected.isPresent());
            if (expected.isPresent()) {
                compared++;
                ProfileView e = expected.get();
                ProfileView a = actual.get();
                assertThat(a.version()).as("seed %d: %s at %d", SEED + 1, id, until).isEqualTo(e.version());
                assertThat(a.features()).as("seed %d: %s at %d", SEED + 1, id, until).isEqualTo(e.features());
                assertThat(a.traits()).as("seed %d: %s at %d", SEED + 1, id, until).isEqualTo(e.traits());
                assertThat(a.segments()).as("seed %d: %s at %d", SEED + 1, id, until).isEqualTo(e.segments());
            }
        }
        assertThat(compared).isGreaterThan(5);
    }
}
