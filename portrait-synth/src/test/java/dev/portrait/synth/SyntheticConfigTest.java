package dev.portrait.synth;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticConfigTest {
    private final SyntheticConfig defaults = SyntheticConfig.defaults(1);

    @Test
    void defaultsDescribeAMillionPersonShopWithHalfAPercentOfEachFlaw() {
        assertThat(defaults.users()).isEqualTo(1_000_000);
        assertThat(defaults.itemPopularityExponent()).isEqualTo(1.1);
        assertThat(defaults.duplicateRate()).isEqualTo(0.005);
        assertThat(defaults.malformedRate()).isEqualTo(0.005);
        assertThat(defaults.jitterShare()).isEqualTo(0.01);
        assertThat(defaults.start()).isEqualTo(SyntheticConfig.DEFAULT_START);
    }

    @Test
    void eachWitherChangesOnlyItsKnob() {
        SyntheticConfig changed = defaults.withUsers(10);
        assertThat(changed.users()).isEqualTo(10);
        assertThat(changed).isEqualTo(new SyntheticConfig(1, 10, defaults.items(), defaults.categories(),
                defaults.brands(), defaults.start(), defaults.itemPopularityExponent(), defaults.userActivityExponent(),
                defaults.concurrentSessions(), defaults.medianGap(), defaults.anonymousFirstShare(),
                defaults.secondDeviceShare(), defaults.aliasShare(), defaults.favouriteShare(), defaults.driftShare(),
                defaults.driftWindow(), defaults.duplicateRate(), defaults.malformedRate(), defaults.jitterShare(),
                defaults.maxJitter()));
        assertThat(defaults.withFlaws(0.1, 0.2).withJitter(0, Duration.ZERO).withSeed(1).withUsers(1_000_000)
                .withFlaws(0.005, 0.005).withJitter(0.01, Duration.ofSeconds(3))).isEqualTo(defaults);
    }

    @Test
    void badValuesAreRefusedNamingTheKnobAndTheValue() {
        assertThatThrownBy(() -> defaults.withUsers(0)).hasMessage("users must be at least 1, got 0");
        assertThatThrownBy(() -> defaults.withCatalogue(10, 20, 5))
                .hasMessage("categories must not exceed items (10), got 20");
        assertThatThrownBy(() -> defaults.withFlaws(0.6, 0.5)).hasMessageContaining("duplicateRate + malformedRate");
        assertThatThrownBy(() -> defaults.withFavouriteShare(1.5)).hasMessageContaining("favouriteShare")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> defaults.withItemPopularityExponent(Double.NaN))
                .hasMessageContaining("itemPopularityExponent");
        assertThatThrownBy(() -> defaults.withMedianGap(Duration.ZERO)).hasMessageContaining("medianGap");
        assertThatThrownBy(() -> defaults.withJitter(0.1, Duration.ZERO)).hasMessageContaining("maxJitter");
        assertThatThrownBy(() -> defaults.withDrift(0.5, Duration.ofMillis(-5))).hasMessageContaining("driftWindow");
    }
}
