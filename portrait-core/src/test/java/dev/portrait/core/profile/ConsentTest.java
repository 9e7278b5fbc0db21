package dev.portrait.core.profile;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;
import dev.portrait.core.segment.SegmentTransition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Consent in the fold: Segment's {@code context.consent.categoryPreferences} kept per person with
 * provenance; fields tagged with a purpose fed only with consent (what is withheld is counted); a
 * withdrawal clears the purpose's fields; replay stays deterministic.
 */
class ConsentTest {
    static final String YAML = """
            name: consent-test
            purposes:
              analytics: {}
              personalization: {categories: [Personalization, C0003]}
              advertising: {categories: [Advertising], default: denied}
            traits:
              plan: {type: string}
              favourite_brand: {type: string, purposes: [personalization]}
            features:
              - {name: views, kind: count, events: [Product Viewed]}
              - {name: views_for_ads, kind: count, events: [Product Viewed], purposes: [advertising]}
              - {name: views_personal, kind: count, events: [Product Viewed], purposes: [personalization, analytics]}
            segments:
              - {name: regular, when: features.views_personal >= 2}
            """;
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private final ProfileDefinition definition = DefinitionLoader.parse(YAML, "consent-test.yaml");
    private final ProfileUpdater updater = new ProfileUpdater(definition);
    private int next;

    @Test
    void withoutAConsentObjectEachPurposeHasItsDeclaredDefault() {
        Profile p = updater.newProfile("p1");
        int withheld = 0;
        for (int i = 0; i < 3; i++) {
            withheld += updater.applyInPlace(p, view(ofMinutes(i), null)).withheld();
        }
        Map<String, Object> f = updater.featureValues(p, p.clock());
        assertThat(f.get("views")).isEqualTo(3L);
        assertThat(f.get("views_personal")).isEqualTo(3L);
        assertThat(f.get("views_for_ads")).as("advertising is opt-in").isEqualTo(0L);
        assertThat(withheld).as("one withheld update per event, counted").isEqualTo(3);
    }

    @Test
    void optingInFeedsThePurposeFromThatEventOn() {
        Profile p = updater.newProfile("p1");
        updater.applyInPlace(p, view(ofMinutes(0), null));
        UpdateResult r = updater.applyInPlace(p, view(ofMinutes(1), Map.of("Advertising", true)));
        updater.applyInPlace(p, view(ofMinutes(2), null));
        assertThat(r.withheld()).isZero();
        assertThat(updater.featureValues(p, p.clock()).get("views_for_ads")).isEqualTo(2L);
        TraitValue consent = p.traits().get("consent.advertising");
        assertThat(consent.value()).isEqualTo(true);
        assertThat(consent.source()).isEqualTo("browser");
        assertThat(consent.time()).isEqualTo(T0.plus(ofMinutes(1)).toEpochMilli());
        assertThat(r.changes()).anyMatch(c -> c.field().equals("traits.consent.advertising"));
    }

    @Test
    void withdrawingConsentClearsThePurposesFeaturesAndTraitsAndLeavesItsSegments() {
        Profile p = updater.newProfile("p1");
        updater.applyInPlace(p, view(ofMinutes(0), null));
        updater.applyInPlace(p, view(ofMinutes(1), null));
        updater.applyInPlace(p, identify(ofMinutes(2), "favourite_brand", "acme", "plan", "pro"));
        assertThat(updater.segmentNames(p)).containsExactly("regular");
        assertThat(p.traits()).containsKey("favourite_brand");

        UpdateResult withdrawn = updater.applyInPlace(p, view(ofMinutes(3), Map.of("C0003", false)));
        Map<String, Object> f = updater.featureValues(p, p.clock());
        assertThat(f.get("views_personal")).isEqualTo(0L);
        assertThat(f.get("views")).isEqualTo(3L);
        assertThat(p.traits()).doesNotContainKey("favourite_brand").containsKey("plan");
        assertThat(updater.segmentNames(p)).isEmpty();
        assertThat(withdrawn.transitions()).extracting(SegmentTransition::segment).containsExactly("regular");
        assertThat(withdrawn.changes()).anyMatch(c -> c.field().equals("features.views_personal"))
                .anyMatch(c -> c.field().equals("traits.favourite_brand") && c.newValue() == null);
        assertThat(withdrawn.withheld()).as("its own view is withheld too (ads and personal)").isEqualTo(2);

        UpdateResult later = updater.applyInPlace(p, identify(ofMinutes(4), "favourite_brand", "zeta"));
        assertThat(later.withheld()).isEqualTo(1);
        assertThat(p.traits()).doesNotContainKey("favourite_brand");
    }

    @Test
    void aLateEventDoesNotOverrideNewerConsentAndARefusalWinsATie() {
        Profile p = updater.newProfile("p1");
        updater.applyInPlace(p, view(ofMinutes(10), Map.of("Personalization", false)));
        updater.applyInPlace(p, view(ofMinutes(5), Map.of("Personalization", true)));
        assertThat(p.traits().get("consent.personalization").value()).isEqualTo(false);
        updater.applyInPlace(p, view(ofMinutes(20), Map.of("Personalization", true)));
        updater.applyInPlace(p, view(ofMinutes(20), Map.of("Personalization", false)));
        updater.applyInPlace(p, view(ofMinutes(20), Map.of("Personalization", true)));
        assertThat(p.traits().get("consent.personalization").value()).isEqualTo(false);
    }

