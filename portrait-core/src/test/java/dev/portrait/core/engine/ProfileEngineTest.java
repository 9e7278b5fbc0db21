package dev.portrait.core.engine;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.identity.Resolution;
import dev.portrait.core.model.ModelScores;
import dev.portrait.core.model.Recommendation;
import dev.portrait.core.profile.Profile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileEngineTest {
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    /** A content site: articles, topics, subscriptions — no e-commerce names anywhere. */
    static final String CONTENT_SITE = """
            name: content-site
            events:
              Article Read:
                properties:
                  article_id: {type: string, required: true}
                  topic: {type: string}
              Subscription Started: {}
              Donation Made:
                properties:
                  amount: {type: number, min: 0}
            features:
              - {name: reads_7d, kind: window_count, events: [Article Read], window: 7d}
              - {name: reads_30d, kind: window_count, events: [Article Read], window: 30d}
              - {name: recent_articles, kind: last_n, events: [Article Read], property: article_id, n: 20}
              - name: interest_topic
                kind: decayed_scores
                key: topic
                weights: {Article Read: 1}
                halfLife: 7d
                topK: 10
              - {name: days_since_last_seen, kind: time_since, of: last, unit: 1d}
            segments:
              - {name: avid_reader, when: features.reads_7d >= 5}
            models:
              recommender:
                interactions: {Article Read: 1}
                item: article_id
                category: topic
                recent: recent_articles
                interests: interest_topic
              propensity:
                target: Subscription Started
                horizon: 3d
                features: [reads_7d, reads_30d, days_since_last_seen]
              personas:
                k: 2
                inPcaSpace: true
              pca:
                features: [reads_7d, reads_30d, days_since_last_seen]
                components: 2
              regression:
                target: Donation Made
                property: amount
                horizon: 7d
                features: [reads_7d, reads_30d]
              botScore:
                threshold: 0.9
            """;

    private final EngineEvents events = new EngineEvents();

    @Test
    void aContentSiteGetsRecommendationsAndPropensityFromItsDefinitionAlone() {
        ProfileEngine engine = new ProfileEngine(DefinitionLoader.parse(CONTENT_SITE, "content.yaml"));
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        TreeMap<String, Profile> profiles = new TreeMap<>();
        ProfileTable table = ProfileTable.inMemory(profiles);
        SplittableRandom random = new SplittableRandom(3);
        long t = EngineEvents.T0;
        // readers of "a1" go on to read "a2" within the hour; half of the heavy readers subscribe
        for (int reader = 0; reader < 200; reader++) {
            String user = "r" + reader;
            for (int day = 0; day < 5; day++) {
                t += random.nextInt(1, 600_000);
                long at = EngineEvents.T0 + day * DAY + reader * 1_000L;
                learn(engine, engine.apply(events.track("Article Read").by(user).at(at).with("article_id", "a1")
                        .with("topic", "politics").build(), identities, table));
                learn(engine, engine.apply(events.track("Article Read").by(user).at(at + 600_000).with("article_id", "a2")
                        .with("topic", "politics").build(), identities, table));
            }
            if (reader % 2 == 0) {
                learn(engine, engine.apply(events.track("Subscription Started").by(user)
                        .at(EngineEvents.T0 + 5 * DAY + reader).build(), identities, table));
                learn(engine, engine.apply(events.track("Donation Made").by(user).with("amount", 10.0)
                        .at(EngineEvents.T0 + 5 * DAY + reader + 1).build(), identities, table));
            }
        }
        learn(engine, engine.apply(events.track("Article Read").by("newcomer").at(EngineEvents.T0 + 6 * DAY)
                .with("article_id", "a1").with("topic", "politics").build(), identities, table));
        Profile newcomer = profiles.get(identities.profileOf(new dev.portrait.core.identity.Identifier("user_id", "newcomer"))
                .orElseThrow());
        for (Profile p : profiles.values()) {
            learn(engine, engine.advance(p, EngineEvents.T0 + 20 * DAY)); // every waiting example settles
        }

        List<Recommendation> recs = engine.models().recommend(newcomer, 3, EngineEvents.T0 + 6 * DAY, engine.sharedModels());
        assertThat(recs).extracting(Recommendation::item).contains("a2");
        assertThat(engine.sharedModels().propensityMetrics().count()).as("labelled examples learned").isGreaterThan(100);
        ModelScores scores = engine.models().scores(newcomer, EngineEvents.T0 + 6 * DAY, engine.sharedModels());
        assertThat(scores.propensity()).isBetween(0.0, 1.0);
        assertThat(engine.sharedModels().regressionMetrics().count()).as("settled regression outcomes").isGreaterThan(100);
        assertThat(scores.predicted()).isFinite();
        assertThat(scores.components()).as("coordinates on the 2 principal components").hasSize(2);
        assertThat(scores.persona()).as("a persona in component space").isBetween(0, 1);
        assertThat(engine.models().scoresJson(newcomer, EngineEvents.T0 + 6 * DAY, engine.sharedModels()))
                .containsKeys("propensity", "predicted", "components", "persona", "botScore");
        assertThat(engine.updater().featureValues(newcomer, EngineEvents.T0 + 6 * DAY)).containsEntry("reads_7d", 1L);
    }

    /** The runtime's part: the shared models learn each step's updates, one queue behind. */
    private static void learn(ProfileEngine engine, EngineStep step) {
        engine.sharedModels().absorb(step.modelUpdates());
    }

    @Test
    void aBadModelsSectionFailsToLoadNamingThePath() {
        String base = CONTENT_SITE.substring(0, CONTENT_SITE.indexOf("models:"));
        Map<String, String> cases = Map.of(
                "models:\n  propensity:\n    target: Subscription Started\n    features: [reads_7d, reads_31d]\n",
                "models.propensity.features[1]: \"reads_31d\" is not a feature",
                "models:\n  recommender:\n    interactions: {Article Read: 0}\n",
                "models.recommender.interactions.\"Article Read\": must be a positive weight",
                "models:\n  recommender:\n    interactions: {Article Read: 1}\n    recent: interest_topic\n",
                "models.recommender.recent: \"interest_topic\" is a decayed_scores feature; it must be a last_n",
                "models:\n  personas:\n    features: [recent_articles]\n",
                "models.personas.features[0]: \"recent_articles\" is a last_n feature; a model vector needs numbers",
                "models:\n  botScore:\n    weights: {speed: 1}\n",
                "models.botScore.weights.speed: is not a bot-score weight",
                "models:\n  propensity:\n    features: [reads_7d]\n",
                "models.propensity.target: is required",
                "models:\n  clustering: {}\n",
                "models.clustering");
        cases.forEach((section, message) -> assertThatThrownBy(() -> DefinitionLoader.parse(base + section, "bad.yaml"))
                .as(section).isInstanceOf(DefinitionException.class).hasMessageContaining(message));
    }

    @Test
    void theShippedDefinitionDeclaresTheModelsTheServerUsedToHardCode() {
        ProfileDefinition d = DefinitionLoader.defaultEcommerce();
        assertThat(d.models().recommender().interactions()).containsKeys("Product Viewed", "Order Completed");
        assertThat(d.models().personas().features()).contains("views_30d", "revenue_30d");
        assertThat(d.models().propensity().target()).isEqualTo("Order Completed");
        assertThat(d.models().botScore().threshold()).isEqualTo(0.8);
    }

    /**
     * The same events give byte-identical profiles whichever entry point a runtime uses: the whole step,
     * identity and fold split as the Flink job splits them, timers interleaved at random, or a replay of
     * the log into a fresh engine.
     */
    @Test
    void theSameEventsGiveTheSameProfilesWhicheverEntryPointIsUsed() {
        for (long seed = 1; seed <= 5; seed++) {
            List<Event> stream = shopStream(seed, 1_500);
            long end = stream.stream().mapToLong(Event::time).max().orElseThrow() + 40 * DAY;
            Map<String, byte[]> direct = run(stream, seed, Mode.DIRECT, end);
            assertThat(run(stream, seed, Mode.SPLIT, end)).as("seed %d: resolve, then fold", seed)
                    .containsExactlyInAnyOrderEntriesOf(direct);
            assertThat(run(stream, seed, Mode.TIMERS, end)).as("seed %d: timers interleaved", seed)
                    .containsExactlyInAnyOrderEntriesOf(direct);
            assertThat(run(stream, seed, Mode.DIRECT, end)).as("seed %d: replayed into a fresh engine", seed)
                    .containsExactlyInAnyOrderEntriesOf(direct);
        }
    }

    /** Computing change values is for consumers that ask: it never alters a profile or a transition. */
    @Test
    void trackingChangesGivesTheSameProfilesAndTransitionsAsNotTracking() {
        for (long seed = 11; seed <= 13; seed++) {
            List<Event> stream = shopStream(seed, 1_500);
            ProfileEngine quiet = new ProfileEngine(DefinitionLoader.defaultEcommerce());
            ProfileEngine tracking = new ProfileEngine(DefinitionLoader.defaultEcommerce(),
                    dev.portrait.core.profile.ProfileUpdater.ChangeTracking.ON);
            InMemoryIdentityStore a = new InMemoryIdentityStore();
            InMemoryIdentityStore b = new InMemoryIdentityStore();
            TreeMap<String, Profile> pa = new TreeMap<>();
            TreeMap<String, Profile> pb = new TreeMap<>();
            long changes = 0;
            for (Event e : stream) {
                EngineStep x = quiet.apply(e, a, ProfileTable.inMemory(pa));
                EngineStep y = tracking.apply(e, b, ProfileTable.inMemory(pb));
                assertThat(y.transitions()).as("seed %d, %s", seed, e.messageId()).isEqualTo(x.transitions());
                assertThat(x.fold().changes()).isEmpty();
                changes += y.fold().changes().size();
            }
            assertThat(changes).as("seed %d: the tracking engine reported changes", seed).isGreaterThan(1_000);
            assertThat(pb.keySet()).isEqualTo(pa.keySet());
            for (String id : pa.keySet()) {
                assertThat(tracking.codec().encode(pb.get(id))).as("seed %d, %s", seed, id)
                        .isEqualTo(quiet.codec().encode(pa.get(id)));
            }
        }
    }

    private enum Mode { DIRECT, SPLIT, TIMERS }

    private static Map<String, byte[]> run(List<Event> stream, long seed, Mode mode, long end) {
        ProfileEngine engine = new ProfileEngine(DefinitionLoader.defaultEcommerce());
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        TreeMap<String, Profile> profiles = new TreeMap<>();
        ProfileTable table = ProfileTable.inMemory(profiles);
        SplittableRandom timers = new SplittableRandom(seed * 31);
        int fired = 0;
        for (Event e : stream) {
            switch (mode) {
                case DIRECT -> engine.apply(e, identities, table);
                case SPLIT -> {
                    Resolution r = engine.resolve(e, identities);
                    engine.fold(r, e, table);
                }
                case TIMERS -> {
                    engine.apply(e, identities, table);
                    if (timers.nextInt(10) == 0 && !profiles.isEmpty()) {
                        // a timer fires for some profile whose check time the stream has reached
                        List<Profile> all = new ArrayList<>(profiles.values());
                        Profile p = all.get(timers.nextInt(all.size()));
                        if (p.nextCheck() <= e.time()) {
                            engine.advance(p, e.time());
                            fired++;
                        }
                    }
                }
            }
        }
        if (mode == Mode.TIMERS) {
            assertThat(fired).as("seed %d: timers that fired mid-stream", seed).isGreaterThan(10);
        }
        Map<String, byte[]> out = new TreeMap<>();
        for (Profile p : profiles.values()) {
            engine.advance(p, end);
            out.put(p.profileId(), engine.codec().encode(p));
        }
        return out;
    }

    /** A small seeded shop: anonymous browsing, logins that merge, views, carts and orders over weeks. */
    private List<Event> shopStream(long seed, int count) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Event> out = new ArrayList<>();
        long t = EngineEvents.T0;
        String[] names = {"Product Viewed", "Product Viewed", "Product Viewed", "Product Added", "Order Completed"};
        for (int i = 0; i < count; i++) {
            t += random.nextLong(1, 2 * HOUR);
            int person = random.nextInt(60);
            String anon = "anon-" + person + "-" + random.nextInt(2);
            EngineEvents.Builder b;
            if (random.nextInt(25) == 0) {
                b = events.identify().by("user-" + person).anon(anon).with("email", "p" + person + "@example.com");
            } else {
                String name = names[random.nextInt(names.length)];
                b = events.track(name).anon(anon);
                if (random.nextBoolean()) {
                    b.by("user-" + person);
                }
                String product = "p" + random.nextInt(40);
                b.with("product_id", product).with("category", "c" + product.hashCode() % 5);
                if (name.equals("Order Completed")) {
                    b.with("order_id", "o" + i).with("revenue", (double) random.nextInt(5, 300));
                }
            }
            out.add(b.at(t).build());
        }
        return out;
    }
}
