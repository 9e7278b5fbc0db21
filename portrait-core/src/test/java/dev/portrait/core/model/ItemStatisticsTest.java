package dev.portrait.core.model;

import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.portrait.core.model.Seeds.DAY;
import static dev.portrait.core.model.Seeds.HOUR;
import static dev.portrait.core.model.Seeds.MINUTE;
import static dev.portrait.core.model.Seeds.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ItemStatisticsTest {
    private static final Map<String, Double> SHOP = Map.of("Product Viewed", 1.0, "Product Added", 3.0,
            "Order Completed", 5.0);

    static ItemStatistics stats(long halfLife, long window, int historyLimit, int neighbours, int maxItems) {
        return new ItemStatistics(new ItemStatistics.Config(SHOP, "product_id", halfLife, window, historyLimit,
                neighbours, maxItems));
    }

    static Event track(String name, long time, Map<String, Object> properties) {
        return new Event(EventType.TRACK, "m" + time + name + properties.hashCode(), "u1", null, name, null, null, null,
                properties, Map.of(), Map.of(), Instant.ofEpochMilli(time), null, null, null, Map.of());
    }

    /** One user's interactions, passing the history as it was before each, like the runtime will. */
    static final class User {
        final LinkedHashMap<String, Long> history = new LinkedHashMap<>();

        void interact(ItemStatistics stats, String item, double weight, long time) {
            stats.observe(item, weight, time, recent());
            history.merge(item, time, Math::max);
        }

        List<RecentItem> recent() {
            List<RecentItem> out = new ArrayList<>();
            history.forEach((k, v) -> out.add(new RecentItem(k, v)));
            return out;
        }
    }

    @Test
    void popularityIsTheWeightedSumHalvedEveryHalfLife() {
        ItemStatistics s = stats(DAY, DAY, 20, 10, 100);
        s.observe("p1", 1.0, T0, List.of());
        s.observe("p1", 5.0, T0 + DAY, List.of());
        assertThat(s.popularity("p1", T0 + 2 * DAY)).isCloseTo(0.25 + 2.5, within(1e-12));
        assertThat(s.popularity("nope", T0)).isZero();
    }

    @Test
    void similarityIsTheCosineOfUserVectorsWhenEachUserTouchesEachItemOnce() {
        Seeds.forEach("cosine", 20, random -> {
            ItemStatistics s = stats(30 * DAY, 365 * DAY, 1_000, 1_000, 10_000);
            int users = random.nextInt(2, 30);
            int items = random.nextInt(2, 15);
            boolean[][] touched = new boolean[users][items];
            for (int u = 0; u < users; u++) {
                User user = new User();
                for (int i = 0; i < items; i++) {
                    if (random.nextInt(3) == 0) {
                        touched[u][i] = true;
                        user.interact(s, "p" + i, 1.0, T0);
                    }
                }
            }
            for (int a = 0; a < items; a++) {
                for (int b = 0; b < items; b++) {
                    if (a == b) {
                        continue;
                    }
                    int both = 0;
                    int na = 0;
                    int nb = 0;
                    for (boolean[] row : touched) {
                        both += row[a] && row[b] ? 1 : 0;
                        na += row[a] ? 1 : 0;
                        nb += row[b] ? 1 : 0;
                    }
                    double cosine = both == 0 ? 0 : both / Math.sqrt((double) na * nb);
                    assertThat(s.similarity("p" + a, "p" + b)).as("sim(p%d, p%d)", a, b).isCloseTo(cosine, within(1e-12));
                }
            }
        });
    }

    @Test
    void decayedSumsStayExactAcrossManyLandmarkMoves() {
        // half-life 1 h over 30 days: landmarks move every 64 h, about 11 times, per item and at different times
        Seeds.forEach("decay across landmarks", 10, random -> {
            long halfLife = HOUR;
            ItemStatistics s = stats(halfLife, 365 * DAY, 1_000, 1_000, 10_000);
            Map<String, Double> pop = new HashMap<>();
            Map<String, Double> co = new HashMap<>();
            Map<Integer, User> users = new HashMap<>();
            long t = T0;
            long now = T0 + 30 * DAY;
            for (int e = 0; e < 400; e++) {
                t += random.nextLong(0, 2 * HOUR);
                int u = random.nextInt(15);
                String item = "p" + random.nextInt(8);
                double w = new double[] {1, 3, 5}[random.nextInt(3)];
                User user = users.computeIfAbsent(u, k -> new User());
                double decayed = w * Math.pow(2, -(double) (now - t) / halfLife);
                pop.merge(item, decayed, Double::sum);
                for (String other : user.history.keySet()) {
                    if (!other.equals(item)) {
                        co.merge(key(item, other), decayed, Double::sum);
                    }
                }
                user.interact(s, item, w, t);
            }
            for (String a : pop.keySet()) {
                assertThat(s.popularity(a, now)).as("popularity of %s", a).isCloseTo(pop.get(a), within(pop.get(a) * 1e-9));
                for (String b : pop.keySet()) {
                    if (!a.equals(b)) {
                        double expected = co.getOrDefault(key(a, b), 0.0) / Math.sqrt(pop.get(a) * pop.get(b));
                        assertThat(s.similarity(a, b)).as("sim(%s, %s)", a, b).isCloseTo(expected, within(1e-9 * (1 + expected)));
                    }
                }
            }
        });
    }

    private static String key(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    @Test
    void aPairFromLongAgoRanksBelowARecentOneThoughItWasMoreFrequent() {
        ItemStatistics s = stats(DAY, DAY, 20, 10, 100);
        for (int u = 0; u < 4; u++) {
            User user = new User();
            user.interact(s, "a", 1, T0);
            user.interact(s, "b", 1, T0 + MINUTE);
        }
        User late = new User();
        late.interact(s, "a", 1, T0 + 3 * DAY);
        late.interact(s, "c", 1, T0 + 3 * DAY + MINUTE);
        // undecayed, b would lead 4/sqrt(20) = 0.89 against 1/sqrt(5) = 0.45
        assertThat(s.neighbours("a", 2)).extracting(ItemScore::item).containsExactly("c", "b");
        assertThat(s.similarity("a", "c")).isCloseTo(s.similarity("c", "a"), within(1e-12));
    }

    @Test
    void aFullNeighbourListKeepsItsHeavyPairsAndLetsARecentPairDisplaceTheWeakest() {
        ItemStatistics s = stats(DAY, DAY, 20, 2, 100);
        String[][] pairs = {{"a", "b"}, {"a", "b"}, {"a", "b"}, {"a", "c"}, {"a", "c"}, {"a", "d"}};
        for (String[] pair : pairs) {
            User user = new User();
            user.interact(s, pair[0], 1, T0);
            user.interact(s, pair[1], 1, T0);
        }
        assertThat(s.record("a").size).isEqualTo(2);
        assertThat(s.neighbours("a", 5)).extracting(ItemScore::item).containsExactlyInAnyOrder("b", "c");
        // two days on, one pair weighs 4: more than c's 2, less than b's 3 × 4 = 12 at that time
        User late = new User();
        late.interact(s, "a", 1, T0 + 2 * DAY);
        late.interact(s, "d", 1, T0 + 2 * DAY);
        assertThat(s.neighbours("a", 5)).extracting(ItemScore::item).containsExactlyInAnyOrder("b", "d");
    }

    @Test
    void onlyHistoryWithinTheWindowAndTheLimitPairs() {
        ItemStatistics s = stats(DAY, HOUR, 2, 10, 100);
        for (String item : List.of("old", "x", "y", "z")) {
            s.observe(item, 1, T0, List.of());
        }
        s.observe("new", 1, T0 + 2 * HOUR, List.of(new RecentItem("old", T0), new RecentItem("x", T0 + 2 * HOUR - 3 * MINUTE),
                new RecentItem("y", T0 + 2 * HOUR - 2 * MINUTE), new RecentItem("z", T0 + 2 * HOUR - MINUTE),
                new RecentItem("future", T0 + 3 * HOUR), new RecentItem("new", T0 + HOUR + 30 * MINUTE)));
        assertThat(s.neighbours("new", 10)).extracting(ItemScore::item).containsExactlyInAnyOrder("y", "z");
    }

    @Test
    void theProductsOfOneOrderCoOccurAndCountWithTheOrderWeight() {
        ItemStatistics s = new ItemStatistics(ItemStatistics.Config.defaults());
        Event order = track("Order Completed", T0, Map.of("order_id", "o1",
                "products", List.of(Map.of("product_id", "a"), Map.of("product_id", "b"), Map.of("sku", "no id"))));
        assertThat(s.itemsOf(order)).containsExactly("a", "b");
        assertThat(s.observe(order, List.of(new RecentItem("v", T0 - MINUTE)))).isEqualTo(2);
        assertThat(s.popularity("a", T0)).isEqualTo(5.0);
        assertThat(s.similarity("a", "b")).isEqualTo(1.0);
        assertThat(s.similarity("v", "a")).as("v is not in the table, so pairs with it are not counted").isZero();
        assertThat(s.observe(track("Product Viewed", T0, Map.of("product_id", List.of("c", "c", 7L))), List.of()))
                .isEqualTo(2);
        assertThat(s.observe(track("Products Searched", T0, Map.of("product_id", "a")), List.of())).isZero();
        assertThat(s.popularity("a", T0)).isEqualTo(5.0);
    }

    @Test
    void theTableKeepsAtMostMaxItemsAndEachItemAtMostItsNeighbours() {
        Seeds.forEach("bounds", 2, random -> {
            ItemStatistics s = stats(7 * DAY, DAY, 20, 8, 100);
            Map<Integer, User> users = new HashMap<>();
            long t = T0;
            for (int e = 0; e < 15_000; e++) {
                t += random.nextLong(0, 5 * MINUTE);
                // a Zipf-like catalogue: item 0 is the most popular by far
                int item = (int) Math.min(1_999, Math.floor(Math.pow(2_000, random.nextDouble()) - 1));
                User user = users.computeIfAbsent(random.nextInt(500), k -> new User());
                user.interact(s, "p" + item, 1, t);
                if (user.history.size() > 20) {
                    user.history.remove(user.history.keySet().iterator().next());
                }
                if (s.size() > 100) {
                    throw new AssertionError("the table holds " + s.size() + " items after " + e + " events");
                }
            }
            for (ItemRecord r : s.byPopularity()) {
                assertThat(r.size).as("neighbours of %s", r.item).isLessThanOrEqualTo(8);
            }
            assertThat(s.popular(1, t)).extracting(ItemScore::item).containsExactly("p0");
            // 100 items × 8 neighbours × (index + double) plus at most 900 other ids of ≤ 6 bytes
            assertThat(Seeds.bytes(s::encode).length).isLessThan(100 * (20 + 8 * 12) + 900 * 6 + 200);
        });
    }

    @Test
    void encodingRoundTripsAndTheSameEventsGiveTheSameBytes() {
        Seeds.forEach("round trip", 5, random -> {
            long seed = random.nextLong();
            ItemStatistics a = randomTable(new SplittableRandom(seed), 2_000);
            ItemStatistics b = randomTable(new SplittableRandom(seed), 2_000);
            byte[] bytes = Seeds.bytes(a::encode);
            assertThat(Seeds.bytes(b::encode)).isEqualTo(bytes);
            ItemStatistics decoded = Seeds.decode(bytes, ItemStatistics::decode);
            assertThat(Seeds.bytes(decoded::encode)).isEqualTo(bytes);
            assertThat(decoded.config()).isEqualTo(a.config());
            assertThat(decoded.popular(10, T0 + DAY)).isEqualTo(a.popular(10, T0 + DAY));
            assertThat(decoded.neighbours("p1", 10)).isEqualTo(a.neighbours("p1", 10));
            // and they go on alike
            List<RecentItem> history = List.of(new RecentItem("p1", T0 + 40 * DAY), new RecentItem("p2", T0 + 40 * DAY));
            a.observe("p3", 3, T0 + 40 * DAY + 1, history);
            decoded.observe("p3", 3, T0 + 40 * DAY + 1, history);
            assertThat(Seeds.bytes(decoded::encode)).isEqualTo(Seeds.bytes(a::encode));
        });
    }

    private static ItemStatistics randomTable(SplittableRandom random, int events) {
        ItemStatistics s = stats(DAY, 6 * HOUR, 10, 6, 60);
        Map<Integer, User> users = new HashMap<>();
        long t = T0;
        for (int e = 0; e < events; e++) {
            t += random.nextLong(0, 20 * MINUTE);
            users.computeIfAbsent(random.nextInt(40), k -> new User())
                    .interact(s, "p" + random.nextInt(150), 1 + random.nextInt(5), t);
        }
        return s;
    }

    @Test
    void aCorruptTableIsRefused() {
        byte[] bytes = Seeds.bytes(randomTable(new SplittableRandom(7), 300)::encode);
        assertThatThrownBy(() -> ItemStatistics.decode(new dev.portrait.core.encoding.BinaryIn(bytes, 0, bytes.length / 2)))
                .hasMessageContaining("truncated");
        byte[] wrongVersion = bytes.clone();
        wrongVersion[0] = 9;
        assertThatThrownBy(() -> ItemStatistics.decode(new dev.portrait.core.encoding.BinaryIn(wrongVersion)))
                .hasMessageContaining("item_statistics: unknown binary version 9");
    }

    @Test
    void badSettingsAreRefusedWithTheirValue() {
        assertThatThrownBy(() -> new ItemStatistics.Config(Map.of("Product Viewed", -1.0), "product_id", DAY, DAY, 5, 5, 5))
                .hasMessage("eventWeights.Product Viewed must be a positive number, got -1.0");
        assertThatThrownBy(() -> new ItemStatistics.Config(SHOP, "product_id", DAY, DAY, 5, 0, 5))
                .hasMessage("neighbours must be in [1, 1000], got 0");
        assertThatThrownBy(() -> stats(DAY, DAY, 5, 5, 5).observe("a", Double.NaN, T0, List.of()))
                .hasMessage("the weight of an interaction with a must be positive, got NaN");
    }
}
