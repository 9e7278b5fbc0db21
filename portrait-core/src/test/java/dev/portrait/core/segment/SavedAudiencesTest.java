package dev.portrait.core.segment;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SavedAudiencesTest {
    private static final ProfileDefinition DEF = DefinitionLoader.defaultEcommerce();
    private static final ProfileEngine ENGINE = new ProfileEngine(DEF);
    private static final ProfileUpdater UPDATER = ENGINE.updater();
    private static final SegmentSet SEGMENTS = UPDATER.segments();
    private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    private static final String[] WHERE = {null, "traits.country == 'DE'", "traits.age >= 30 && traits.country != 'FR'",
        "features.views_24h > 2", "traits.age < 25 || features.views_24h == 0", "features.revenue_30d > 40.0"};
    private static final String[] COUNTRIES = {"DE", "FR", "US"};

    private static AudienceSpec spec(List<String> all, List<String> any, List<String> none, String where) {
        return new AudienceSpec(all, any, none, where);
    }

    private static PortraitException refused(Runnable r) {
        try {
            r.run();
        } catch (PortraitException e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Test
    void aNameMustFollowTheSegmentNameRules() {
        SavedAudiences none = SavedAudiences.none(SEGMENTS);
        for (String bad : new String[] {"Big", "1st", "with-dash", "", "a".repeat(65), "count me"}) {
            PortraitException e = refused(() -> none.saving(bad, spec(null, null, null, null), 0, T0));
            assertThat(e.code()).as(bad).isEqualTo("invalid_audience");
            assertThat(e.path()).isEqualTo("name");
        }
        assertThat(none.saving("a".repeat(64), spec(null, null, null, null), 0, T0).liveNames()).hasSize(1);
    }

    @Test
    void aNameTheDefinitionUsesIsRefusedAsAClash() {
        PortraitException e = refused(() -> SavedAudiences.none(SEGMENTS).saving("high_value",
                spec(List.of("new_user"), null, null, null), 0, T0));
        assertThat(e.code()).isEqualTo("segment_exists");
        assertThat(e.getMessage()).contains("definition has a segment called 'high_value'");
    }

    @Test
    void unknownSegmentsBadConditionsSelfReferenceAndALiveNameAreRefusedWithTheirPlace() {
        SavedAudiences one = SavedAudiences.none(SEGMENTS).saving("buyers", spec(List.of("high_value"), null, null, null), 3, T0);
        PortraitException unknown = refused(() -> one.saving("x", spec(List.of("high_value"), List.of("new_user", "vip"),
                null, null), 4, T0));
        assertThat(unknown.code()).isEqualTo("unknown_segment");
        assertThat(unknown.path()).isEqualTo("any[1]");
        assertThat(unknown.getMessage()).contains("'vip'").contains("buyers");
        PortraitException where = refused(() -> one.saving("x", spec(null, null, null, "traits.tier == 'gold'"), 4, T0));
        assertThat(where.code()).isEqualTo("invalid_audience");
        assertThat(where.path()).isEqualTo("where");
        PortraitException self = refused(() -> one.saving("loop", spec(null, null, List.of("loop"), null), 4, T0));
        assertThat(self.code()).isEqualTo("audience_cycle");
        PortraitException taken = refused(() -> one.saving("buyers", spec(List.of("new_user"), null, null, null), 4, T0));
        assertThat(taken.code()).isEqualTo("audience_exists");
    }

    @Test
    void anAudienceAnotherOneNamesCannotBeDeletedUntilThatOneIs() {
        SavedAudiences two = SavedAudiences.none(SEGMENTS)
                .saving("buyers", spec(List.of("high_value"), null, null, null), 3, T0)
                .saving("german_buyers", spec(List.of("buyers"), null, null, "traits.country == 'DE'"), 5, T0 + 1);
        PortraitException inUse = refused(() -> two.deleting("buyers", 6, T0 + 2));
        assertThat(inUse.code()).isEqualTo("audience_in_use");
        assertThat(inUse.getMessage()).contains("german_buyers");
        SavedAudiences after = two.deleting("german_buyers", 6, T0 + 2).deleting("buyers", 7, T0 + 3);
        assertThat(after.liveNames()).isEmpty();
        assertThat(after.generations()).isEqualTo(2); // tombstones, for replays
        assertThat(refused(() -> after.deleting("buyers", 8, T0 + 4)).code()).isEqualTo("unknown_audience");
        // the name is free again: a new generation
        assertThat(after.saving("buyers", spec(List.of("new_user"), null, null, null), 9, T0 + 5).generations()).isEqualTo(3);
    }

    @Test
    void storedGenerationsThatNoLongerCompileAreKeptAsBrokenNotRefused() {
        SavedAudience gone = SavedAudience.saved("vips", spec(List.of("vip"), null, null, null), 1, T0);
        SavedAudience after = SavedAudience.saved("vip_de", spec(List.of("vips"), null, null, null), 2, T0);
        SavedAudiences loaded = SavedAudiences.of(SEGMENTS, List.of(after, gone));
        assertThat(loaded.broken(0)).contains("'vip'");
        assertThat(loaded.broken(1)).contains("'vips'");
        assertThat(loaded.liveGenerations().isEmpty()).isTrue();
    }

    /**
     * The brute force: for seeded random people (real profiles folded from random events) and random saved
     * audiences — some naming audiences saved before them — each person's membership, evaluated from their profile
     * alone, equals {@link Audience}'s count over bitmaps of the same people.
     */
    @Test
    void membershipEvaluatedPerProfileEqualsTheAudienceCountOverBitmaps() {
        for (long seed = 1; seed <= 12; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            List<Profile> people = people(random, 150 + random.nextInt(250));
            long now = T0 + 2 * 86_400_000L;
            SavedAudiences audiences = SavedAudiences.none(SEGMENTS);
            List<String> names = new ArrayList<>();
            for (int s = 0; s < SEGMENTS.size(); s++) {
                names.add(SEGMENTS.name(s));
            }
            int saved = 6 + random.nextInt(6);
            for (int a = 0; a < saved; a++) {
                audiences = audiences.saving("aud_" + a, new AudienceSpec(pick(random, names), pick(random, names),
                        pick(random, names), WHERE[random.nextInt(WHERE.length)]), a, T0);
                names.add("aud_" + a);
            }
            // per profile, from the profile alone
            BitSet live = audiences.liveGenerations();
            List<BitSet> membership = new ArrayList<>();
            for (Profile p : people) {
                membership.add(audiences.evaluate(p, UPDATER.inputs(p, now), live, new BitSet()));
            }
            // over bitmaps: definition segments from the profiles, each saved audience's members from the count
            Map<String, RoaringBitmap> bitmaps = new HashMap<>();
            RoaringBitmap everyone = new RoaringBitmap();
            for (int n = 0; n < people.size(); n++) {
                everyone.add(n);
                for (int s = 0; s < SEGMENTS.size(); s++) {
                    if (people.get(n).inSegment(s)) {
                        bitmaps.computeIfAbsent(SEGMENTS.name(s), k -> new RoaringBitmap()).add(n);
                    }
                }
            }
            for (int s = 0; s < SEGMENTS.size(); s++) {
                bitmaps.putIfAbsent(SEGMENTS.name(s), new RoaringBitmap());
            }
            MemberBitmaps view = new MemberBitmaps() {
                @Override
                public RoaringBitmap members(String segment) {
                    return bitmaps.get(segment);
                }

                @Override
                public RoaringBitmap everyone() {
                    return everyone;
                }
            };
            for (int g = 0; g < audiences.generations(); g++) {
                SavedAudience a = audiences.generation(g);
                Audience counted = Audience.compile(a.spec(), bitmaps.keySet(), SEGMENTS);
                RoaringBitmap members = new RoaringBitmap();
                for (int n : counted.candidates(view)) {
                    if (counted.test(UPDATER.inputs(people.get(n), now))) {
                        members.add(n);
                    }
                }
                RoaringBitmap evaluated = new RoaringBitmap();
                for (int n = 0; n < people.size(); n++) {
                    if (membership.get(n).get(g)) {
                        evaluated.add(n);
                    }
                }
                assertThat(evaluated).as("seed %d, %s = %s", seed, a.name(), a.spec()).isEqualTo(members);
                bitmaps.put(a.name(), members);
            }
        }
    }

    private static List<String> pick(SplittableRandom random, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            if (random.nextInt(6) == 0) {
                out.add(n);
            }
        }
        return out;
    }

    private static List<Profile> people(SplittableRandom random, int count) {
        List<Profile> out = new ArrayList<>();
        int message = 0;
        for (int i = 0; i < count; i++) {
            Profile p = ENGINE.newProfile("p" + i);
            String user = "u" + i;
            Map<String, Object> traits = new HashMap<>();
            if (random.nextInt(5) > 0) {
                traits.put("country", COUNTRIES[random.nextInt(3)]);
            }
            if (random.nextInt(5) > 0) {
                traits.put("age", (long) (16 + random.nextInt(60)));
            }
            long t = T0 + random.nextLong(86_400_000L);
            ENGINE.fold(p, new Event(EventType.IDENTIFY, "m" + (++message), user, null, null, null, null, null, Map.of(),
                    traits, Map.of(), Instant.ofEpochMilli(t), null, null, null, Map.of()));
            int events = random.nextInt(8);
            for (int e = 0; e < events; e++) {
                t += random.nextLong(3_600_000L);
                String name = random.nextInt(4) == 0 ? "Order Completed" : random.nextInt(3) == 0 ? "Product Added"
                        : "Product Viewed";
                Map<String, Object> props = name.equals("Order Completed")
                        ? Map.of("revenue", 5.0 + random.nextInt(100), "order_id", "o" + message)
                        : Map.of("product_id", "p" + random.nextInt(20), "category", "c" + random.nextInt(4));
                ENGINE.fold(p, new Event(EventType.TRACK, "m" + (++message), user, null, name, null, null, null, props,
                        Map.of(), Map.of(), Instant.ofEpochMilli(t), null, null, null, Map.of()));
            }
            out.add(p);
        }
        return out;
    }
}
