package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.event.Event;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static dev.portrait.core.feature.FeatureContractTest.encode;
import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.DAY;
import static dev.portrait.core.feature.TestEvents.HOUR;
import static dev.portrait.core.feature.TestEvents.MINUTE;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DecayedScoresTest {
    private static final String INTERESTS = "{kind: decayed_scores, key: category,"
            + " weights: {Product Viewed: 1, Order Completed: 5}, halfLife: 1d}";

    private static Event viewed(long time, Object category) {
        return track("Product Viewed", time, Map.of("category", category));
    }

    private static Event ordered(long time, Object category) {
        return track("Order Completed", time, Map.of("category", category));
    }

    @Test
    void aScoreIsTheWeightedSumHalvedEveryHalfLife() {
        Feature<Object> f = Specs.feature(INTERESTS);
        Object s = fold(f, List.of(viewed(T0, "shoes"), ordered(T0 + DAY, "shoes"), viewed(T0 + DAY, "hats")));
        // shoes: 1 * 2^-2 + 5 * 2^-1 = 2.75; hats: 1 * 2^-1 = 0.5
        @SuppressWarnings("unchecked")
        Map<String, Double> scores = (Map<String, Double>) f.read(s, T0 + 2 * DAY);
        assertThat(scores).containsExactly(Map.entry("shoes", 2.75), Map.entry("hats", 0.5));
        assertThat(f.nextChange(s, T0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void eachElementOfAListCountsOncePerEvent() {
        Feature<Object> f = Specs.feature(INTERESTS);
        Object s = fold(f, List.of(viewed(T0, List.of("shoes", "hats", "shoes"))));
        assertThat(f.read(s, T0)).isEqualTo(Map.of("hats", 1.0, "shoes", 1.0));
    }

    @Test
    void withoutAnEventsListTheWeightedEventsAreTheEvents() {
        assertThat(Specs.feature(INTERESTS).events()).isEqualTo(Set.of("Product Viewed", "Order Completed"));
        assertThat(Specs.feature("{kind: decayed_scores, key: brand, halfLife: 7d}").events()).isEmpty();
    }

    @Test
    void eventsWithoutAWeightTakeTheDefaultWeightAndAZeroWeightChangesNothing() {
        Feature<Object> f = Specs.feature("{kind: decayed_scores, key: category, halfLife: 1d,"
                + " events: [Product Added, Order Completed, Product Viewed],"
                + " weights: {Order Completed: 5, Product Viewed: 0}, weight: 2}");
        Object s = fold(f, List.of(track("Product Added", T0, Map.of("category", "shoes")),
                viewed(T0, "hats"), ordered(T0, "shoes")));
        assertThat(f.read(s, T0)).isEqualTo(Map.of("shoes", 7.0));
    }

    @Test
    void aWeightForAnEventTheFeatureDoesNotFoldIsRejected() {
        assertThatThrownBy(() -> Specs.feature("{kind: decayed_scores, key: category, halfLife: 1d,"
                + " events: [Order Completed], weights: {Order Complete: 5}}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("features[3].weights.\"Order Complete\": is not one of the feature's events [Order Completed]");
        assertThatThrownBy(() -> Specs.feature("{kind: decayed_scores, key: category, halfLife: 1d,"
                + " weights: {Order Completed: lots}}"))
                .hasMessage("features[3].weights.\"Order Completed\": must be a number, got \"lots\"");
        assertThatThrownBy(() -> Specs.feature("{kind: decayed_scores, key: category}"))
                .hasMessage("features[3].halfLife: is required");
        assertThatThrownBy(() -> Specs.feature("{kind: decayed_scores, key: category, halfLife: 1d, topK: 5,"
                + " capacity: 4}"))
                .hasMessage("features[3].capacity: 4 is outside [5, 10000]");
    }

    @Test
    void readsReturnTheTopKHighestFirstAndTheStateKeepsAtMostCapacityKeys() {
        Feature<Object> f = Specs.feature("{kind: decayed_scores, key: category, halfLife: 1d, topK: 2, capacity: 3}");
        List<Event> events = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            events.add(viewed(T0 + i * DAY, "c" + i));
        }
        Object s = fold(f, events);
        assertThat(f.read(s, T0 + 4 * DAY)).isEqualTo(Map.of("c4", 1.0, "c3", 0.5));
        assertThat(((DecayedScores.State) s).sums()).containsOnlyKeys("c2", "c3", "c4");
    }

    @Test
    void atEqualSumsTheGreaterKeyIsEvictedEvenWhenItIsTheNewcomer() {
        Feature<Object> f = Specs.feature("{kind: decayed_scores, key: category, halfLife: 1d, topK: 2}");
        Object s = fold(f, List.of(viewed(T0, "b"), viewed(T0, "a"), viewed(T0, "c")));
        assertThat(f.read(s, T0)).isEqualTo(Map.of("a", 1.0, "b", 1.0));
        Feature<Object> small = Specs.feature("{kind: decayed_scores, key: category, halfLife: 1d, topK: 2, capacity: 2}");
        assertThat(((DecayedScores.State) fold(small, List.of(viewed(T0, "b"), viewed(T0, "a"), viewed(T0, "c")))).sums())
                .containsOnlyKeys("a", "b");
    }

    @Test
    void equalScoresRankByKey() {
        Feature<Object> f = Specs.feature("{kind: decayed_scores, key: category, halfLife: 1d, topK: 2}");
        Object s = fold(f, List.of(viewed(T0, "b"), viewed(T0, "c"), viewed(T0, "a")));
        @SuppressWarnings("unchecked")
        Map<String, Double> scores = (Map<String, Double>) f.read(s, T0);
        assertThat(scores.keySet()).containsExactly("a", "b");
    }

    @Test
    void theLandmarkMovesInWholeQuantaOfSixtyFourHalfLives() {
        Feature<Object> f = Specs.feature("{kind: decayed_scores, key: category, halfLife: 1h}");
        DecayedScores.State s = (DecayedScores.State) fold(f, List.of(viewed(T0, "shoes")));
        long quantum = 64 * HOUR;
        assertThat(s.landmark % quantum).isZero();
        assertThat(s.landmark).isLessThanOrEqualTo(T0).isGreaterThan(T0 - quantum);
        f.update(s, viewed(T0 + 3 * quantum, "hats"));
        assertThat(s.landmark).isEqualTo((Math.floorDiv(T0, quantum) + 3) * quantum);
    }

    @Test
    void mergingStatesWithDifferentLandmarksIsExactAndOrderDoesNotMatter() {
        Feature<Object> f = Specs.feature("{kind: decayed_scores, key: category, halfLife: 1h}");
        Object older = fold(f, List.of(viewed(T0, "shoes"), viewed(T0 + 10 * HOUR, "hats")));
        Object newer = fold(f, List.of(viewed(T0 + 200 * HOUR, "shoes"), viewed(T0 + 201 * HOUR, "bags")));
        Object ab = f.merge(older, newer);
        assertThat(encode(f, ab)).isEqualTo(encode(f, f.merge(newer, older)));
        long now = T0 + 202 * HOUR;
        @SuppressWarnings("unchecked")
        Map<String, Double> scores = (Map<String, Double>) f.read(ab, now);
        assertThat(scores.get("shoes")).isCloseTo(Math.pow(2, -202) + Math.pow(2, -2), within(1e-15));
        assertThat(scores.get("hats")).isCloseTo(Math.pow(2, -192), within(1e-70));
        assertThat(scores.get("bags")).isEqualTo(0.5);
    }

    @Test
    void scoresMatchTheDirectFormulaOverThousandsOfHalfLivesWithoutOverflow() {
        Feature<Object> f = Specs.feature("{kind: decayed_scores, key: category, halfLife: 1m, topK: 10}");
        SplittableRandom random = new SplittableRandom(11);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            events.add(viewed(T0 + random.nextLong(100 * DAY), "c" + random.nextInt(5)));
        }
        events = TestEvents.byTime(events);
        Object s = fold(f, events);
        long now = events.get(events.size() - 1).time() + 30 * MINUTE;
        Object expected = Oracles.decayedScores("category", Map.of(), 1.0, MINUTE, 10).expected(events, now);
        Values.assertSame(f.read(s, now), expected, "scores after 144,000 half-lives");
        @SuppressWarnings("unchecked")
        Map<String, Double> scores = (Map<String, Double>) f.read(s, now);
        assertThat(scores.values()).allSatisfy(v -> assertThat(v).isFinite());
        assertThat(scores.values().iterator().next()).isGreaterThan(0.0);
    }

    @Test
    void negativeWeightsLowerInterest() {
        Feature<Object> f = Specs.feature("{kind: decayed_scores, key: category, halfLife: 1d,"
                + " weights: {Product Viewed: 1, Product Removed: -1}}");
        Object s = fold(f, List.of(viewed(T0, "shoes"), viewed(T0, "shoes"),
                track("Product Removed", T0, Map.of("category", "shoes"))));
        assertThat(f.read(s, T0)).isEqualTo(Map.of("shoes", 1.0));
    }
}
