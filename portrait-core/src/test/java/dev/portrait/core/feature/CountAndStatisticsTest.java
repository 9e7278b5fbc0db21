package dev.portrait.core.feature;

import dev.portrait.core.event.Event;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.viewed;
import static org.assertj.core.api.Assertions.assertThat;

class CountAndStatisticsTest {
    private static final List<Event> PRICES = List.of(
            viewed(T0, Map.of("price", 10.0)),
            viewed(T0 + 1, Map.of("price", 5L)),
            viewed(T0 + 2, Map.of("price", "n/a")),
            viewed(T0 + 3, Map.of()),
            viewed(T0 + 4, Map.of("price", -2.5)),
            viewed(T0 + 5, Map.of("price", List.of(1.0))));

    private static Object value(String yaml, List<Event> events) {
        Feature<Object> f = Specs.feature(yaml);
        return f.read(fold(f, events), T0);
    }

    @Test
    void countCountsEveryEventItIsGiven() {
        assertThat(value("{kind: count}", PRICES)).isEqualTo(6L);
        assertThat(value("{kind: count}", List.of())).isEqualTo(0L);
    }

    @Test
    void statisticsSkipEventsWhosePropertyIsAbsentOrNotANumber() {
        assertThat(value("{kind: sum, property: price}", PRICES)).isEqualTo(12.5);
        assertThat(value("{kind: min, property: price}", PRICES)).isEqualTo(-2.5);
        assertThat(value("{kind: max, property: price}", PRICES)).isEqualTo(10.0);
        assertThat(value("{kind: mean, property: price}", PRICES)).isEqualTo(12.5 / 3);
    }

    @Test
    void beforeAnyNumberSumIsZeroAndTheOthersHaveNoValue() {
        List<Event> none = List.of(viewed(T0, Map.of("price", "free")));
        assertThat(value("{kind: sum, property: price}", none)).isEqualTo(0.0);
        assertThat(value("{kind: min, property: price}", none)).isNull();
        assertThat(value("{kind: max, property: price}", none)).isNull();
        assertThat(value("{kind: mean, property: price}", none)).isNull();
    }

    @Test
    void theMeanOfMergedStatesWeighsEachByItsCount() {
        Feature<Object> f = Specs.feature("{kind: mean, property: price}");
        Object a = fold(f, List.of(viewed(T0, Map.of("price", 10.0)), viewed(T0, Map.of("price", 20.0))));
        Object b = fold(f, List.of(viewed(T0, Map.of("price", 60.0))));
        assertThat(f.read(f.merge(a, b), T0)).isEqualTo(30.0);
    }

    @Test
    void valuesDoNotChangeWithTime() {
        Feature<Object> f = Specs.feature("{kind: count}");
        Object s = fold(f, PRICES);
        assertThat(f.nextChange(s, T0)).isEqualTo(Long.MAX_VALUE);
        assertThat(f.read(s, T0 + 1_000_000_000L)).isEqualTo(6L);
    }

    @Test
    void theBinaryFormOfACountIsAVersionByteAndAVarint() {
        Feature<Object> f = Specs.feature("{kind: count}");
        assertThat(FeatureContractTest.encode(f, fold(f, PRICES))).containsExactly(1, 6);
    }
}
