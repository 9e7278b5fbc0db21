package dev.portrait.core.engine;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.model.FeedbackCounts;
import dev.portrait.core.model.ModelState;
import dev.portrait.core.model.ServedRecommendations;
import dev.portrait.core.profile.Profile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static dev.portrait.core.engine.EngineEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feedback loop through the engine: answers served with ids, Shown / Clicked / conversion events joined
 * to them, each person's counts and the shared totals, checked against a brute-force recount of seeded
 * random streams.
 */
class FeedbackLoopEngineTest {
    static final String DEFINITION = """
            name: shop
            events:
              Product Viewed: {properties: {product_id: {type: string}}}
              Order Completed: {}
              Recommendation Shown: {}
              Recommendation Clicked: {}
            features:
              - {name: recently_viewed, kind: last_n, events: [Product Viewed], property: product_id, n: 20}
            models:
              recommender:
                interactions: {Product Viewed: 1}
                item: product_id
                recent: recently_viewed
                feedback:
                  conversions: [Order Completed]
                  window: 1h
                  conversionWindow: 1d
                  remember: 1000
            """;
    private static final long HOUR = 3_600_000;
    private static final long DAY = 24 * HOUR;
    private static final String[] PLACEMENTS = {"home", "cart", "search"};
    private static final String[] ITEMS = {"p1", "p2", "p3", "p4", "p5"};

    private final ProfileDefinition definition = DefinitionLoader.parse(DEFINITION, "shop.yaml");

    /** What the brute force remembers of one answer a person reported. */
    private static final class Answer {
        final long servedAt;
        final String placement;
        boolean clicked;
        long clickedAt;
        final List<String> items = new ArrayList<>();
        boolean converted;

        Answer(long servedAt, String placement) {
            this.servedAt = servedAt;
            this.placement = placement;
        }
    }

    private record Run(List<Event> events, Map<String, Map<String, long[]>> expected, Map<String, Long> unjoined) {
    }

