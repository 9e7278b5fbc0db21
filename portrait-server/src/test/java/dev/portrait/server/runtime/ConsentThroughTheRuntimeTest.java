package dev.portrait.server.runtime;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consent end to end in the embedded runtime: the consent object survives cleaning and the log, the fold
 * withholds and counts, a withdrawal clears, and the profile read shows consent with its provenance.
 */
class ConsentThroughTheRuntimeTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final String YAML = """
            name: consent-runtime
            purposes:
              personalization: {categories: [Personalization]}
              advertising: {categories: [Advertising], default: denied}
            features:
              - {name: views, kind: count, events: [Product Viewed]}
              - {name: views_for_ads, kind: count, events: [Product Viewed], purposes: [advertising]}
              - {name: views_personal, kind: count, events: [Product Viewed], purposes: [personalization]}
            """;
    private int next;

    @Test
    void consentSurvivesTheLogAndGatesTheFold() {
        ProfileDefinition definition = DefinitionLoader.parse(YAML, "consent-runtime.yaml");
        PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults());
        try (EmbeddedRuntime runtime = EmbeddedRuntime.start(store, definition, InstantSource.fixed(NOW),
                RuntimeOptions.defaults(), IngestCounters.NONE)) {
            runtime.ingest(List.of(view(null, 0), view(null, 1), view(Map.of("Advertising", true), 2), view(null, 3)));
            runtime.flush();
            ProfileView before = runtime.profile("user_id", "u1", null).orElseThrow();
            assertThat(before.features()).containsEntry("views", 4L).containsEntry("views_for_ads", 2L)
                    .containsEntry("views_personal", 4L);
            assertThat(before.traits().get("consent.advertising")).containsEntry("value", true)
                    .containsEntry("source", "browser");
            assertThat(runtime.withheldByConsent()).as("two views before opting in to advertising").isEqualTo(2);

            runtime.ingest(List.of(view(Map.of("Personalization", false), 4), view(null, 5)));
            runtime.flush();
            ProfileView after = runtime.profile("user_id", "u1", null).orElseThrow();
            assertThat(after.features()).containsEntry("views", 6L).containsEntry("views_personal", 0L)
                    .containsEntry("views_for_ads", 4L);
            assertThat(runtime.withheldByConsent()).isEqualTo(4);
        } finally {
            store.close();
        }
    }

    private IncomingEvent view(Map<String, Object> preferences, int second) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "track");
        json.put("messageId", "m" + (++next));
        json.put("userId", "u1");
        json.put("event", "Product Viewed");
        json.put("channel", "browser");
        json.put("properties", Map.of("product_id", "p" + next));
        if (preferences != null) {
            json.put("context", Map.of("consent", Map.of("categoryPreferences", preferences)));
        }
        json.put("timestamp", NOW.minusSeconds(60).plusSeconds(second).toString());
        return new IncomingEvent(json, json.toString().getBytes(StandardCharsets.UTF_8), NOW, next - 1);
    }
}
