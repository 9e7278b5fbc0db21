package dev.portrait.core.segment;

import dev.portrait.core.definition.CleaningPolicy;
import dev.portrait.core.definition.ConflictPolicy;
import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.definition.SegmentSpec;
import dev.portrait.core.definition.TraitSpec;
import dev.portrait.core.definition.TraitType;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;
import dev.portrait.core.feature.Feature;
import dev.portrait.core.feature.ValueType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentSetTest {

    /** Only a name and a value type matter to the segment compiler; the state algebra is not used. */
    private record Declared(String name, ValueType valueType) implements Feature<Object> {
        public String kind() { return "declared"; }
        public Set<String> events() { return Set.of(); }
        public boolean orderFree() { return true; }
        public Object empty() { return null; }
        public Object update(Object s, Event e) { return s; }
        public Object merge(Object a, Object b) { return a; }
        public Object read(Object s, long now) { return s; }
        public long nextChange(Object s, long now) { return Long.MAX_VALUE; }
        public Object copy(Object s) { return s; }
        public void encode(Object s, BinaryOut out) { }
        public Object decode(BinaryIn in) { return null; }
    }

    private static final List<Feature<?>> FEATURES = List.of(
            new Declared("views_24h", ValueType.INT),
            new Declared("orders_30d", ValueType.INT),
            new Declared("revenue_30d", ValueType.DOUBLE),
            new Declared("interest", ValueType.SCORES),
            new Declared("rfm", ValueType.STATS),
            new Declared("tags", ValueType.STRING_LIST));

    private static final Map<String, TraitSpec> TRAITS = Map.of(
            "plan", new TraitSpec("plan", TraitType.STRING, ConflictPolicy.LATEST, List.of(), false, "traits.plan"),
            "age", new TraitSpec("age", TraitType.INTEGER, ConflictPolicy.LATEST, List.of(), false, "traits.age"),
            "vip", new TraitSpec("vip", TraitType.BOOLEAN, ConflictPolicy.LATEST, List.of(), false, "traits.vip"));

    private static ProfileDefinition definition(String... conditions) {
        List<SegmentSpec> specs = new ArrayList<>();
        for (int i = 0; i < conditions.length; i++) {
            specs.add(new SegmentSpec("s" + i, conditions[i], null, "segments[" + i + "]"));
        }
        return new ProfileDefinition("test", 1, CleaningPolicy.defaults(), Map.of(), TRAITS, FEATURES, List.of(),
                specs, "test");
    }

    private static final class Inputs implements SegmentInputs {
        final Map<Integer, Object> features = new HashMap<>();
        final Map<String, Object> traits = new HashMap<>();

        public Object feature(int index) { return features.get(index); }
        public Object trait(String name) { return traits.get(name); }
    }

    @Test
    void aSegmentNamingAnUnknownFeatureFailsToLoadNamingIt() {
        assertThatThrownBy(() -> SegmentSet.compile(definition("features.views_24h > 1", "features.viewz_24h > 3")))
                .isInstanceOf(DefinitionException.class)
                .hasMessageContaining("segments[1].when")
                .hasMessageContaining("unknown feature 'viewz_24h'")
                .hasMessageContaining("views_24h");
    }

    @Test
    void aSegmentNamingAnUnknownTraitFailsToLoadNamingIt() {
        assertThatThrownBy(() -> SegmentSet.compile(definition("traits.tier == 'gold'")))
                .isInstanceOf(DefinitionException.class)
                .hasMessageContaining("segments[0].when: unknown trait 'tier'");
    }

    @Test
    void aTypeErrorFailsToLoad() {
        assertThatThrownBy(() -> SegmentSet.compile(definition("features.views_24h > 'many'")))
                .isInstanceOf(DefinitionException.class)
                .hasMessageContaining("segments[0].when: does not compile")
                .hasMessageContaining("_>_");
    }

    @Test
    void aConditionThatIsNotBooleanFailsToLoad() {
        assertThatThrownBy(() -> SegmentSet.compile(definition("features.views_24h + 1")))
                .isInstanceOf(DefinitionException.class)
                .hasMessageContaining("must be a condition (bool)");
    }

    @Test
    void conditionsTrackTheirInputs() {
        SegmentSet set = SegmentSet.compile(definition("features.views_24h > 3 && traits.plan == 'pro'"));
        assertThat(set.featureInputs(0).stream().toArray()).containsExactly(0);
        assertThat(set.traitInputs(0)).containsExactly("plan");
        assertThat(set.isFast(0)).isTrue();
    }

    @Test
    void aMissingTraitMakesTheConditionFalseUnlessAnOrDecidesWithoutIt() {
        SegmentSet set = SegmentSet.compile(definition("traits.plan == 'pro'",
                "traits.plan == 'pro' || features.views_24h > 3"));
        Inputs in = new Inputs();
        in.features.put(0, 5L);
        assertThat(set.evaluate(0, in)).isFalse();
        assertThat(set.evaluate(1, in)).isTrue();
    }

    private static final String[] EXPRESSIONS = {
        "features.views_24h > 3 && traits.plan == 'pro'",
        "features.revenue_30d >= 500.0 || features.orders_30d >= 3",
        "features.views_24h >= 20 && features.orders_30d == 0",
        "!(features.views_24h < 2) || traits.vip",
        "features.interest['shoes'] > 1.5",
        "'shoes' in features.interest && size(features.interest) >= 2",
        "features.rfm.recency_days >= 30.0 && features.rfm.frequency > 0.0",
        "features.views_24h / features.orders_30d > 2",
        "features.views_24h % features.orders_30d == 1",
        "features.views_24h * 4611686018427387904 > 0",
        "-features.views_24h < -3 ? traits.age >= 18 : traits.plan != 'free'",
        "double(features.views_24h) / 2.0 > features.revenue_30d",
        "int(features.revenue_30d) > features.orders_30d + 1",
        "size(features.tags) > 1 && 'new' in features.tags",
        "size(traits.plan) == 3",
        "features.tags[0] == 'new'",
        "traits.age > 30 && traits.vip == true",
        "features.revenue_30d - 10.0 < 0.0 || features.orders_30d - 1 == 0",
    };

    @Test
    void theFastPathAgreesWithTheCelRuntimeOnRandomInputs() {
        SegmentSet set = SegmentSet.compile(definition(EXPRESSIONS));
        for (int s = 0; s < set.size(); s++) {
            assertThat(set.isFast(s)).as("fast path for %s", EXPRESSIONS[s]).isTrue();
        }
        for (long seed = 1; seed <= 300; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Inputs in = randomInputs(random);
            for (int s = 0; s < set.size(); s++) {
                Object fast = set.evaluateFast(s, in);
                Object cel = set.evaluateWithCel(s, in);
                assertThat(fast).as("seed=%d expression=%s inputs=%s/%s", seed, EXPRESSIONS[s], in.features, in.traits)
                        .isEqualTo(cel);
            }
        }
    }

    private static Inputs randomInputs(SplittableRandom r) {
        Inputs in = new Inputs();
        maybe(r, () -> in.features.put(0, (long) r.nextInt(-2, 30)));
        maybe(r, () -> in.features.put(1, (long) r.nextInt(0, 4)));
        maybe(r, () -> in.features.put(2, r.nextInt(0, 3) == 0 ? 0.0 : r.nextDouble(0, 1000)));
        maybe(r, () -> {
            Map<String, Double> m = new LinkedHashMap<>();
            for (String k : new String[] {"shoes", "bags", "hats"}) {
                if (r.nextBoolean()) {
                    m.put(k, r.nextDouble(0, 3));
                }
            }
            in.features.put(3, m);
        });
        maybe(r, () -> {
            Map<String, Double> m = new LinkedHashMap<>();
            if (r.nextInt(4) > 0) {
                m.put("recency_days", (double) r.nextInt(0, 60));
            }
            m.put("frequency", (double) r.nextInt(0, 3));
            in.features.put(4, m);
        });
        maybe(r, () -> {
            List<String> tags = new ArrayList<>();
            int n = r.nextInt(0, 3);
            for (int i = 0; i < n; i++) {
                tags.add(r.nextBoolean() ? "new" : "sale");
            }
            in.features.put(5, tags);
        });
        maybe(r, () -> in.traits.put("plan", new String[] {"pro", "free", "team"}[r.nextInt(3)]));
        maybe(r, () -> in.traits.put("age", (long) r.nextInt(10, 60)));
        maybe(r, () -> in.traits.put("vip", r.nextBoolean()));
        return in;
    }

    private static void maybe(SplittableRandom r, Runnable put) {
        if (r.nextInt(6) > 0) {
            put.run();
        }
    }
}