    /**
     * Serves answers to random people at random times and sends random Shown, Clicked (with repeats, clicks
     * never shown, ids of other people, forged and late ids) and orders, in time order; counts what each
     * should score by the documented rules, independently of the join's code.
     */
    private Run run(long seed, ProfileEngine engine, InMemoryIdentityStore identities, ProfileTable profiles) {
        Random random = new Random(seed);
        EngineEvents events = new EngineEvents();
        List<Event> log = new ArrayList<>();
        Map<String, List<String>> servedTo = new HashMap<>();
        Map<String, long[]> servedInfo = new HashMap<>(); // id -> servedAt
        Map<String, String> placementOf = new HashMap<>();
        Map<String, Map<String, Answer>> reported = new TreeMap<>();
        Map<String, Map<String, long[]>> expected = new TreeMap<>();
        Map<String, Long> unjoined = new TreeMap<>();
        long t = T0;
        long serial = 1_000;
        int people = 12;
        for (int u = 0; u < people; u++) {
            log.add(apply(engine, identities, profiles, events.track("Product Viewed").by("u" + u).at(t)
                    .with("product_id", ITEMS[u % ITEMS.length]).build()));
        }
        for (int step = 0; step < 1_500; step++) {
            t += 1 + random.nextInt(random.nextInt(10) == 0 ? (int) (3 * HOUR) : 300_000);
            String user = "u" + random.nextInt(people);
            List<String> mine = servedTo.computeIfAbsent(user, k -> new ArrayList<>());
            int action = random.nextInt(100);
            if (action < 25 || mine.isEmpty()) {
                Profile p = profiles.get(profileOf(identities, user));
                String placement = PLACEMENTS[random.nextInt(PLACEMENTS.length)];
                ServedRecommendations served = engine.serve(p, 3, placement, t, serial++, engine.sharedModels());
                mine.add(served.recommendationId());
                servedInfo.put(served.recommendationId(), new long[]{t});
                placementOf.put(served.recommendationId(), placement);
                continue;
            }
            String id;
            if (random.nextInt(20) == 0) {
                id = random.nextBoolean() ? "rec_forged" + random.nextInt(1000) : null;
            } else if (random.nextInt(15) == 0) { // someone else's answer: it counts for whoever reports it
                List<String> theirs = servedTo.get("u" + random.nextInt(people));
                id = theirs == null || theirs.isEmpty() ? mine.get(mine.size() - 1) : theirs.get(random.nextInt(theirs.size()));
            } else { // mostly one of the latest
                id = mine.get(Math.max(0, mine.size() - 1 - random.nextInt(Math.min(4, mine.size()))));
            }
            Map<String, Answer> answers = reported.computeIfAbsent(user, k -> new LinkedHashMap<>());
            Map<String, long[]> counts = expected.computeIfAbsent(user, k -> new TreeMap<>());
            if (action < 55 || action < 80) {
                boolean click = action >= 55;
                String item = ITEMS[random.nextInt(ITEMS.length)];
                EngineEvents.Builder b = events.track(click ? "Recommendation Clicked" : "Recommendation Shown").by(user)
                        .at(t).with("product_id", item);
                if (id != null) {
                    b.with("recommendation_id", id);
                }
                log.add(apply(engine, identities, profiles, b.build()));
                if (id == null || !servedInfo.containsKey(id)) {
                    unjoined.merge("unknown_id", 1L, Long::sum);
                    continue;
                }
                long servedAt = servedInfo.get(id)[0];
                if (t > servedAt + HOUR) {
                    unjoined.merge("expired", 1L, Long::sum);
                    continue;
                }
                Answer a = answers.get(id);
                long[] row;
                if (a == null) {
                    a = new Answer(servedAt, placementOf.get(id));
                    answers.put(id, a);
                    row = counts.computeIfAbsent(a.placement, k -> new long[3]);
                    row[0]++;
                }
                row = counts.computeIfAbsent(a.placement, k -> new long[3]);
                if (click) {
                    if (!a.clicked) {
                        a.clicked = true;
                        a.clickedAt = t;
                        row[1]++;
                    }
                    if (!a.items.contains(item)) {
                        a.items.add(item);
                    }
                }
            } else {
                List<String> bought = random.nextInt(4) == 0 ? List.of()
                        : List.of(ITEMS[random.nextInt(ITEMS.length)], ITEMS[random.nextInt(ITEMS.length)]);
                List<Map<String, Object>> products = new ArrayList<>();
                bought.forEach(item -> products.add(Map.of("product_id", item)));
                log.add(apply(engine, identities, profiles, events.track("Order Completed").by(user).at(t)
                        .with("products", products).build()));
                Map.Entry<String, Answer> latest = null;
                for (Map.Entry<String, Answer> e : answers.entrySet()) {
                    Answer a = e.getValue();
                    if (!a.clicked || a.converted || t - a.clickedAt > DAY) {
                        continue;
                    }
                    if (bought.isEmpty()) {
                        if (latest == null || a.clickedAt > latest.getValue().clickedAt
                                || (a.clickedAt == latest.getValue().clickedAt && e.getKey().compareTo(latest.getKey()) < 0)) {
                            latest = e;
                        }
                    } else if (a.items.stream().anyMatch(bought::contains)) {
                        a.converted = true;
                        counts.computeIfAbsent(a.placement, k -> new long[3])[2]++;
                    }
                }
                if (latest != null) {
                    latest.getValue().converted = true;
                    counts.computeIfAbsent(latest.getValue().placement, k -> new long[3])[2]++;
                }
            }
        }
        return new Run(log, expected, unjoined);
    }

    private static Event apply(ProfileEngine engine, InMemoryIdentityStore identities, ProfileTable profiles, Event e) {
        EngineStep step = engine.apply(e, identities, profiles);
        engine.sharedModels().absorb(step.modelUpdates());
        return e;
    }

    private static String profileOf(InMemoryIdentityStore identities, String user) {
        return identities.profileOf(new dev.portrait.core.identity.Identifier("user_id", user)).orElseThrow();
    }

