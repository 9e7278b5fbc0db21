package dev.portrait.core.feature;

import dev.portrait.core.event.Event;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.portrait.core.feature.FeatureContractTest.encode;
import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.DAY;
import static dev.portrait.core.feature.TestEvents.MINUTE;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a typical shopper's states cost: 90 days, about four visits a week of a few product views
 * each (40 products in 8 categories), some adds to cart and an order every two weeks. The sizes are
 * printed so they can be quoted; the bounds keep them from creeping up unnoticed.
 */
class EncodedSizeTest {
    /** Each kind in the configuration a default definition would use, with the size it must stay within. */
    private static final Map<String, Integer> TYPICAL = new LinkedHashMap<>();

    static {
        TYPICAL.put("{kind: count}", 4);
        TYPICAL.put("{kind: sum, property: price, events: [Order Completed]}", 12);
        TYPICAL.put("{kind: mean, property: price}", 12);
        TYPICAL.put("{kind: window_count, window: 24h, events: [Product Viewed]}", 40);
        TYPICAL.put("{kind: window_sum, window: 7d, property: price, events: [Order Completed]}", 40);
        TYPICAL.put("{kind: ewma, property: price, tau: 7d, events: [Order Completed]}", 20);
        TYPICAL.put("{kind: decayed_scores, key: category, weights: {Product Viewed: 1, Product Added: 3,"
                + " Order Completed: 5}, halfLife: 7d}", 160);
        TYPICAL.put("{kind: distinct_count, property: product_id}", 180);
        TYPICAL.put("{kind: frequent_items, property: category}", 140);
        TYPICAL.put("{kind: last_n, property: product_id, n: 20}", 240);
        TYPICAL.put("{kind: first_seen}", 8);
        TYPICAL.put("{kind: last_seen}", 8);
        TYPICAL.put("{kind: time_since, events: [Order Completed]}", 8);
        TYPICAL.put("{kind: sessions}", 40);
        TYPICAL.put("{kind: rfm, property: price, window: 365d, events: [Order Completed]}", 120);
    }

    static List<Event> typicalShopper(SplittableRandom random) {
        List<Event> events = new ArrayList<>();
        for (long day = 0; day < 90; day++) {
            if (random.nextInt(7) >= 4) {
                continue;
            }
            long t = T0 + day * DAY + random.nextLong(DAY / 2);
            String category = "category-" + random.nextInt(8);
            for (int v = random.nextInt(2, 9); v > 0; v--) {
                t += random.nextLong(30_000, 5 * MINUTE);
                Map<String, Object> p = Map.of("product_id", "prod-" + random.nextInt(40),
                        "category", category, "price", random.nextInt(500, 20_000) / 100.0);
                events.add(track("Product Viewed", t, p));
                if (random.nextInt(6) == 0) {
                    events.add(track("Product Added", t + 20_000, p));
                }
            }
            if (random.nextInt(8) == 0) {
                events.add(track("Order Completed", t + MINUTE, Map.of("price", random.nextInt(2_000, 40_000) / 100.0,
                        "category", category)));
            }
        }
        return events;
    }

    @Test
    void aTypicalShoppersStatesStaySmall() {
        List<Event> events = typicalShopper(new SplittableRandom(2024));
        int total = 0;
        Map<String, Integer> sizes = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder("encoded size of a typical shopper's state (" + events.size()
                + " events over 90 days):\n");
        for (String yaml : TYPICAL.keySet()) {
            Feature<Object> f = Specs.feature(yaml);
            int size = encode(f, fold(f, FeatureContractTest.matching(f, events))).length;
            sizes.put(yaml, size);
            total += size;
            table.append(String.format("  %-16s %5d bytes  %s%n", f.kind(), size, yaml));
        }
        table.append(String.format("  %-16s %5d bytes%n", "total", total));
        System.out.print(table);
        sizes.forEach((yaml, size) -> assertThat(size).as(yaml).isLessThanOrEqualTo(TYPICAL.get(yaml)));
        assertThat(total).isLessThanOrEqualTo(2048);
    }
}
