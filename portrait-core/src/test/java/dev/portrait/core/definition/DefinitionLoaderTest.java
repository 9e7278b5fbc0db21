package dev.portrait.core.definition;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DefinitionLoaderTest {

    private static final String MINIMAL = """
            name: t
            events:
              Product Viewed:
                properties:
                  price: {type: number, min: 0}
            traits:
              plan: {type: string, policy: source_priority, sources: [backoffice, server]}
            features:
              - {name: views_24h, kind: window_count, events: [Product Viewed], window: 24h}
              - {name: spend, kind: sum, events: [Order Completed], property: revenue}
            segments:
              - {name: busy, when: "features.views_24h > 3"}
            """;

    @Test
    void theShippedEcommerceDefinitionLoads() {
        ProfileDefinition d = DefinitionLoader.defaultEcommerce();
        assertThat(d.name()).isEqualTo("default-ecommerce");
        assertThat(d.events()).containsKeys("Products Searched", "Product Viewed", "Product Added", "Product Removed",
                "Checkout Started", "Order Completed", "Product Added to Wishlist", "Product Reviewed");
        assertThat(d.features()).extracting(f -> f.name()).contains("views_1h", "views_24h", "views_7d", "views_30d",
                "orders_1h", "orders_24h", "orders_7d", "orders_30d", "revenue_30d", "revenue_lifetime",
                "order_value_ewma", "interest_category", "interest_brand", "distinct_products_viewed",
                "recently_viewed", "first_seen", "last_seen", "sessions", "rfm");
        assertThat(d.segments()).extracting(SegmentSpec::name).contains("high_value", "window_shopper", "churn_risk",
                "new_user");
        assertThat(d.identity()).extracting(IdentityRule::type).containsExactly("user_id", "email", "device_id",
                "anonymous_id");
        assertThat(d.fingerprint()).hasSize(16);
    }

    @Test
    void aMinimalDefinitionLoadsWithDefaults() {
        ProfileDefinition d = DefinitionLoader.parse(MINIMAL, "t.yaml");
        assertThat(d.cleaning()).isEqualTo(CleaningPolicy.defaults());
        assertThat(d.identity()).extracting(IdentityRule::type).contains("user_id", "anonymous_id");
        assertThat(d.traits().get("plan").rank("server")).isEqualTo(1);
        assertThat(d.featureIndex("spend")).isEqualTo(1);
    }

    static java.util.stream.Stream<String[]> brokenDefinitions() {
        return java.util.stream.Stream.of(
            new String[] {"window: 24h", "window: 7x", "features[0].window: \"7x\" is not a duration"},
            new String[] {"kind: window_count, events", "kind: window_cnt, events", "features[0].kind: \"window_cnt\" is not a feature kind"},
            new String[] {"features.views_24h > 3", "features.viewz_24h > 3", "segments[0].when: unknown feature 'viewz_24h'"},
            new String[] {"features.views_24h > 3", "features.views_24h > 'x'", "segments[0].when: does not compile"},
            new String[] {"policy: source_priority, sources: [backoffice, server]", "policy: source_priority", "traits.plan: policy source_priority needs a sources list"},
            new String[] {"policy: source_priority", "policy: loudest", "traits.plan.policy: \"loudest\" is not one of [latest, first, source_priority]"},
            new String[] {"{type: number, min: 0}", "{type: number, min: 0, mni: 3}", "events.\"Product Viewed\".properties.price.mni: unknown key"},
            new String[] {"property: revenue}", "property: revenue, windw: 3d}", "features[1].windw: unknown key"},
            new String[] {"name: t", "name: t\nversion: -1", "version: -1 is outside"},
            new String[] {"{name: busy,", "{name: Busy,", "segments[0].name: \"Busy\" is not a valid segment name"});
    }

    @ParameterizedTest(name = "{2}")
    @org.junit.jupiter.params.provider.MethodSource("brokenDefinitions")
    void everyErrorNamesThePathAndTheReason(String replace, String with, String expected) {
        String yaml = MINIMAL.replace(replace, with.replace("\\n", "\n"));
        assertThat(yaml).isNotEqualTo(MINIMAL);
        assertThatThrownBy(() -> DefinitionLoader.parse(yaml, "t.yaml"))
                .isInstanceOf(DefinitionException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void aFeatureDeclaredTwiceIsRejected() {
        String yaml = MINIMAL.replace("name: spend", "name: views_24h");
        assertThatThrownBy(() -> DefinitionLoader.parse(yaml, "t.yaml"))
                .hasMessageContaining("features[1].name: \"views_24h\" is declared twice");
    }

    @Test
    void brokenYamlSaysWhere() {
        assertThatThrownBy(() -> DefinitionLoader.parse("name: [unclosed", "broken.yaml"))
                .isInstanceOf(DefinitionException.class)
                .hasMessageContaining("broken.yaml is not valid YAML");
    }

    @Test
    void maxPastAgeNoneDisablesTheCheck() {
        ProfileDefinition d = DefinitionLoader.parse(MINIMAL + "cleaning: {maxPastAge: none}\n", "t.yaml");
        assertThat(d.cleaning().maxPastAge()).isNull();
    }
}