    @Test
    void eachPersonsCountsAndTheTotalsEqualABruteForceRecount() {
        for (long seed = 1; seed <= 6; seed++) {
            ProfileEngine engine = new ProfileEngine(definition);
            InMemoryIdentityStore identities = new InMemoryIdentityStore();
            ProfileTable profiles = ProfileTable.inMemory(new HashMap<>());
            Run run = run(seed, engine, identities, profiles);

            Map<String, long[]> totals = new TreeMap<>();
            for (int u = 0; u < 12; u++) {
                String user = "u" + u;
                Profile p = profiles.get(profileOf(identities, user));
                Map<String, long[]> actual = ((ModelState) p.extension()).feedback().countsByPlacement();
                Map<String, long[]> wanted = run.expected().getOrDefault(user, Map.of());
                assertThat(render(actual)).as("seed %d, %s", seed, user).isEqualTo(render(wanted));
                wanted.forEach((placement, c) -> {
                    long[] sum = totals.computeIfAbsent(placement, k -> new long[3]);
                    for (int i = 0; i < 3; i++) {
                        sum[i] += c[i];
                    }
                });
            }
            Map<String, long[]> shared = new TreeMap<>();
            for (FeedbackCounts.Row row : engine.sharedModels().feedback().rows()) {
                assertThat(row.model()).isEqualTo("recommender");
                assertThat(row.clicked()).as("seed %d", seed).isLessThanOrEqualTo(row.shown());
                assertThat(row.converted()).as("seed %d", seed).isLessThanOrEqualTo(row.clicked());
                shared.put(row.placement(), new long[]{row.shown(), row.clicked(), row.converted()});
            }
            assertThat(render(shared)).as("seed %d", seed).isEqualTo(render(totals));
            assertThat(engine.sharedModels().feedback().unjoined().getOrDefault("recommender", Map.of()))
                    .as("seed %d", seed).isEqualTo(run.unjoined());
            assertThat(totals.values().stream().mapToLong(c -> c[2]).sum()).as("seed %d: the stream converts", seed)
                    .isPositive();
        }
    }

    @Test
    void replayingTheEventsGivesTheSameProfilesByteForByte() {
        ProfileEngine live = new ProfileEngine(definition);
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        Map<String, Profile> liveProfiles = new HashMap<>();
        Run run = run(11, live, identities, ProfileTable.inMemory(liveProfiles));

        ProfileEngine replay = new ProfileEngine(definition);
        Map<String, Profile> replayed = new HashMap<>();
        InMemoryIdentityStore replayIdentities = new InMemoryIdentityStore();
        for (Event e : run.events()) {
            replay.sharedModels().absorb(replay.apply(e, replayIdentities, ProfileTable.inMemory(replayed)).modelUpdates());
        }
        assertThat(replayed.keySet()).isEqualTo(liveProfiles.keySet());
        liveProfiles.forEach((id, p) -> assertThat(replay.codec().encode(replayed.get(id)))
                .as(id).isEqualTo(live.codec().encode(p)));
        assertThat(replay.sharedModels().encode()).isEqualTo(live.sharedModels().encode());
    }

