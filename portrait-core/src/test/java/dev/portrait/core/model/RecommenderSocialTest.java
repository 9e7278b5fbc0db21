package dev.portrait.core.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

import static dev.portrait.core.model.Seeds.DAY;
import static dev.portrait.core.model.Seeds.HOUR;
import static dev.portrait.core.model.Seeds.MINUTE;
import static dev.portrait.core.model.Seeds.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The recommender's social part, "people like you follow", checked against a recount by hand. */
class RecommenderSocialTest {
    private static final Function<String, String> CATEGORY_OF = item -> item.startsWith("p")
            ? "c" + Integer.parseInt(item.substring(1)) % 3 : null;

    /** Items p0..p39 viewed by 200 people in pairs, so co-occurrence, popularity and categories all exist. */
    private static ItemStatistics catalogue(SplittableRandom random) {
        ItemStatistics s = new ItemStatistics(ItemStatistics.Config.defaults());
        long t = T0;
        for (int u = 0; u < 200; u++) {
            ItemStatisticsTest.User user = new ItemStatisticsTest.User();
            t += random.nextLong(MINUTE, HOUR);
            for (int v = 1 + random.nextInt(4); v > 0; v--) {
                user.interact(s, "p" + random.nextInt(40), 1, t += random.nextLong(MINUTE));
            }
        }
        return s;
    }

    /** Random ties (some never looked up: the lookup knows only some) with random recent items, some unknown to the table. */
    private record Ties(Map<String, Double> strengths, Map<String, List<RecentItem>> items) {
    }

    private static Ties ties(SplittableRandom random, long now) {
        Map<String, Double> strengths = new HashMap<>();
        Map<String, List<RecentItem>> items = new HashMap<>();
        int n = random.nextInt(25);
        for (int i = 0; i < n; i++) {
            String u = "u" + random.nextInt(40);
            // a few equal strengths, so the order's tie-break by key is exercised
            strengths.put(u, random.nextInt(4) == 0 ? 2.0 : random.nextDouble() * 10);
            if (random.nextInt(5) > 0) {
                List<RecentItem> theirs = new ArrayList<>();
                for (int k = random.nextInt(12); k > 0; k--) {
                    String item = random.nextInt(6) == 0 ? "q" + random.nextInt(5) : "p" + random.nextInt(40);
                    theirs.add(new RecentItem(item, now - random.nextLong(5 * DAY)));
                }
                items.put(u, theirs);
            }
        }
        return new Ties(strengths, items);
    }

    /** The social part by hand: per item, its score and the tie that pulled hardest (ties of pull: smaller key). */
    private record Expected(Map<String, Double> score, Map<String, String> tie) {
    }

    private static Expected recount(Recommender.Config config, Ties ties, Set<String> excluded, long now) {
        List<Map.Entry<String, Double>> ranked = new ArrayList<>(ties.strengths().entrySet());
        ranked.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        ranked = ranked.subList(0, Math.min(config.maxTies(), ranked.size()));
        double total = ranked.stream().mapToDouble(Map.Entry::getValue).sum();
        Map<String, Double> score = new HashMap<>();
        Map<String, String> tie = new HashMap<>();
        Map<String, Double> best = new HashMap<>();
        for (Map.Entry<String, Double> t : ranked) {
            Map<String, Long> latest = new HashMap<>();
            for (RecentItem r : ties.items().getOrDefault(t.getKey(), List.of())) {
                latest.merge(r.item(), r.time(), Math::max);
            }
            List<Map.Entry<String, Long>> newest = new ArrayList<>(latest.entrySet());
            newest.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            for (Map.Entry<String, Long> r : newest.subList(0, Math.min(config.maxRecent(), newest.size()))) {
                if (excluded.contains(r.getKey())) {
                    continue;
                }
                double pull = config.socialWeight() * t.getValue() / total
                        * Math.pow(2, -(double) (now - r.getValue()) / config.recencyHalfLifeMillis());
                score.merge(r.getKey(), pull, Double::sum);
                Double was = best.get(r.getKey());
                if (was == null || pull > was + 1e-15 || (Math.abs(pull - was) <= 1e-15 && t.getKey().compareTo(tie.get(r.getKey())) < 0)) {
                    best.put(r.getKey(), pull);
                    tie.put(r.getKey(), t.getKey());
                }
            }
        }
        return new Expected(score, tie);
    }

    private static Recommender.Config socialOnly(SplittableRandom random) {
        // no category or popularity weight: a candidate's score is its social part alone
        return new Recommender.Config(DAY, 1 + random.nextInt(8), 0, 0, 3, 50, 5_000, true, false, Integer.MAX_VALUE,
                0.1 + random.nextDouble(), 1 + random.nextInt(12));
    }