    @Test
    void aPurposeWithSeveralCategoriesNeedsEveryMentionedOne() {
        Profile p = updater.newProfile("p1");
        updater.applyInPlace(p, view(ofMinutes(0), Map.of("Personalization", true, "C0003", false)));
        assertThat(p.traits().get("consent.personalization").value()).isEqualTo(false);
        updater.applyInPlace(p, view(ofMinutes(1), Map.of("Analytics", "yes")));
        assertThat(p.traits()).as("a non-boolean preference says nothing").doesNotContainKey("consent.analytics");
    }

    @Test
    void anIdentifyCallsOwnTraitsCannotSetConsent() {
        Profile p = updater.newProfile("p1");
        updater.applyInPlace(p, identify(ofMinutes(0), "consent.advertising", true));
        assertThat(p.traits()).doesNotContainKey("consent.advertising");
        updater.applyInPlace(p, view(ofMinutes(1), null));
        assertThat(updater.featureValues(p, p.clock()).get("views_for_ads")).isEqualTo(0L);
    }

    @Test
    void replayingTheSameEventsGivesByteIdenticalProfiles() {
        long seed = 0xc0;
        SplittableRandom random = new SplittableRandom(seed);
        List<Event> stream = new ArrayList<>();
        String[] categories = {"Personalization", "C0003", "Advertising", "Analytics"};
        for (int i = 0; i < 400; i++) {
            Duration at = ofMinutes(random.nextInt(600));
            Map<String, Object> consent = random.nextInt(4) == 0
                    ? Map.of(categories[random.nextInt(4)], random.nextBoolean()) : null;
            stream.add(random.nextInt(5) == 0 ? identify(at, "favourite_brand", "b" + random.nextInt(3))
                    : view(at, consent));
        }
        ProfileCodec codec = new ProfileCodec(updater);
        byte[] first = codec.encode(fold(stream));
        byte[] again = codec.encode(fold(stream));
        assertThat(Arrays.equals(first, again)).as("seed %d", seed).isTrue();
        Profile pure = updater.newProfile("p1");
        for (Event e : stream) {
            pure = updater.apply(pure, e).profile();
        }
        assertThat(codec.encode(pure)).as("seed %d: apply and applyInPlace agree", seed).isEqualTo(first);
        assertThat(codec.decode(first).traits()).isEqualTo(fold(stream).traits());
    }

    @Test
    void aDefinitionWithoutPurposesWithholdsNothing() {
        ProfileUpdater plain = new ProfileUpdater(DefinitionLoader.defaultEcommerce());
        Profile p = plain.newProfile("p1");
        assertThat(plain.applyInPlace(p, view(ofMinutes(0), Map.of("Advertising", false))).withheld()).isZero();
        assertThat(p.traits()).isEmpty();
    }

    @Test
    void purposeErrorsNameTheirPath() {
        assertThatThrownBy(() -> DefinitionLoader.parse(YAML.replace("purposes: [advertising]}", "purposes: [ads]}"), "x"))
                .isInstanceOf(DefinitionException.class).hasMessageContaining("features[1].purposes[0]")
                .hasMessageContaining("\"ads\" is not a declared purpose");
        assertThatThrownBy(() -> DefinitionLoader.parse(YAML.replace("purposes: [personalization]}", "purposes: [x]}"), "x"))
                .hasMessageContaining("traits.favourite_brand.purposes[0]");
        assertThatThrownBy(() -> DefinitionLoader.parse(YAML.replace("default: denied", "default: maybe"), "x"))
                .hasMessageContaining("purposes.advertising.default");
        assertThatThrownBy(() -> DefinitionLoader.parse(YAML.replace("analytics: {}", "Analytics: {}"), "x"))
                .hasMessageContaining("purposes.Analytics");
        assertThatThrownBy(() -> DefinitionLoader.parse(YAML.replace("{categories: [Advertising], default: denied}",
                "{categories: []}"), "x")).hasMessageContaining("purposes.advertising.categories");
        assertThatThrownBy(() -> DefinitionLoader.parse("name: x\nfeatures:\n  - {name: v, kind: count, purposes: [a]}\n", "x"))
                .hasMessageContaining("features[0].purposes[0]").hasMessageContaining("declared: none");
    }

    private Profile fold(List<Event> stream) {
        Profile p = updater.newProfile("p1");
        for (Event e : stream) {
            updater.applyInPlace(p, e);
        }
        return p;
    }

    private Event view(Duration at, Map<String, Object> preferences) {
        Map<String, Object> context = preferences == null ? Map.of()
                : Map.of("consent", Map.of("categoryPreferences", preferences));
        return new Event(EventType.TRACK, "m" + (++next), "u1", null, "Product Viewed", null, null, null,
                Map.of("product_id", "p" + next), Map.of(), context, T0.plus(at), null, null, null,
                Map.of("channel", "browser"));
    }

    private Event identify(Duration at, Object... traits) {
        return new Event(EventType.IDENTIFY, "m" + (++next), "u1", null, null, null, null, null, Map.of(),
                TestEvents.map(traits), Map.of(), T0.plus(at), null, null, null, Map.of("channel", "server"));
    }
}
