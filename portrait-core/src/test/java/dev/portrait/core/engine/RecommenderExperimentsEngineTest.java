package dev.portrait.core.engine;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.experiment.ExperimentReport;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.model.FeedbackCounts;
import dev.portrait.core.model.Recommendation;
import dev.portrait.core.model.ServedRecommendations;
import dev.portrait.core.profile.Profile;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.portrait.core.engine.EngineEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Experiments that vary the recommender: a variant's settings serve its people; CTR per variant comes from the join. */
class RecommenderExperimentsEngineTest {
    private static final String DEFINITION = """
            name: shop
            events:
              Product Viewed: {properties: {product_id: {type: string}}}
              Recommendation Shown: {}
              Recommendation Clicked: {}
            features:
              - {name: recently_viewed, kind: last_n, events: [Product Viewed], property: product_id, n: 20}
            models:
              recommender:
                interactions: {Product Viewed: 1}
                item: product_id
                recent: recently_viewed
                feedback: {window: 1h}
            experiments:
              key: a-secret-of-sixteen-or-more
              list:
                - name: ranking
                  varies: recommender
                  variants:
                    control: {weight: 1}
                    lean: {weight: 1, settings: {reasons: false, neighbours: 1, popularityWeight: 3}}
            """;

    private final ProfileDefinition definition = DefinitionLoader.parse(DEFINITION, "shop.yaml");
    private final ProfileEngine engine = new ProfileEngine(definition);
    private final InMemoryIdentityStore identities = new InMemoryIdentityStore();
    private final Map<String, Profile> stored = new HashMap<>();
    private final ProfileTable profiles = ProfileTable.inMemory(stored);
    private final EngineEvents events = new EngineEvents();

    private EngineStep apply(Event e) {
        EngineStep step = engine.apply(e, identities, profiles);
        engine.sharedModels().absorb(step.modelUpdates());
        return step;
    }

    /** Everyone views p1 then p2 or p3, so p1's neighbours are p2 (stronger) and p3. */
    private void catalogue() {
        for (int i = 0; i < 30; i++) {
            apply(events.track("Product Viewed").by("c" + i).at(T0 + i).with("product_id", "p1").build());
            apply(events.track("Product Viewed").by("c" + i).at(T0 + i + 1)
                    .with("product_id", i % 3 == 0 ? "p3" : "p2").build());
        }
    }

    private String personIn(String variant) {
        for (int i = 0; ; i++) {
            EngineStep s = apply(events.track("Product Viewed").by("v" + i).at(T0 + 100).with("product_id", "p1").build());
            int index = engine.experimentVariant("ranking", s.profileId());
            if (definition.experiments().byName("ranking").variants().get(index).name().equals(variant)) {
                return s.profileId();
            }
        }
    }

    @Test
    void aVariantsSettingsServeItsPeopleAndTheIdSaysWhich() {
        catalogue();
        Profile control = stored.get(personIn("control"));
        Profile lean = stored.get(personIn("lean"));

        ServedRecommendations c = engine.serve(control, 5, "home", T0 + 200, 1, engine.sharedModels());
        ServedRecommendations l = engine.serve(lean, 5, "home", T0 + 200, 2, engine.sharedModels());

        assertThat(List.of(c.experiment(), c.variant(), String.valueOf(c.reasons()))).containsExactly("ranking", "control", "true");
        assertThat(List.of(l.experiment(), l.variant(), String.valueOf(l.reasons()))).containsExactly("ranking", "lean", "false");
        Map<String, Double> controlScores = scores(c.items());
        Map<String, Double> leanScores = scores(l.items());
        assertThat(controlScores).containsKeys("p2", "p3");
        // same history, other settings: popularity weighs 3 instead of 0.05, and only p1's strongest neighbour pulls
        assertThat(leanScores.get("p2")).isGreaterThan(controlScores.get("p2") + 1.5);
        assertThat(c.items().stream().filter(r -> r.reason().startsWith("viewed together with")).map(Recommendation::item))
                .contains("p2", "p3");
        assertThat(l.items().stream().filter(r -> r.reason().startsWith("viewed together with"))).isEmpty();
        assertThat(engine.models().recommendationIds().read(l.recommendationId()).variant()).isEqualTo(1);
    }

