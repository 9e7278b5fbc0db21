package dev.portrait.core.engine;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.model.ModelUpdate;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The models learn only from people who consent to the models' purposes, and forget them when it is withdrawn. */
class ConsentInTheEngineTest {
    private static final String YAML = """
            name: consent-models
            purposes:
              personalization: {categories: [Personalization]}
            features:
              - {name: views, kind: count, events: [Product Viewed]}
            models:
              purposes: [personalization]
              recommender:
                interactions: {Product Viewed: 1}
            """;
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final ProfileEngine engine = new ProfileEngine(DefinitionLoader.parse(YAML, "consent-models.yaml"));
    private final InMemoryIdentityStore identities = new InMemoryIdentityStore();
    private final ProfileTable profiles = ProfileTable.inMemory();
    private int next;

    @Test
    void theModelsLearnOnlyWithConsentAndForgetAWithdrawal() {
        EngineStep granted = engine.apply(view("u1", "p1", null), identities, profiles);
        assertThat(granted.modelUpdates()).as("granted by default").isNotEmpty();
        assertThat(granted.fold().withheld()).isZero();
        engine.apply(view("u1", "p2", null), identities, profiles);

        EngineStep withdrawn = engine.apply(view("u1", "p3", false), identities, profiles);
        assertThat(withdrawn.fold().withheld()).as("the model update withheld, counted").isEqualTo(1);
        // the withdrawing event teaches nothing; forgetting the person's model state emits what a forget
        // emits (only a suspected bot leaves a count), nothing here
        assertThat(withdrawn.modelUpdates()).as("nothing learned from the withdrawing event").isEmpty();
        assertThat(engine.apply(view("u1", "p4", null), identities, profiles).modelUpdates())
                .as("still withheld").isEmpty();

        EngineStep other = engine.apply(view("u2", "p1", null), identities, profiles);
        assertThat(other.modelUpdates()).as("another person is not affected").isNotEmpty();
        List<ModelUpdate> regranted = engine.apply(view("u1", "p5", true), identities, profiles).modelUpdates();
        assertThat(regranted).isNotEmpty();
    }

    @Test
    void aModelsPurposeMustBeDeclared() {
        assertThatThrownBy(() -> DefinitionLoader.parse(YAML.replace("purposes: [personalization]", "purposes: [ads]"), "x"))
                .isInstanceOf(DefinitionException.class).hasMessageContaining("models.purposes[0]");
    }

    private Event view(String user, String product, Boolean personalization) {
        Map<String, Object> context = personalization == null ? Map.of()
                : Map.of("consent", Map.of("categoryPreferences", Map.of("Personalization", personalization)));
        next++;
        return new Event(EventType.TRACK, "m" + next, user, null, "Product Viewed", null, null, null,
                Map.of("product_id", product), Map.of(), context, T0.plusSeconds(next), null, null, null, Map.of());
    }
}