    @Test
    void theSocialPartOfEachScoreEqualsARecountOverTheStrongestTiesRecentItems() {
        Seeds.forEach("social recount", 40, random -> {
            ItemStatistics stats = catalogue(random);
            long now = T0 + 10 * DAY;
            Recommender.Config config = socialOnly(random);
            Ties ties = ties(random, now);
            Set<String> bought = random.nextBoolean() ? Set.of("p1", "p2") : Set.of();
            List<Recommendation> recs = new Recommender(config).recommend(stats,
                    new Recommender.Request(List.of(), Map.of(), bought, 10_000, now, ties.strengths()),
                    CATEGORY_OF, config, ties.items()::get);
            Expected expected = recount(config, ties, bought, now);

            Map<String, Recommendation> byItem = new HashMap<>();
            recs.forEach(r -> byItem.put(r.item(), r));
            for (Map.Entry<String, Double> e : expected.score().entrySet()) {
                Recommendation r = byItem.get(e.getKey());
                assertThat(r).as("%s, expected with social part %s in %s", e.getKey(), e.getValue(), recs).isNotNull();
                assertThat(r.score()).as("score of %s", e.getKey()).isCloseTo(e.getValue(), within(1e-9));
                assertThat(r.reason()).as("reason of %s", e.getKey())
                        .isEqualTo(Recommender.SOCIAL_REASON + expected.tie().get(e.getKey()));
            }
            for (Recommendation r : recs) {
                if (!expected.score().containsKey(r.item())) {
                    assertThat(r.score()).as("%s has no social part and no other weight", r.item()).isZero();
                    assertThat(r.reason()).isEqualTo("popular");
                }
            }
        });
    }

    @Test
    void theSocialPartAddsToTheOtherPartsWithoutChangingThem() {
        Seeds.forEach("social on top", 20, random -> {
            ItemStatistics stats = catalogue(random);
            long now = T0 + 10 * DAY;
            Recommender.Config without = Recommender.Config.defaults();
            Recommender.Config with = without.withSocial(0.5 + random.nextDouble(), 1 + random.nextInt(12));
            Ties ties = ties(random, now);
            List<RecentItem> history = List.of(new RecentItem("p" + random.nextInt(40), now - HOUR),
                    new RecentItem("p" + random.nextInt(40), now - DAY));
            Recommender.Request request = new Recommender.Request(history, Map.of("c1", 2.0, "c2", 1.0), Set.of(),
                    10_000, now, ties.strengths());
            Recommender r = new Recommender(without);
            Map<String, Double> base = new HashMap<>();
            r.recommend(stats, request, CATEGORY_OF, without, ties.items()::get).forEach(x -> base.put(x.item(), x.score()));
            Expected social = recount(with, ties, Set.of(), now);
            for (Recommendation x : r.recommend(stats, request, CATEGORY_OF, with, ties.items()::get)) {
                if (base.containsKey(x.item())) {
                    assertThat(x.score()).as("%s", x.item())
                            .isCloseTo(base.get(x.item()) + social.score().getOrDefault(x.item(), 0.0), within(1e-9));
                } else {
                    assertThat(social.score()).as("%s is a candidate only through a tie", x.item()).containsKey(x.item());
                }
            }
        });
    }

    @Test
    void atMostMaxTiesTiesAreLookedUpTheStrongestAndEachGivesAtMostItsMaxRecentItems() {
        Seeds.forEach("social bound", 40, random -> {
            ItemStatistics stats = catalogue(random);
            long now = T0 + 10 * DAY;
            Recommender.Config config = socialOnly(random);
            Ties ties = ties(random, now);
            List<String> asked = new ArrayList<>();
            List<Recommendation> recs = new Recommender(config).recommend(stats,
                    new Recommender.Request(List.of(), Map.of(), Set.of(), 10_000, now, ties.strengths()), CATEGORY_OF,
                    config, u -> {
                        asked.add(u);
                        return ties.items().get(u);
                    });
            List<String> strongest = ties.strengths().entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .limit(config.maxTies()).map(Map.Entry::getKey).toList();
            assertThat(asked).as("ties looked up").containsExactlyElementsOf(strongest);
            Set<String> allowed = new HashSet<>();
            for (String u : strongest) {
                ties.items().getOrDefault(u, List.of()).stream()
                        .sorted(Comparator.comparingLong(RecentItem::time).reversed().thenComparing(RecentItem::item))
                        .map(RecentItem::item).distinct().limit(config.maxRecent()).forEach(allowed::add);
            }
            for (Recommendation r : recs) {
                if (r.reason().startsWith(Recommender.SOCIAL_REASON)) {
                    assertThat(allowed).as("items a tie can pull: %s", r).contains(r.item());
                }
            }
        });
    }

    @Test
    void theReasonNamesTheStrongestContributingTieWhenTheSocialPartIsTheLargest() {
        ItemStatistics stats = catalogue(new SplittableRandom(7));
        long now = T0 + 10 * DAY;
        Recommender.Config config = Recommender.Config.defaults().withSocial(1.0, 10);
        Map<String, Double> ties = new LinkedHashMap<>();
        ties.put("u17", 8.0);
        ties.put("u3", 2.0);
        Map<String, List<RecentItem>> items = Map.of(
                "u17", List.of(new RecentItem("q-new", now - HOUR), new RecentItem("q-shared", now - HOUR)),
                "u3", List.of(new RecentItem("q-shared", now - 30 * MINUTE)));
        List<Recommendation> recs = new Recommender(config).recommend(stats,
                new Recommender.Request(List.of(), Map.of(), Set.of(), 5, now, ties), CATEGORY_OF, config, items::get);
        assertThat(recs.get(0).item()).as("%s", recs).isEqualTo("q-shared");
        assertThat(recs.get(0).reason()).isEqualTo("people like you follow: u17");
        assertThat(recs.get(1).item()).isEqualTo("q-new");
        assertThat(recs.get(1).reason()).isEqualTo("people like you follow: u17");
        assertThat(recs.get(0).score()).isGreaterThan(recs.get(1).score());
    }

