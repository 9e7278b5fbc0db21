package dev.portrait.core.engine;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.experiment.ExperimentReport;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.identity.ProfileIdKey;
import dev.portrait.core.model.SharedModels;
import dev.portrait.core.profile.ProfileUpdater;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static dev.portrait.core.engine.EngineEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Experiments through the engine: enrolment, assignment across merges and restarts, results. */
class ExperimentsEngineTest {
    private static final String DEFINITION = """
            name: shop
            events:
              Recommendation Shown: {}
              Recommendation Clicked: {}
              Order Completed:
                properties:
                  revenue: {type: number}
            features:
              - {name: orders, kind: count, events: [Order Completed]}
              - {name: shown, kind: count, events: [Recommendation Shown]}
            segments:
              - {name: browsers, when: "features.shown >= 1"}
            experiments:
              key: a-secret-of-sixteen-or-more
              list:
                - name: ranking
                  population: browsers
                  variants:
                    control: {weight: 1}
                    social: {weight: 1}
                  conversions: [Order Completed]
                  revenue: {event: Order Completed, property: revenue}
            """;

    private final EngineEvents events = new EngineEvents();
    private final ProfileDefinition definition = DefinitionLoader.parse(DEFINITION, "shop.yaml");
    private final ProfileEngine engine = new ProfileEngine(definition);
    private final InMemoryIdentityStore identities = new InMemoryIdentityStore();
    private final ProfileTable profiles = ProfileTable.inMemory(new HashMap<>());

    private EngineStep apply(dev.portrait.core.event.Event e) {
        EngineStep step = engine.apply(e, identities, profiles);
        engine.sharedModels().absorb(step.modelUpdates());
        return step;
    }

    private ExperimentReport report() {
        return engine.sharedModels().experiments().report("ranking");
    }

    @Test
    void aPersonIsEnrolledAtTheirFirstMeasuredEventInThePopulationAndTheProfileShowsTheirVariant() {
        EngineStep bought = apply(events.track("Order Completed").by("u1").at(T0).with("revenue", 5.0).build());
        assertThat(report().variants()).allMatch(v -> v.participants() == 0); // not in the population yet

        EngineStep shown = apply(events.track("Recommendation Shown").by("u1").at(T0 + 1).build());
        apply(events.track("Order Completed").by("u1").at(T0 + 2).with("revenue", 7.0).build());

        String variant = definition.experiments().byName("ranking").variants()
                .get(engine.experimentVariant("ranking", shown.profileId())).name();
        ExperimentReport.VariantResult mine = report().variants().stream()
                .filter(v -> v.name().equals(variant)).findFirst().orElseThrow();
        assertThat(mine.participants()).isEqualTo(1);
        assertThat(mine.exposures()).isEqualTo(1);
        assertThat(mine.revenue()).as("only what came after enrolment").isEqualTo(7.0);
        Map<String, Object> models = engine.models().scoresJson(shown.profile(), T0 + 2, engine.sharedModels());
        assertThat(models).containsEntry("experiments", Map.of("ranking", variant));
        assertThat(bought.profileId()).isEqualTo(shown.profileId());
    }

    @Test
    void withoutAKeyTheAssignmentIsKeyedByTheProfileIdSecretSoEachInstallationHasItsOwn() {
        ProfileDefinition unkeyed = DefinitionLoader.parse(DEFINITION.replace("  key: a-secret-of-sixteen-or-more\n", ""),
                "shop.yaml");
        assertThat(unkeyed.experiments().derivedKey()).isTrue();
        ProfileUpdater.ChangeTracking off = ProfileUpdater.ChangeTracking.OFF;
        ProfileEngine one = new ProfileEngine(unkeyed, off, ProfileIdKey.ofText("installation one's secret"));
        ProfileEngine again = new ProfileEngine(unkeyed, off, ProfileIdKey.ofText("installation one's secret"));
        ProfileEngine two = new ProfileEngine(unkeyed, off, ProfileIdKey.ofText("installation two's secret"));
        int differ = 0;
        for (int i = 0; i < 200; i++) {
            String profileId = "p_" + i;
            int variant = one.experimentVariant("ranking", profileId);
            assertThat(again.experimentVariant("ranking", profileId)).as(profileId).isEqualTo(variant);
            if (two.experimentVariant("ranking", profileId) != variant) {
                differ++;
            }
        }
        // two fair coins disagree half the time: 200 draws, far from 0 unless the secret is ignored
        assertThat(differ).isBetween(60, 140);
    }

