package dev.portrait.core.privacy;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** The Gaussian noise has the classic calibration's σ and a normal distribution (KS, α = 0.001). */
class GaussianMechanismTest {
    private static final int DRAWS = 100_000;

    @Test
    void sigmaFollowsTheClassicCalibration() {
        GaussianMechanism m = GaussianMechanism.of(0.5, 1e-5, Math.sqrt(4));
        assertThat(m.sigma()).isCloseTo(2 * Math.sqrt(2 * Math.log(125_000)) / 0.5, offset(1e-9));
    }

    @Test
    void noiseIsNormalWithThatSigma() {
        long seed = 0x6a55;
        GaussianMechanism m = GaussianMechanism.of(0.8, 1e-6, 1);
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            x[i] = m.noise(random);
        }
        double d = NoiseStatistics.ksDistance(x, v -> NoiseStatistics.normalCdf(v / m.sigma()));
        assertThat(d).as("seed %d: D = %f", seed, d).isLessThan(NoiseStatistics.ksCritical(DRAWS));
        assertThat(NoiseStatistics.varianceMatches(x, m.sigma() * m.sigma())).as("seed %d", seed).isTrue();
        double dWide = NoiseStatistics.ksDistance(x, v -> NoiseStatistics.normalCdf(v / (1.1 * m.sigma())));
        assertThat(dWide).as("seed %d: a σ 10%% off is rejected", seed).isGreaterThan(NoiseStatistics.ksCritical(DRAWS));
    }

    @Test
    void refusesEpsilonOfOneOrMoreAndNoDelta() {
        assertThatThrownBy(() -> GaussianMechanism.of(1.0, 1e-6, 1)).hasMessageContaining("below 1");
        assertThatThrownBy(() -> GaussianMechanism.of(0.5, 0, 1)).hasMessageContaining("delta");
    }
}