    @Test
    void experimentResultsCountExposuresAndClicksFromTheJoinByTheVariantThatServed() {
        catalogue();
        Map<String, long[]> expected = new TreeMap<>(); // variant -> shown, clicked
        long t = T0 + 1_000;
        for (int i = 0; i < 200; i++) {
            EngineStep s = apply(events.track("Product Viewed").by("w" + i).at(t).with("product_id", "p1").build());
            ServedRecommendations answer = engine.serve(s.profile(), 3, "home", t, i, engine.sharedModels());
            long[] row = expected.computeIfAbsent(answer.variant(), k -> new long[2]);
            apply(events.track("Recommendation Shown").by("w" + i).at(t + 1)
                    .with("recommendation_id", answer.recommendationId()).build());
            apply(events.track("Recommendation Shown").by("w" + i).at(t + 2) // shown again: one exposure
                    .with("recommendation_id", answer.recommendationId()).build());
            apply(events.track("Recommendation Shown").by("w" + i).at(t + 3).build()); // no id: not an exposure
            row[0]++;
            // the lean variant's people click more often, so the arms differ
            if (i % (answer.variant().equals("lean") ? 2 : 5) == 0) {
                apply(events.track("Recommendation Clicked").by("w" + i).at(t + 4).with("product_id", "p2")
                        .with("recommendation_id", answer.recommendationId()).build());
                row[1]++;
            }
            t += 10;
        }
        ExperimentReport report = engine.sharedModels().experiments().report("ranking");
        for (ExperimentReport.VariantResult v : report.variants()) {
            long[] want = expected.get(v.name());
            assertThat(List.of(v.participants(), v.exposures(), v.clicks())).as(v.name())
                    .containsExactly(want[0], want[0], want[1]);
        }
        for (FeedbackCounts.Row row : engine.sharedModels().feedback().rows()) {
            assertThat(row.experiment()).isEqualTo("ranking");
            assertThat(List.of(row.shown(), row.clicked())).as(row.variant())
                    .containsExactly(expected.get(row.variant())[0], expected.get(row.variant())[1]);
        }
        assertThat(report.variants().get(1).comparisons().get(0).metric()).isEqualTo("ctr");
    }

    @Test
    void aVariantsRecommenderSettingsAreCheckedWhereTheyAreDeclared() {
        assertThatThrownBy(() -> DefinitionLoader.parse(DEFINITION.replace("neighbours: 1", "neighbors: 1"), "shop.yaml"))
                .hasMessageContaining("experiments.list[0].variants.lean.settings.neighbors: is not a recommender setting");
        assertThatThrownBy(() -> DefinitionLoader.parse(DEFINITION.replace("neighbours: 1", "neighbours: 0"), "shop.yaml"))
                .hasMessageContaining("experiments.list[0].variants.lean.settings.neighbours");
        assertThatThrownBy(() -> DefinitionLoader.parse(DEFINITION.replace("reasons: false", "reasons: nope"), "shop.yaml"))
                .hasMessageContaining("experiments.list[0].variants.lean.settings.reasons");
        assertThatThrownBy(() -> DefinitionLoader.parse(DEFINITION.replace("feedback: {window: 1h}",
                "feedback: {window: 1h, clicked: Recommendation Shown}"), "shop.yaml"))
                .hasMessageContaining("models.recommender.feedback.clicked");
        String withoutRecommender = DEFINITION.substring(0, DEFINITION.indexOf("models:"))
                + DEFINITION.substring(DEFINITION.indexOf("experiments:"));
        assertThatThrownBy(() -> DefinitionLoader.parse(withoutRecommender, "shop.yaml"))
                .hasMessageContaining("experiments.list[0].variants.lean.settings: sets the recommender, but the definition "
                        + "declares no models.recommender");
    }

    private static Map<String, Double> scores(List<Recommendation> items) {
        Map<String, Double> out = new TreeMap<>();
        items.forEach(r -> out.put(r.item(), r.score()));
        return out;
    }
}
