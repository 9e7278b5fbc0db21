package dev.portrait.core.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecommenderTest {
    private static final String[] CATEGORIES = {"shoes", "hats", "bags"};
    /** p0..p9 are shoes, p10..p19 hats, p20..p29 bags. */
    private static final Function<String, String> CATEGORY_OF =
            item -> CATEGORIES[Integer.parseInt(item.substring(1)) / 10];
    private static final Recommender RECOMMENDER = new Recommender(Recommender.Config.defaults());

    /**
     * A shop where items come in bundles (p0 with p1, p2 with p3, …) that people buy together, amid
     * random browsing, and where some items are far more viewed than any bundle partner.
     */
    private static ItemStatistics shop(SplittableRandom random) {
        ItemStatistics s = new ItemStatistics(ItemStatistics.Config.defaults());
        long t = T0;
        for (int u = 0; u < 300; u++) {
            ItemStatisticsTest.User user = new ItemStatisticsTest.User();
            t += random.nextLong(MINUTE, HOUR);
            for (int v = random.nextInt(4); v > 0; v--) {
                // browsing skewed towards low ids: p0, p10 and p20 are the most viewed of their categories
                int item = (int) Math.floor(30 * Math.pow(random.nextDouble(), 2.5));
                user.interact(s, "p" + item, 1, t += random.nextLong(MINUTE));
            }
            int bundle = random.nextInt(15);
            user.interact(s, "p" + 2 * bundle, 1, t += random.nextLong(MINUTE));
            user.interact(s, "p" + (2 * bundle + 1), 5, t += random.nextLong(MINUTE));
        }
        return s;
    }

    private static Recommender.Request request(List<RecentItem> recent, Map<String, Double> interests,
                                               Set<String> bought, long now) {
        return new Recommender.Request(recent, interests, bought, 5, now);
    }

    @Test
    void coPurchasedItemsAreRecommendedWithTheItemThatLedToThem() {
        Seeds.forEach("co-purchase", 10, random -> {
            ItemStatistics s = shop(random);
            long now = T0 + 30 * DAY;
            for (int bundle = 0; bundle < 15; bundle++) {
                String viewed = "p" + (2 * bundle + 1);
                String partner = "p" + 2 * bundle;
                List<Recommendation> recs = RECOMMENDER.recommend(s,
                        request(List.of(new RecentItem(viewed, now - 10 * MINUTE)), Map.of(), Set.of(), now), CATEGORY_OF);
                assertThat(recs.get(0).item()).as("first recommendation after viewing %s: %s", viewed, recs)
                        .isEqualTo(partner);
                assertThat(recs.get(0).reason()).isEqualTo("viewed together with " + viewed);
            }
        });
    }

    @Test
    void aUserWithNoHistoryGetsTheMostPopularItems() {
        ItemStatistics s = shop(new SplittableRandom(1));
        long now = T0 + 30 * DAY;
        List<Recommendation> recs = RECOMMENDER.recommend(s, request(List.of(), Map.of(), Set.of(), now), CATEGORY_OF);
        assertThat(recs).extracting(Recommendation::item)
                .containsExactlyElementsOf(s.popular(5, now).stream().map(ItemScore::item).toList());
        assertThat(recs).extracting(Recommendation::reason).containsOnly("popular");
        assertThat(recs).extracting(Recommendation::score).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @Test
    void categoryInterestsBringThePopularItemsOfThoseCategories() {
        ItemStatistics s = shop(new SplittableRandom(2));
        long now = T0 + 30 * DAY;
        List<Recommendation> recs = RECOMMENDER.recommend(s,
                request(List.of(), Map.of("hats", 6.0, "bags", 0.5, "socks", 0.0), Set.of(), now), CATEGORY_OF);
        String topHat = s.popular(30, now).stream().map(ItemScore::item)
                .filter(i -> CATEGORY_OF.apply(i).equals("hats")).findFirst().orElseThrow();
        assertThat(recs.get(0).item()).isEqualTo(topHat);
        assertThat(recs.get(0).reason()).isEqualTo("popular in hats");
        assertThat(recs.subList(0, 3)).allSatisfy(r -> assertThat(CATEGORY_OF.apply(r.item())).isEqualTo("hats"));
    }

    @Test
    void boughtItemsAreLeftOutAndSeenItemsWhenConfigured() {
        ItemStatistics s = shop(new SplittableRandom(3));
        long now = T0 + 30 * DAY;
        List<RecentItem> recent = List.of(new RecentItem("p5", now - MINUTE), new RecentItem("p0", now - HOUR));
        Recommender.Request r = new Recommender.Request(recent, Map.of(), Set.of("p4", "p1"), 30, now);
        assertThat(RECOMMENDER.recommend(s, r, CATEGORY_OF)).extracting(Recommendation::item)
                .doesNotContain("p4", "p1").contains("p0");
        Recommender keepBought = new Recommender(Recommender.Config.defaults().withExclusions(false, false));
        assertThat(keepBought.recommend(s, r, CATEGORY_OF).get(0).item()).isEqualTo("p4");
        Recommender dropSeen = new Recommender(Recommender.Config.defaults().withExclusions(true, true));
        assertThat(dropSeen.recommend(s, r, CATEGORY_OF)).extracting(Recommendation::item)
                .doesNotContain("p4", "p1", "p5", "p0");
    }

    @Test
    void aRecentItemPullsHarderThanAnOlderOne() {
        ItemStatistics s = new ItemStatistics(ItemStatistics.Config.defaults());
        for (int u = 0; u < 3; u++) {
            // the older item's partner sorts first by id, so only recency can put the other first
            for (String[] pair : new String[][] {{"a", "y"}, {"b", "x"}}) {
                ItemStatisticsTest.User user = new ItemStatisticsTest.User();
                user.interact(s, pair[0], 1, T0);
                user.interact(s, pair[1], 1, T0 + MINUTE);
            }
        }
        long now = T0 + DAY;
        List<Recommendation> recs = RECOMMENDER.recommend(s, request(List.of(new RecentItem("b", now - 3 * DAY),
                new RecentItem("a", now - HOUR)), Map.of(), Set.of(), now), item -> null);
        assertThat(recs).extracting(Recommendation::item).startsWith("y", "x");
        assertThat(recs).extracting(Recommendation::reason).startsWith("viewed together with a", "viewed together with b");
    }

    @Test
    void recentItemsAreReadFromALastNFeatureValueAndOddEntriesAreSkipped() {
        Object lastN = List.of(Map.of("item", "p1", "at", T0), Map.of("item", "p2", "at", 5), Map.of("item", "", "at", 1L),
                Map.of("at", T0), "junk");
        assertThat(RecentItem.fromLastN(lastN)).containsExactly(new RecentItem("p1", T0), new RecentItem("p2", 5));
        assertThat(RecentItem.fromLastN(null)).isEmpty();
        assertThatThrownBy(() -> new RecentItem("", T0)).hasMessage("a recent item needs an item id, got \"\"");
    }

    @Test
    void anEmptyTableRecommendsNothingAndRequestsAreValidated() {
        ItemStatistics empty = new ItemStatistics(ItemStatistics.Config.defaults());
        assertThat(RECOMMENDER.recommend(empty, request(List.of(new RecentItem("a", T0)), Map.of("hats", 1.0), Set.of(), T0),
                CATEGORY_OF)).isEmpty();
        assertThatThrownBy(() -> new Recommender.Request(List.of(), Map.of(), Set.of(), 0, T0))
                .hasMessage("k must be in [1, 10000], got 0");
        assertThatThrownBy(() -> new Recommender.Config(DAY, 20, -1, 0, 3, 5, 5, true, false))
                .hasMessage("categoryWeight must be a finite number >= 0, got -1.0");
    }

    @Test
    void theSameRequestGivesTheSameAnswerWhateverTheOrderOfItsHistory() {
        ItemStatistics s = shop(new SplittableRandom(4));
        long now = T0 + 30 * DAY;
        List<RecentItem> recent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            recent.add(new RecentItem("p" + (i * 7 % 30), now - i * HOUR));
        }
        List<RecentItem> reversed = new ArrayList<>(recent);
        java.util.Collections.reverse(reversed);
        Map<String, Double> interests = Map.of("shoes", 2.0, "bags", 1.0);
        assertThat(RECOMMENDER.recommend(s, new Recommender.Request(reversed, interests, Set.of(), 10, now), CATEGORY_OF))
                .isEqualTo(RECOMMENDER.recommend(s, new Recommender.Request(recent, interests, Set.of(), 10, now), CATEGORY_OF));
    }
}
