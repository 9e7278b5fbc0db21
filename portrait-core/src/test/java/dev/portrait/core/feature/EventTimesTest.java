package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.DAY;
import static dev.portrait.core.feature.TestEvents.HOUR;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.viewed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventTimesTest {
    private static final List<dev.portrait.core.event.Event> VISITS = List.of(
            viewed(T0 + 5 * DAY, Map.of()), viewed(T0, Map.of()), viewed(T0 + 2 * DAY, Map.of()));

    @Test
    void firstAndLastSeenAreTheEarliestAndLatestEventTimes() {
        Feature<Object> first = Specs.feature("{kind: first_seen}");
        Feature<Object> last = Specs.feature("{kind: last_seen}");
        assertThat(first.read(fold(first, VISITS), 0)).isEqualTo(T0);
        assertThat(last.read(fold(last, VISITS), 0)).isEqualTo(T0 + 5 * DAY);
        assertThat(first.read(first.empty(), 0)).isNull();
        assertThat(first.valueType()).isEqualTo(ValueType.TIMESTAMP);
    }

    @Test
    void timeSinceCountsWholeUnitsAndChangesExactlyWhenTheNextOneIsComplete() {
        Feature<Object> f = Specs.feature("{kind: time_since}");
        Object s = fold(f, VISITS);
        long last = T0 + 5 * DAY;
        assertThat(f.read(s, last + 3 * DAY - 1)).isEqualTo(2L);
        assertThat(f.nextChange(s, last + 3 * DAY - 1)).isEqualTo(last + 3 * DAY);
        assertThat(f.read(s, last + 3 * DAY)).isEqualTo(3L);
        assertThat(f.nextChange(s, last + 3 * DAY)).isEqualTo(last + 4 * DAY);
        assertThat(f.read(f.empty(), last)).isNull();
        assertThat(f.nextChange(f.empty(), last)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void timeSinceTheFirstEventInHours() {
        Feature<Object> f = Specs.feature("{kind: time_since, of: first, unit: 1h}");
        assertThat(f.read(fold(f, VISITS), T0 + DAY + 90 * 60_000)).isEqualTo(25L);
    }

    @Test
    void anEventAheadOfNowIsZeroUnitsAgoUntilAWholeUnitHasPassed() {
        Feature<Object> f = Specs.feature("{kind: time_since, unit: 1h}");
        Object s = fold(f, List.of(viewed(T0, Map.of())));
        assertThat(f.read(s, T0 - 3 * HOUR)).isEqualTo(0L);
        assertThat(f.nextChange(s, T0 - 3 * HOUR)).isEqualTo(T0 + HOUR);
    }

    @Test
    void ofMustBeFirstOrLast() {
        assertThatThrownBy(() -> Specs.feature("{kind: time_since, of: middle}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("features[3].of: \"middle\" is not one of [last, first]");
    }
}
