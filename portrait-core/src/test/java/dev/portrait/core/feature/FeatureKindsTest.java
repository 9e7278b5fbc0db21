package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FeatureKindsTest {
    /** A minimal valid entry for each kind. */
    private static final List<String> MINIMAL = List.of(
            "{name: n, kind: count}",
            "{name: n, kind: sum, property: price}",
            "{name: n, kind: min, property: price}",
            "{name: n, kind: max, property: price}",
            "{name: n, kind: mean, property: price}",
            "{name: n, kind: window_count, window: 24h}",
            "{name: n, kind: window_sum, window: 24h, property: price}",
            "{name: n, kind: ewma, property: price, alpha: 0.5}",
            "{name: n, kind: decayed_scores, key: category, halfLife: 7d}",
            "{name: n, kind: distinct_count, property: product_id}",
            "{name: n, kind: frequent_items, property: product_id}",
            "{name: n, kind: last_n, property: product_id}",
            "{name: n, kind: first_seen}",
            "{name: n, kind: last_seen}",
            "{name: n, kind: time_since}",
            "{name: n, kind: sessions}",
            "{name: n, kind: rfm, property: revenue, window: 365d}");

    @Test
    void everyKindTheDefinitionCanNameIsRegisteredExactlyOnce() {
        assertThat(FeatureKinds.all()).extracting(FeatureKind::name).containsExactly(
                "count", "sum", "min", "max", "mean", "window_count", "window_sum", "ewma", "decayed_scores",
                "distinct_count", "frequent_items", "last_n", "first_seen", "last_seen", "time_since",
                "sessions", "rfm", "tie_strength", "strong_ties", "degree", "reciprocity");
        for (FeatureKind kind : FeatureKinds.all()) {
            assertThat(FeatureKinds.byName(kind.name())).isSameAs(kind);
            assertThat(kind.description()).as(kind.name()).isNotBlank().endsWith(".");
        }
    }

    @Test
    void anUnknownKindIsNull() {
        assertThat(FeatureKinds.byName("windowcount")).isNull();
        assertThat(FeatureKinds.byName("")).isNull();
        assertThat(FeatureKinds.byName(null)).isNull();
    }

    @Test
    void theRegistryCannotBeChangedFromOutside() {
        assertThatThrownBy(() -> FeatureKinds.all().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void everyKindReportsItsNameKindAndEventsAndReadsEveryKeyItAccepts() {
        for (String yaml : MINIMAL) {
            Feature<Object> f = Specs.feature(yaml.replace("{name: n,", "{name: n, events: [Order Completed],"));
            String kind = Specs.spec(yaml).kind();
            assertThat(f.name()).isEqualTo("n");
            assertThat(f.kind()).isEqualTo(kind);
            assertThat(f.events()).as(kind).isEqualTo(Set.of("Order Completed"));
            assertThat(f.read(f.empty(), TestEvents.T0)).as(kind + " empty value")
                    .satisfiesAnyOf(v -> assertThat(v).isNull(), v -> assertThat(v).isIn(0L, 0.0),
                            v -> assertThat(v).isEqualTo(java.util.Map.of()),
                            v -> assertThat(v).isEqualTo(List.of()));
        }
    }

    @Test
    void aMisspeltParameterIsLeftUnreadSoTheLoaderRejectsIt() {
        assertThatThrownBy(() -> Specs.feature("{kind: window_count, window: 24h, tlie: 1h}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith("features[3].tlie: unknown key");
        assertThatThrownBy(() -> Specs.feature("{kind: decayed_scores, key: category, halfLife: 7d, topk: 5}"))
                .hasMessageStartingWith("features[3].topk: unknown key");
    }

    @Test
    void aMissingPropertyNamesItsPath() {
        for (String kind : List.of("sum", "min", "max", "mean", "window_sum", "ewma", "distinct_count",
                "frequent_items", "last_n", "rfm")) {
            String yaml = "{kind: " + kind + ", window: 7d, alpha: 0.5}";
            assertThatThrownBy(() -> Specs.feature(yaml)).as(kind)
                    .isInstanceOf(DefinitionException.class)
                    .hasMessage("features[3].property: is required");
        }
    }

    @Test
    void durationsThatAreNotDurationsNameTheirPath() {
        assertThatThrownBy(() -> Specs.feature("{kind: window_count, window: 7x}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("features[3].window: \"7x\" is not a duration (like 90s, 15m, 24h, 7d, 2w)");
        assertThatThrownBy(() -> Specs.feature("{kind: sessions, gap: soon}"))
                .hasMessageStartingWith("features[3].gap: \"soon\" is not a duration");
        assertThatThrownBy(() -> Specs.feature("{kind: decayed_scores, key: brand, halfLife: 0d}"))
                .hasMessage("features[3].halfLife: \"0d\" must be longer than zero");
        assertThatThrownBy(() -> Specs.feature("{kind: time_since, unit: day}"))
                .hasMessageStartingWith("features[3].unit: \"day\" is not a duration");
    }
}
