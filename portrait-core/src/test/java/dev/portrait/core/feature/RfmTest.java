package dev.portrait.core.feature;

import dev.portrait.core.event.Event;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.DAY;
import static dev.portrait.core.feature.TestEvents.HOUR;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

class RfmTest {
    /** Noon UTC, so day tiles (aligned to midnight UTC) are easy to read. */
    private static final long NOON = Math.floorDiv(T0, DAY) * DAY + 12 * HOUR;
    private static final Feature<Object> RFM =
            Specs.feature("{kind: rfm, property: revenue, window: 30d, events: [Order Completed]}");

    private static Event order(long at, Object revenue) {
        return track("Order Completed", at, revenue == null ? Map.of() : Map.of("revenue", revenue));
    }

    @Test
    void recencyFrequencyAndMonetaryOfThreeOrders() {
        Object s = fold(RFM, List.of(order(NOON - 40 * DAY, 100.0), order(NOON - 10 * DAY, 50L),
                order(NOON - DAY - HOUR, 25.5)));
        assertThat(RFM.read(s, NOON)).isEqualTo(Map.of("recency_days", 1.0, "frequency", 2.0, "monetary", 75.5));
        assertThat(RFM.read(RFM.empty(), NOON)).isNull();
    }

    @Test
    void anOrderWithoutRevenueStillCountsAsAnOrder() {
        Object s = fold(RFM, List.of(order(NOON, null), order(NOON, "unknown"), order(NOON, 10.0)));
        assertThat(RFM.read(s, NOON)).isEqualTo(Map.of("recency_days", 0.0, "frequency", 3.0, "monetary", 10.0));
    }

    @Test
    void theValueChangesWhenRecencyTicksOverOrATileLeavesWhicheverIsFirst() {
        Object s = fold(RFM, List.of(order(NOON - 29 * DAY - 6 * HOUR, 5.0), order(NOON - 2 * HOUR, 1.0)));
        // the old order's tile began at midnight 29 days ago and leaves at the coming midnight
        assertThat(RFM.nextChange(s, NOON)).isEqualTo(NOON + 12 * HOUR);
        assertThat(RFM.nextChange(s, NOON + 12 * HOUR)).isEqualTo(NOON + DAY - 2 * HOUR);
        assertThat(RFM.read(s, NOON + 12 * HOUR)).isEqualTo(Map.of("recency_days", 0.0, "frequency", 1.0, "monetary", 1.0));
        assertThat(RFM.read(s, NOON + DAY - 2 * HOUR)).isEqualTo(Map.of("recency_days", 1.0, "frequency", 1.0, "monetary", 1.0));
    }
}