    @Test
    void anAnswerShownAnonymouslyAndClickedAfterSigningInCountsOnceAfterTheMerge() {
        ProfileEngine engine = new ProfileEngine(definition);
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        ProfileTable profiles = ProfileTable.inMemory(new HashMap<>());
        EngineEvents events = new EngineEvents();
        EngineStep first = engine.apply(events.track("Product Viewed").anon("a1").at(T0).with("product_id", "p1").build(),
                identities, profiles);
        engine.sharedModels().absorb(first.modelUpdates());
        engine.sharedModels().absorb(engine.apply(events.track("Product Viewed").by("u1").at(T0 + 1)
                .with("product_id", "p2").build(), identities, profiles).modelUpdates());
        String id = engine.serve(first.profile(), 3, "home", T0 + 2, 1, engine.sharedModels()).recommendationId();

        engine.sharedModels().absorb(engine.apply(events.track("Recommendation Shown").anon("a1").at(T0 + 3)
                .with("recommendation_id", id).build(), identities, profiles).modelUpdates());
        engine.sharedModels().absorb(engine.apply(events.track("Recommendation Clicked").by("u1").at(T0 + 4)
                .with("recommendation_id", id).with("product_id", "p9").build(), identities, profiles).modelUpdates());
        assertThat(engine.sharedModels().feedback().rows().get(0).shown()).as("two profiles, each counted it").isEqualTo(2);

        EngineStep merged = engine.apply(events.identify().by("u1").anon("a1").at(T0 + 5).build(), identities, profiles);
        engine.sharedModels().absorb(merged.modelUpdates());
        Map<String, long[]> counts = ((ModelState) merged.profile().extension()).feedback().countsByPlacement();
        assertThat(render(counts)).isEqualTo("{home=[1, 1, 0]}");
        FeedbackCounts.Row row = engine.sharedModels().feedback().rows().get(0);
        assertThat(List.of(row.shown(), row.clicked(), row.converted())).containsExactly(1L, 1L, 0L);

        // the click survives the merge: an order of the clicked item converts it
        engine.sharedModels().absorb(engine.apply(events.track("Order Completed").by("u1").at(T0 + 6)
                .with("products", List.of(Map.of("product_id", "p9"))).build(), identities, profiles).modelUpdates());
        assertThat(engine.sharedModels().feedback().rows().get(0).converted()).isEqualTo(1);
        Object json = engine.models().scoresJson(profiles.get(merged.profileId()), T0 + 7, engine.sharedModels())
                .get("feedback");
        assertThat(json).asString().contains("shown=1", "clicked=1", "converted=1", "ctr=1.0", "home=");

        // forgetting the person takes their share back from the totals
        engine.sharedModels().absorb(engine.forget(profiles.get(merged.profileId())));
        row = engine.sharedModels().feedback().rows().get(0);
        assertThat(List.of(row.shown(), row.clicked(), row.converted())).containsExactly(0L, 0L, 0L);
    }

    @Test
    void aPersonRemembersABoundedNumberOfAnswersAndCountsNoneTwice() {
        ProfileDefinition small = DefinitionLoader.parse(DEFINITION.replace("remember: 1000", "remember: 3"), "shop.yaml");
        ProfileEngine engine = new ProfileEngine(small);
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        ProfileTable profiles = ProfileTable.inMemory(new HashMap<>());
        EngineEvents events = new EngineEvents();
        EngineStep first = engine.apply(events.track("Product Viewed").by("u1").at(T0).with("product_id", "p1").build(),
                identities, profiles);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(engine.serve(first.profile(), 3, "home", T0 + i, i, engine.sharedModels()).recommendationId());
        }
        for (String id : ids) {
            engine.sharedModels().absorb(engine.apply(events.track("Recommendation Shown").by("u1").at(T0 + 10)
                    .with("recommendation_id", id).build(), identities, profiles).modelUpdates());
        }
        for (String id : ids) { // again: the three remembered are known, the three let go are not counted again
            engine.sharedModels().absorb(engine.apply(events.track("Recommendation Shown").by("u1").at(T0 + 11)
                    .with("recommendation_id", id).build(), identities, profiles).modelUpdates());
        }
        Profile p = profiles.get(first.profileId());
        assertThat(((ModelState) p.extension()).feedback().countsByPlacement().get("home")[0]).isEqualTo(6);
        assertThat(engine.sharedModels().feedback().unjoined().get("recommender")).containsEntry("forgotten", 3L);
        assertThat(engine.codec().encode(p).length).as("bounded").isLessThan(1_000);
    }

    private static String render(Map<String, long[]> counts) {
        Map<String, String> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            if (v[0] != 0 || v[1] != 0 || v[2] != 0) {
                out.put(k, Arrays.toString(v));
            }
        });
        return out.toString();
    }
}