    @Test
    void aPersonWhoWithholdsTheModelsPurposeIsNotEnrolled() {
        // an experiment varies what the models serve, so it measures only people who consent to their purposes
        String yaml = DEFINITION.replace("name: shop\n", """
                name: shop
                purposes:
                  personalization: {categories: [Personalization]}
                models:
                  purposes: [personalization]
                """);
        ProfileEngine consenting = new ProfileEngine(DefinitionLoader.parse(yaml, "shop.yaml"));
        InMemoryIdentityStore ids = new InMemoryIdentityStore();
        ProfileTable table = ProfileTable.inMemory(new HashMap<>());
        for (dev.portrait.core.event.Event e : java.util.List.of(
                events.track("Recommendation Shown").by("refuses").at(T0).consent(Map.of("Personalization", false)).build(),
                events.track("Order Completed").by("refuses").at(T0 + 1).with("revenue", 9.0).build(),
                events.track("Recommendation Shown").by("agrees").at(T0 + 2).build(),
                events.track("Order Completed").by("agrees").at(T0 + 3).with("revenue", 4.0).build())) {
            consenting.sharedModels().absorb(consenting.apply(e, ids, table).modelUpdates());
        }
        ExperimentReport r = consenting.sharedModels().experiments().report("ranking");
        assertThat(r.variants().stream().mapToLong(ExperimentReport.VariantResult::participants).sum()).isEqualTo(1);
        assertThat(r.variants().stream().mapToDouble(ExperimentReport.VariantResult::revenue).sum()).isEqualTo(4.0);
    }

    @Test
    void theSurvivorOfAMergeKeepsItsAssignmentAndThePersonCountsOnce() {
        // find two anonymous ids whose profiles fall in different variants, so the merge crosses over
        String[] anon = new String[2];
        String[] profile = new String[2];
        for (int i = 0, found = 0; found < 2; i++) {
            EngineStep s = apply(events.track("Recommendation Shown").anon("a" + i).at(T0 + i).build());
            int v = engine.experimentVariant("ranking", s.profileId());
            if (anon[v] == null) {
                anon[v] = "a" + i;
                profile[v] = s.profileId();
                found++;
            }
        }
        long before = report().variants().stream().mapToLong(ExperimentReport.VariantResult::participants).sum();

        // both anonymous ids log in as one user: identity merges the two profiles, the older survives
        apply(events.identify().by("u9").anon(anon[0]).at(T0 + 1000).build());
        EngineStep merged = apply(events.identify().by("u9").anon(anon[1]).at(T0 + 1001).build());

        assertThat(merged.merges()).hasSize(1);
        String survivor = merged.profileId();
        int survivorVariant = engine.experimentVariant("ranking", survivor);
        assertThat(survivor).isEqualTo(profile[survivorVariant]);
        long after = report().variants().stream().mapToLong(ExperimentReport.VariantResult::participants).sum();
        assertThat(after).isEqualTo(before - 1);
        assertThat(report().variants().get(survivorVariant).crossovers()).isEqualTo(1);
        assertThat(engine.sharedModels().experiments().enrolledVariant("ranking", survivor))
                .isEqualTo(definition.experiments().byName("ranking").variants().get(survivorVariant).name());
    }

    @Test
    void aRestartedEngineAssignsAndReportsTheSame() {
        for (int i = 0; i < 50; i++) {
            apply(events.track("Recommendation Shown").by("u" + i).at(T0 + i).build());
            if (i % 3 == 0) {
                apply(events.track("Recommendation Clicked").by("u" + i).at(T0 + i).build());
            }
        }
        byte[] checkpoint = engine.sharedModels().encode();
        ProfileEngine restarted = new ProfileEngine(DefinitionLoader.parse(DEFINITION, "shop.yaml"));
        SharedModels shared = restarted.sharedModels();
        assertThat(shared.restore(checkpoint)).isTrue();

        assertThat(shared.experiments().report("ranking")).isEqualTo(report());
        assertThat(restarted.experimentVariant("ranking", profileOf("u7")))
                .isEqualTo(engine.experimentVariant("ranking", profileOf("u7")));
    }

    private String profileOf(String user) {
        return identities.profileOf(new dev.portrait.core.identity.Identifier("user_id", user)).orElseThrow();
    }
}
