package dev.portrait.core.feature;

import dev.portrait.core.event.Event;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.DAY;
import static dev.portrait.core.feature.TestEvents.MINUTE;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.viewed;
import static org.assertj.core.api.Assertions.assertThat;

class SessionsTest {
    private static final Feature<Object> SESSIONS = Specs.feature("{kind: sessions, gap: 30m}");

    private static Event at(long minutes) {
        return viewed(T0 + minutes * MINUTE, Map.of());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> stats(Object state, long nowMinutes) {
        return (Map<String, Double>) SESSIONS.read(state, T0 + nowMinutes * MINUTE);
    }

    @Test
    void aStreamInTimeOrderIsCountedExactlyHoweverManySessionsItHas() {
        SplittableRandom random = new SplittableRandom(9);
        for (int trial = 0; trial < 20; trial++) {
            List<Event> events = new ArrayList<>();
            long t = T0;
            for (int i = 0; i < 300; i++) {
                t += random.nextInt(4) == 0 ? random.nextLong(25 * MINUTE, 3 * DAY) : random.nextLong(10 * MINUTE);
                events.add(viewed(t, Map.of()));
            }
            long now = t + random.nextLong(DAY);
            Values.assertSame(SESSIONS.read(fold(SESSIONS, events), now),
                    Oracles.sessions(30 * MINUTE).expected(events, now), "trial " + trial);
        }
    }

    @Test
    void theStatisticsOfTwoVisits() {
        Object s = fold(SESSIONS, List.of(at(0), at(10), at(20), at(120), at(125)));
        assertThat(stats(s, 130)).containsExactly(
                Map.entry("count", 2.0),
                Map.entry("mean_duration_s", (20 * 60 + 5 * 60) / 2.0),
                Map.entry("last_start", (double) (T0 + 120 * MINUTE)),
                Map.entry("last_duration_s", 300.0),
                Map.entry("active", 1.0));
        assertThat(SESSIONS.read(SESSIONS.empty(), T0)).isNull();
    }

    @Test
    void eventsExactlyTheGapApartAreOneSessionAndOneMillisecondMoreAreTwo() {
        assertThat(stats(fold(SESSIONS, List.of(at(0), at(30))), 30)).containsEntry("count", 1.0);
        Object two = fold(SESSIONS, List.of(at(0), viewed(T0 + 30 * MINUTE + 1, Map.of())));
        assertThat(stats(two, 31)).containsEntry("count", 2.0);
    }

    @Test
    void aLateEventWithinTheGapOfTheCurrentSessionExtendsItBackwards() {
        Object s = fold(SESSIONS, List.of(at(100), at(110), at(75)));
        assertThat(stats(s, 110)).containsEntry("count", 1.0).containsEntry("last_duration_s", 35 * 60.0);
    }

    @Test
    void aLateEventBridgingTwoRecentSessionsJoinsThem() {
        Object s = fold(SESSIONS, List.of(at(0), at(50), at(25)));
        assertThat(stats(s, 50)).containsEntry("count", 1.0).containsEntry("last_start", (double) T0);
    }

    @Test
    void theOverlappingLastSessionsOfTwoDevicesBecomeOneOnMerge() {
        Object phone = fold(SESSIONS, List.of(at(0), at(200), at(210)));
        Object laptop = fold(SESSIONS, List.of(at(100), at(220), at(230)));
        Object merged = SESSIONS.merge(phone, laptop);
        // sessions at 0, at 100 and from 200 to 230: the last two of each device were within the gap
        assertThat(stats(merged, 230)).containsEntry("count", 3.0).containsEntry("last_duration_s", 30 * 60.0)
                .containsEntry("last_start", (double) (T0 + 200 * MINUTE));
        Values.assertSame(SESSIONS.read(SESSIONS.merge(laptop, phone), T0), SESSIONS.read(merged, T0), "b+a vs a+b");
    }

    @Test
    void aLateEventOlderThanEveryKeptSessionCountsAsASessionOfItsOwn() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            events.add(at(i * 100));
        }
        events.add(at(105));
        Object s = fold(SESSIONS, events);
        assertThat(stats(s, 900)).as("documented approximation: the event joined session 1 in truth")
                .containsEntry("count", 11.0);
        assertThat(((Sessions.State) s).size).isEqualTo(Sessions.RECENT);
    }

    @Test
    void activeHoldsUntilTheGapAfterTheLastEventHasPassed() {
        Object s = fold(SESSIONS, List.of(at(0), at(10)));
        assertThat(stats(s, 40)).containsEntry("active", 1.0);
        assertThat(SESSIONS.nextChange(s, T0 + 40 * MINUTE)).isEqualTo(T0 + 40 * MINUTE + 1);
        assertThat(stats(s, 40).get("active")).isEqualTo(1.0);
        assertThat(SESSIONS.read(s, T0 + 40 * MINUTE + 1)).extracting(v -> ((Map<?, ?>) v).get("active")).isEqualTo(0.0);
        assertThat(SESSIONS.nextChange(s, T0 + 41 * MINUTE)).isEqualTo(Long.MAX_VALUE);
        assertThat(stats(s, -31)).as("well before the session").containsEntry("active", 0.0);
        assertThat(SESSIONS.nextChange(s, T0 - 31 * MINUTE)).isEqualTo(T0 - 30 * MINUTE);
        assertThat(stats(s, -30)).containsEntry("active", 1.0);
        assertThat(SESSIONS.orderFree()).isFalse();
    }
}
