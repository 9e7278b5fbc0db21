package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.event.Event;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.viewed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrequentItemsTest {
    private static Event brand(String b) {
        return viewed(T0, Map.of("brand", b));
    }

    @Test
    void whileTheItemsFitTheCapacityCountsAreExactAndRankedHighestFirst() {
        Feature<Object> f = Specs.feature("{kind: frequent_items, property: brand, topK: 2}");
        Object s = fold(f, List.of(brand("acme"), brand("zeta"), brand("acme"), brand("beta"), brand("zeta"),
                brand("acme")));
        @SuppressWarnings("unchecked")
        Map<String, Double> top = (Map<String, Double>) f.read(s, T0);
        assertThat(top).containsExactly(Map.entry("acme", 3.0), Map.entry("zeta", 2.0));
    }

    @Test
    void pastTheCapacityTheCapacityPlusFirstLargestCountIsSubtractedFromAll() {
        Feature<Object> f = Specs.feature("{kind: frequent_items, property: brand, topK: 2, capacity: 2}");
        // a:3 b:2 c:1 is one counter too many; the third largest count, 1, comes off every counter
        Object s = fold(f, List.of(brand("a"), brand("a"), brand("a"), brand("b"), brand("b"), brand("c")));
        assertThat(f.read(s, T0)).isEqualTo(Map.of("a", 2.0, "b", 1.0));
        Object merged = f.merge(fold(f, List.of(brand("a"), brand("a"), brand("d"))),
                fold(f, List.of(brand("b"), brand("b"), brand("b"), brand("d"))));
        // a:2 b:3 d:2 -> subtract 2 -> b:1
        assertThat(f.read(merged, T0)).isEqualTo(Map.of("b", 1.0));
    }

    @Test
    void equalCountsRankByItem() {
        Feature<Object> f = Specs.feature("{kind: frequent_items, property: brand, topK: 2}");
        @SuppressWarnings("unchecked")
        Map<String, Double> top = (Map<String, Double>) f.read(fold(f, List.of(brand("c"), brand("a"), brand("b"))), T0);
        assertThat(top.keySet()).containsExactly("a", "b");
    }

    @Test
    void pastTheCapacityEachCountIsALowerBoundMissingAtMostNOverCapacityPlusOne() {
        Feature<Object> f = Specs.feature("{kind: frequent_items, property: brand, topK: 5, capacity: 10}");
        SplittableRandom random = new SplittableRandom(5);
        List<Event> events = new ArrayList<>();
        Map<String, Long> truth = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            String b = random.nextInt(4) == 0 ? "hot" : random.nextInt(6) == 0 ? "warm" : "b" + random.nextInt(500);
            events.add(brand(b));
            truth.merge(b, 1L, Long::sum);
        }
        Object whole = fold(f, events);
        Object merged = f.merge(fold(f, events.subList(0, 4_000)), fold(f, events.subList(4_000, 10_000)));
        for (Object s : List.of(whole, merged)) {
            @SuppressWarnings("unchecked")
            Map<String, Double> top = (Map<String, Double>) f.read(s, T0);
            assertThat(top.keySet().iterator().next()).isEqualTo("hot");
            assertThat(top).containsKey("warm");
            top.forEach((item, estimate) -> {
                long missing = truth.get(item) - estimate.longValue();
                assertThat(missing).as(item).isBetween(0L, 10_000L / 11);
            });
        }
        assertThat(((FrequentItems.State) whole).counters().size()).isLessThanOrEqualTo(10);
    }

    @Test
    void theCapacityCannotBeBelowTopK() {
        assertThatThrownBy(() -> Specs.feature("{kind: frequent_items, property: brand, topK: 10, capacity: 5}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("features[3].capacity: 5 is outside [10, 10000]");
        assertThatThrownBy(() -> Specs.feature("{kind: frequent_items, property: brand, topK: 0}"))
                .hasMessage("features[3].topK: 0 is outside [1, 1000]");
    }
}
