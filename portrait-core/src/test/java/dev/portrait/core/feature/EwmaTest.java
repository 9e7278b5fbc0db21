package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.HOUR;
import static dev.portrait.core.feature.TestEvents.MINUTE;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EwmaTest {
    private static dev.portrait.core.event.Event order(long time, double amount) {
        return track("Order Completed", time, Map.of("revenue", amount));
    }

    @Test
    void fixedAlphaOfAHalfOverTenTwentyThirtyGivesTenFifteenTwentyTwoAndAHalf() {
        Feature<Object> f = Specs.feature("{kind: ewma, property: revenue, alpha: 0.5}");
        Object s = f.empty();
        List<Object> values = new ArrayList<>();
        for (double x : new double[] {10, 20, 30}) {
            s = f.update(s, order(T0, x));
            values.add(f.read(s, T0));
        }
        assertThat(values).containsExactly(10.0, 15.0, 22.5);
    }

    @Test
    void timeAwareAlphaGrowsWithTheTimeSinceThePreviousUpdate() {
        Feature<Object> f = Specs.feature("{kind: ewma, property: revenue, tau: 1h}");
        Object s = f.update(f.empty(), order(T0, 10));
        assertThat(f.read(s, T0)).isEqualTo(10.0);
        // one tau later: alpha = 1 - e^-1 = 0.6321205588; 10 + 0.6321205588 * (20 - 10)
        s = f.update(s, order(T0 + HOUR, 20));
        assertThat((double) f.read(s, T0)).isCloseTo(16.321205588, within(1e-9));
        // half a tau later with 0: alpha = 1 - e^-0.5 = 0.3934693403; 16.321205588 * (1 - 0.3934693403)
        s = f.update(s, order(T0 + HOUR + 30 * MINUTE, 0));
        assertThat((double) f.read(s, T0)).isCloseTo(9.899311593, within(1e-9));
    }

    @Test
    void aSimultaneousOrLateEventGetsAlphaZeroInTheTimeAwareForm() {
        Feature<Object> f = Specs.feature("{kind: ewma, property: revenue, tau: 1h}");
        Object s = fold(f, List.of(order(T0, 10), order(T0, 1000), order(T0 - HOUR, 1000)));
        assertThat(f.read(s, T0)).isEqualTo(10.0);
    }

    @Test
    void anAverageOfNothingHasNoValueAndNonNumbersAreSkipped() {
        Feature<Object> f = Specs.feature("{kind: ewma, property: revenue, alpha: 0.2}");
        assertThat(f.read(f.empty(), T0)).isNull();
        Object s = fold(f, List.of(track("Order Completed", T0, Map.of("revenue", "lots")), order(T0, 7)));
        assertThat(f.read(s, T0)).isEqualTo(7.0);
        assertThat(f.orderFree()).isFalse();
        assertThat(f.nextChange(s, T0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void mergeKeepsTheStateUpdatedLastAndOnATieTheLargerValue() {
        Feature<Object> f = Specs.feature("{kind: ewma, property: revenue, alpha: 0.5}");
        Object earlier = fold(f, List.of(order(T0 + 10, 100)));
        Object later = fold(f, List.of(order(T0 + 20, 1)));
        assertThat(f.read(f.merge(earlier, later), T0)).isEqualTo(1.0);
        assertThat(f.read(f.merge(later, earlier), T0)).isEqualTo(1.0);
        Object tie = fold(f, List.of(order(T0 + 20, 3)));
        assertThat(f.read(f.merge(later, tie), T0)).isEqualTo(3.0);
        assertThat(f.read(f.merge(tie, later), T0)).isEqualTo(3.0);
        assertThat(f.read(f.merge(f.empty(), earlier), T0)).isEqualTo(100.0);
    }

    @Test
    void alphaAndTauTogetherAreRejected() {
        assertThatThrownBy(() -> Specs.feature("{kind: ewma, property: revenue, alpha: 0.5, tau: 1h}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("features[3].tau: cannot be combined with alpha; give exactly one of alpha (fixed)"
                        + " or tau (time-aware)");
    }

    @Test
    void neitherAlphaNorTauIsRejected() {
        assertThatThrownBy(() -> Specs.feature("{kind: ewma, property: revenue}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("features[3]: needs exactly one of alpha (a number in (0, 1]) or tau (a duration such as 7d)");
    }

    @Test
    void alphaOutsideZeroToOneIsRejected() {
        assertThatThrownBy(() -> Specs.feature("{kind: ewma, property: revenue, alpha: 1.5}"))
                .hasMessage("features[3].alpha: 1.5 is outside [0.0, 1.0]");
        assertThatThrownBy(() -> Specs.feature("{kind: ewma, property: revenue, alpha: 0}"))
                .hasMessage("features[3].alpha: 0.0 is outside (0, 1]: the average would never move");
        assertThatThrownBy(() -> Specs.feature("{kind: ewma, property: revenue, alpha: half}"))
                .hasMessage("features[3].alpha: must be a number, got \"half\"");
        assertThatThrownBy(() -> Specs.feature("{kind: ewma, property: revenue, tau: 7x}"))
                .hasMessage("features[3].tau: \"7x\" is not a duration (like 90s, 15m, 24h, 7d, 2w)");
    }
}
