package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.event.Event;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.DAY;
import static dev.portrait.core.feature.TestEvents.HOUR;
import static dev.portrait.core.feature.TestEvents.MINUTE;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.viewed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlidingWindowTest {
    /** The start of an hour, so tile boundaries are easy to read. */
    private static final long H = Math.floorDiv(T0, HOUR) * HOUR;

    private static Event at(long time) {
        return viewed(time, Map.of("price", 2.5));
    }

    @Test
    void theDefaultTileIsAboutATwentyFourthOfTheWindowAndDividesIt() {
        assertThat(TimeTiles.defaultTile(24 * HOUR)).isEqualTo(HOUR);
        assertThat(TimeTiles.defaultTile(7 * DAY)).isEqualTo(6 * HOUR);
        assertThat(TimeTiles.defaultTile(30 * DAY)).isEqualTo(DAY);
        assertThat(TimeTiles.defaultTile(90 * DAY)).isEqualTo(2 * DAY);
        assertThat(TimeTiles.defaultTile(365 * DAY)).isEqualTo(5 * DAY);
        assertThat(TimeTiles.defaultTile(HOUR)).isEqualTo(2 * MINUTE);
        assertThat(TimeTiles.defaultTile(10 * MINUTE)).isEqualTo(MINUTE);
        assertThat(TimeTiles.defaultTile(30_000)).isEqualTo(30_000);
        assertThat(TimeTiles.defaultTile(25 * HOUR)).isEqualTo(HOUR);
        assertThat(TimeTiles.defaultTile(HOUR + 90_000)).as("61.5 minutes: no round tile divides it")
                .isEqualTo(2 * MINUTE);
    }

    @Test
    void aReadCountsTheCurrentTileAndTheWholeTilesBeforeIt() {
        Feature<Object> f = Specs.feature("{kind: window_count, window: 1h, tile: 10m}");
        Object s = fold(f, List.of(at(H + MINUTE), at(H + 15 * MINUTE), at(H + 59 * MINUTE)));
        assertThat(f.read(s, H + 59 * MINUTE)).isEqualTo(3L);
        assertThat(f.read(s, H + 60 * MINUTE - 1)).isEqualTo(3L);
        assertThat(f.read(s, H + 60 * MINUTE)).as("the tile [0m, 10m) has left").isEqualTo(2L);
        assertThat(f.read(s, H + 70 * MINUTE - 1)).as("an event 54 minutes old still counts").isEqualTo(2L);
        assertThat(f.read(s, H + 70 * MINUTE)).isEqualTo(1L);
        assertThat(f.read(s, H + 110 * MINUTE - 1)).isEqualTo(1L);
        assertThat(f.read(s, H + 110 * MINUTE)).isEqualTo(0L);
    }

    @Test
    void nextChangeIsTheBoundaryWhereTheOldestCountedTileLeaves() {
        Feature<Object> f = Specs.feature("{kind: window_count, window: 1h, tile: 10m}");
        Object s = fold(f, List.of(at(H + MINUTE), at(H + 15 * MINUTE), at(H + 59 * MINUTE)));
        assertThat(f.nextChange(s, H + 59 * MINUTE)).isEqualTo(H + 60 * MINUTE);
        assertThat(f.nextChange(s, H + 60 * MINUTE)).isEqualTo(H + 70 * MINUTE);
        assertThat(f.nextChange(s, H + 70 * MINUTE)).isEqualTo(H + 110 * MINUTE);
        assertThat(f.nextChange(s, H + 110 * MINUTE)).isEqualTo(Long.MAX_VALUE);
        assertThat(f.nextChange(f.empty(), H)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anEventAheadOfNowChangesTheValueWhenItsTileBegins() {
        Feature<Object> f = Specs.feature("{kind: window_count, window: 1h, tile: 10m}");
        Object s = fold(f, List.of(at(H + 35 * MINUTE)));
        assertThat(f.read(s, H + 5 * MINUTE)).isEqualTo(0L);
        assertThat(f.nextChange(s, H + 5 * MINUTE)).isEqualTo(H + 30 * MINUTE);
    }

    @Test
    void windowSumAddsTheNumericValuesOnly() {
        Feature<Object> f = Specs.feature("{kind: window_sum, window: 24h, property: price}");
        Object s = fold(f, List.of(at(H), viewed(H + 1, Map.of("price", "n/a")), viewed(H + 2, Map.of("price", 4L)),
                at(H - 2 * DAY)));
        assertThat(f.read(s, H + HOUR)).isEqualTo(6.5);
        assertThat(f.read(s, H + DAY)).isEqualTo(0.0);
    }

    @Test
    void memoryStaysWithinTheWindowsTilesAndLateEventsOutsideItAreDropped() {
        SlidingWindow f = (SlidingWindow) (Feature<?>) Specs.feature("{kind: window_count, window: 1h, tile: 10m}");
        SplittableRandom random = new SplittableRandom(7);
        TimeTiles.Series s = f.empty();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            events.add(at(H + random.nextLong(10 * DAY)));
        }
        for (Event e : events) {
            s = f.update(s, e);
            assertThat(s.size).isLessThanOrEqualTo(6);
        }
        long newest = events.stream().mapToLong(Event::time).max().getAsLong();
        long expected = events.stream().filter(e -> e.time() / (10 * MINUTE) > newest / (10 * MINUTE) - 6).count();
        assertThat(f.read(s, newest)).isEqualTo(expected);
        TimeTiles.Series before = s.copy();
        s = f.update(s, at(newest - 2 * HOUR));
        assertThat(FeatureContractTest.encode(f, s)).isEqualTo(FeatureContractTest.encode(f, before));
    }

    @Test
    void mergingCountsIsByteForByteTheSameAsFoldingEverythingAndKeepsOnlyLiveTiles() {
        Feature<Object> f = Specs.feature("{kind: window_count, window: 1h, tile: 10m}");
        SplittableRandom random = new SplittableRandom(13);
        for (int trial = 0; trial < 200; trial++) {
            List<Event> a = new ArrayList<>();
            List<Event> b = new ArrayList<>();
            for (int i = random.nextInt(30); i > 0; i--) {
                (random.nextBoolean() ? a : b).add(at(H + random.nextLong(random.nextBoolean() ? 2 * HOUR : 3 * DAY)));
            }
            List<Event> all = new ArrayList<>(a);
            all.addAll(b);
            Object merged = f.merge(fold(f, a), fold(f, b));
            assertThat(FeatureContractTest.encode(f, merged)).as("trial " + trial)
                    .isEqualTo(FeatureContractTest.encode(f, fold(f, all)));
            assertThat(((TimeTiles.Series) merged).size).isLessThanOrEqualTo(6);
        }
    }

    @Test
    void aLateEventInsideTheWindowStillCounts() {
        Feature<Object> f = Specs.feature("{kind: window_count, window: 24h}");
        Object s = fold(f, List.of(at(H + 10 * HOUR), at(H + HOUR)));
        assertThat(f.read(s, H + 10 * HOUR)).isEqualTo(2L);
    }

    @Test
    void tilesAreEncodedAsDeltasSoADayOfHourlyTilesStaysSmall() {
        Feature<Object> f = Specs.feature("{kind: window_count, window: 24h}");
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            events.add(at(H + i * HOUR));
        }
        assertThat(FeatureContractTest.encode(f, fold(f, events))).hasSize(1 + 1 + 3 + 1 + 23 * 2);
    }

    @Test
    void aTileLongerThanTheWindowIsRejected() {
        assertThatThrownBy(() -> Specs.feature("{kind: window_count, window: 1h, tile: 2h}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("features[3].tile: \"2h\" is longer than the window \"1h\"");
    }

    @Test
    void aTileThatCutsTheWindowIntoTooManyPiecesIsRejected() {
        assertThatThrownBy(() -> Specs.feature("{kind: window_sum, property: price, window: 365d, tile: 1m}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("features[3].tile: \"1m\" cuts the window into 525600 tiles; at most 4096 are allowed,"
                        + " choose a longer tile");
    }

    @Test
    void theWindowIsRequired() {
        assertThatThrownBy(() -> Specs.feature("{kind: window_count}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("features[3].window: is required");
    }
}
