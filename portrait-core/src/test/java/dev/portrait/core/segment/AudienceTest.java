package dev.portrait.core.segment;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AudienceTest {
    private static final ProfileDefinition DEF = DefinitionLoader.defaultEcommerce();
    private static final SegmentSet SEGMENTS = SegmentSet.compile(DEF);
    private static final List<String> NAMES = names();
    private static final String[] WHERE = {null, "traits.country == 'DE'", "traits.age >= 30 && traits.country != 'FR'",
        "features.views_24h > 2", "traits.age < 25 || features.views_24h == 0"};
    private static final String[] COUNTRIES = {"DE", "FR", "US"};

    private static List<String> names() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < SEGMENTS.size(); i++) {
            out.add(SEGMENTS.name(i));
        }
        return out;
    }

    /** One synthetic person: segment memberships and the inputs the condition reads. */
    private record Person(boolean[] in, String country, Long age, long views) implements SegmentInputs {
        @Override
        public Object feature(int index) {
            return index == DEF.featureIndex("views_24h") ? views : null;
        }

        @Override
        public Object trait(String name) {
            return name.equals("country") ? country : name.equals("age") ? age : null;
        }
    }

    private static final class Bitmaps implements MemberBitmaps {
        final Map<String, RoaringBitmap> members = new HashMap<>();
        final RoaringBitmap everyone = new RoaringBitmap();

        @Override
        public RoaringBitmap members(String segment) {
            return members.get(segment);
        }

        @Override
        public RoaringBitmap everyone() {
            return everyone;
        }
    }

    @Test
    void countsEqualABruteForceCountOnRandomCombinationsAndConditions() {
        for (long seed = 1; seed <= 40; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int people = 1 + random.nextInt(3_000);
            Person[] persons = new Person[people];
            Bitmaps bitmaps = new Bitmaps();
            NAMES.forEach(n -> bitmaps.members.put(n, new RoaringBitmap()));
            for (int p = 0; p < people; p++) {
                // sparse numbering, as after profiles were forgotten or merged away
                int number = p * 3 + random.nextInt(3);
                boolean[] in = new boolean[NAMES.size()];
                for (int s = 0; s < in.length; s++) {
                    in[s] = random.nextDouble() < 0.1 + 0.1 * s;
                    if (in[s]) {
                        bitmaps.members.get(NAMES.get(s)).add(number);
                    }
                }
                persons[p] = new Person(in, random.nextInt(5) == 0 ? null : COUNTRIES[random.nextInt(3)],
                        random.nextInt(6) == 0 ? null : (long) (16 + random.nextInt(60)), random.nextInt(5));
                bitmaps.everyone.add(number);
            }
            Map<Integer, Person> byNumber = new HashMap<>();
            int at = 0;
            for (int number : bitmaps.everyone) {
                byNumber.put(number, persons[at++]);
            }
            for (int q = 0; q < 25; q++) {
                List<Integer> all = pick(random);
                List<Integer> any = pick(random);
                List<Integer> none = pick(random);
                String where = WHERE[random.nextInt(WHERE.length)];
                Audience audience = Audience.compile(new AudienceSpec(names(all), names(any), names(none), where),
                        NAMES, SEGMENTS);
                long counted = 0;
                RoaringBitmap candidates = audience.candidates(bitmaps);
                for (int number : candidates) {
                    if (audience.test(byNumber.get(number))) {
                        counted++;
                    }
                }
                long expected = 0;
                for (Person p : persons) {
                    boolean ok = all.stream().allMatch(s -> p.in()[s])
                            && (any.isEmpty() || any.stream().anyMatch(s -> p.in()[s]))
                            && none.stream().noneMatch(s -> p.in()[s])
                            && (where == null || SEGMENTS.condition(where, "where").test(p));
                    expected += ok ? 1 : 0;
                }
                assertThat(counted).as("seed %d, all %s any %s none %s where %s", seed, all, any, none, where)
                        .isEqualTo(expected);
            }
        }
    }

    private static List<Integer> pick(SplittableRandom random) {
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s < NAMES.size(); s++) {
            if (random.nextInt(5) == 0) {
                out.add(s);
            }
        }
        return out;
    }

    private static List<String> names(List<Integer> indexes) {
        return indexes.stream().map(NAMES::get).toList();
    }

    @Test
    void candidatesLeaveTheBitmapsTheyReadAlone() {
        Bitmaps bitmaps = new Bitmaps();
        bitmaps.members.put("high_value", RoaringBitmap.bitmapOf(1, 2, 3));
        bitmaps.members.put("new_user", RoaringBitmap.bitmapOf(2, 3, 4));
        bitmaps.everyone.add(1, 2, 3, 4, 5);
        Audience a = Audience.compile(new AudienceSpec(List.of("high_value"), null, List.of("new_user"), null),
                List.of("high_value", "new_user"), SEGMENTS);
        assertThat(a.candidates(bitmaps).toArray()).containsExactly(1);
        Audience everyoneButNew = Audience.compile(new AudienceSpec(null, null, List.of("new_user"), null),
                List.of("high_value", "new_user"), SEGMENTS);
        assertThat(everyoneButNew.candidates(bitmaps).toArray()).containsExactly(1, 5);
        assertThat(bitmaps.members.get("high_value").toArray()).containsExactly(1, 2, 3);
        assertThat(bitmaps.everyone.getCardinality()).isEqualTo(5);
    }

    @Test
    void anUnknownSegmentIsNamedByItsPlaceInTheRequest() {
        assertThatThrownBy(() -> Audience.compile(new AudienceSpec(List.of("high_value"), List.of("new_user", "vip"),
                null, null), NAMES, SEGMENTS))
                .isInstanceOf(PortraitException.class)
                .hasMessageContaining("'vip'")
                .satisfies(e -> {
                    assertThat(((PortraitException) e).code()).isEqualTo("unknown_segment");
                    assertThat(((PortraitException) e).path()).isEqualTo("any[1]");
                });
    }

    @Test
    void aConditionThatDoesNotCompileIsAnInvalidAudienceAtWhere() {
        assertThatThrownBy(() -> Audience.compile(new AudienceSpec(null, null, null, "traits.tier == 'gold'"),
                NAMES, SEGMENTS))
                .isInstanceOf(PortraitException.class)
                .hasMessageContaining("unknown trait 'tier'")
                .satisfies(e -> {
                    assertThat(((PortraitException) e).code()).isEqualTo("invalid_audience");
                    assertThat(((PortraitException) e).path()).isEqualTo("where");
                });
        assertThatThrownBy(() -> Audience.compile(new AudienceSpec(null, null, null, "traits.age + 1"), NAMES, SEGMENTS))
                .hasMessageContaining("must be a condition (bool)");
    }
}