    @Test
    void whicheverOfCoOccurrenceAndTheTiesPullsHarderNamesTheReason() {
        ItemStatistics stats = catalogue(new SplittableRandom(3));
        long now = T0 + 10 * DAY;
        Recommender.Config config = Recommender.Config.defaults().withSocial(0.01, 10);
        String seen = "p5";
        List<Recommendation> plain = new Recommender(Recommender.Config.defaults()).recommend(stats,
                new Recommender.Request(List.of(new RecentItem(seen, now - MINUTE)), Map.of(), Set.of(), 1, now),
                CATEGORY_OF);
        String neighbour = plain.get(0).item();
        assertThat(plain.get(0).reason()).isEqualTo("viewed together with " + seen);
        List<Recommendation> recs = new Recommender(config).recommend(stats,
                new Recommender.Request(List.of(new RecentItem(seen, now - MINUTE)), Map.of(), Set.of(), 1, now,
                        Map.of("u1", 1.0)), CATEGORY_OF, config, u -> List.of(new RecentItem(neighbour, now - MINUTE)));
        assertThat(recs.get(0).item()).isEqualTo(neighbour);
        assertThat(recs.get(0).reason()).isEqualTo("viewed together with " + seen);

        // the same item, now pulled harder by the tie than by co-occurrence (at most 1 per recent item)
        Recommender.Config heavy = Recommender.Config.defaults().withSocial(5.0, 10);
        List<Recommendation> social = new Recommender(heavy).recommend(stats,
                new Recommender.Request(List.of(new RecentItem(seen, now - MINUTE)), Map.of(), Set.of(), 1, now,
                        Map.of("u1", 1.0)), CATEGORY_OF, heavy, u -> List.of(new RecentItem(neighbour, now - MINUTE)));
        assertThat(social.get(0).item()).isEqualTo(neighbour);
        assertThat(social.get(0).reason()).isEqualTo("people like you follow: u1");
    }

    @Test
    void withoutSocialWeightOrTiesTheAnswerIsTheOneWithoutTheSocialPartAndNoOneIsLookedUp() {
        Seeds.forEach("no social", 30, random -> {
            ItemStatistics stats = catalogue(random);
            long now = T0 + 10 * DAY;
            Ties ties = ties(random, now);
            List<RecentItem> history = new ArrayList<>();
            for (int i = random.nextInt(6); i > 0; i--) {
                history.add(new RecentItem("p" + random.nextInt(40), now - random.nextLong(3 * DAY)));
            }
            Map<String, Double> interests = random.nextBoolean() ? Map.of("c0", 1.0, "c2", 3.0) : Map.of();
            int k = 1 + random.nextInt(20);
            Recommender.Config plain = new Recommender.Config(DAY, 20, 0.5, 0.05, 3, 50, 5_000, true, false, 50);
            List<Recommendation> before = new Recommender(plain).recommend(stats,
                    new Recommender.Request(history, interests, Set.of(), k, now), CATEGORY_OF);
            List<String> asked = new ArrayList<>();
            Recommender.TieItems counting = u -> {
                asked.add(u);
                return ties.items().get(u);
            };
            // the social part declared with weight 0 (a variant turning it off), ties known
            List<Recommendation> weightZero = new Recommender(plain).recommend(stats,
                    new Recommender.Request(history, interests, Set.of(), k, now, ties.strengths()), CATEGORY_OF,
                    plain.withSocial(0, 10), counting);
            // the social part declared, but the person has no ties
            List<Recommendation> noTies = new Recommender(plain).recommend(stats,
                    new Recommender.Request(history, interests, Set.of(), k, now, Map.of()), CATEGORY_OF,
                    plain.withSocial(0.5, 10), counting);
            assertThat(weightZero).isEqualTo(before);
            assertThat(noTies).isEqualTo(before);
            assertThat(asked).isEmpty();
        });
    }

    @Test
    void anExperimentVariantSetsTheSocialWeight() {
        Recommender.Config declared = Recommender.Config.defaults().withSocial(0.5, 7);
        assertThat(declared.with(Map.of("socialWeight", 0.0)).socialWeight()).isZero();
        assertThat(declared.with(Map.of("socialWeight", 2.0)).socialWeight()).isEqualTo(2.0);
        assertThat(declared.with(Map.of("categoryWeight", 0.1)).socialWeight()).isEqualTo(0.5);
        assertThat(declared.with(Map.of("socialWeight", 2.0)).maxTies()).isEqualTo(7);
    }
}
