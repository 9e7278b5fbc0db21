package dev.portrait.core.privacy;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The discrete Laplace noise has the distribution and the scale its calibration promises, at
 * significance α = 0.001 with 200,000 draws; and the same test tells a 10% miscalibration apart, so it
 * has the power to fail.
 */
class GeometricMechanismTest {
    private static final int DRAWS = 200_000;

    @Test
    void noiseFollowsTheDiscreteLaplaceDistributionByChiSquare() {
        long seed = 0x5eed_0001L;
        GeometricMechanism m = GeometricMechanism.of(0.5, 1);
        double chi = chiSquare(draw(m, seed), m);
        assertThat(chi).as("seed %d: chi-square %f over %d bins", seed, chi, BINS)
                .isLessThan(NoiseStatistics.chiSquareCritical(BINS - 1));
    }

    @Test
    void theChiSquareTestRejectsNoiseCalibratedForAnotherEpsilon() {
        long seed = 0x5eed_0002L;
        GeometricMechanism claimed = GeometricMechanism.of(0.5, 1);
        GeometricMechanism actual = GeometricMechanism.of(0.55, 1);
        double chi = chiSquare(draw(actual, seed), claimed);
        assertThat(chi).as("seed %d", seed).isGreaterThan(NoiseStatistics.chiSquareCritical(BINS - 1));
    }

    @Test
    void noiseVarianceMatchesTheCalibration() {
        for (double epsilon : new double[] {0.1, 0.5, 1.0, 2.0}) {
            for (long sensitivity : new long[] {1, 3}) {
                long seed = Double.doubleToLongBits(epsilon) ^ sensitivity;
                GeometricMechanism m = GeometricMechanism.of(epsilon, sensitivity);
                double[] x = toDoubles(draw(m, seed));
                assertThat(NoiseStatistics.varianceMatches(x, m.variance()))
                        .as("seed %d, ε %s, Δ %d: sample variance %f, calibrated %f", seed, epsilon, sensitivity,
                                NoiseStatistics.variance(x), m.variance())
                        .isTrue();
                assertThat(Math.abs(NoiseStatistics.mean(x))).as("seed %d: mean", seed)
                        .isLessThan(NoiseStatistics.Z_TWO_SIDED_999 * Math.sqrt(m.variance() / DRAWS));
            }
        }
    }

    @Test
    void neighbouringCountsAreAtMostEToTheEpsilonApartInProbability() {
        GeometricMechanism m = GeometricMechanism.of(0.7, 1);
        for (long z = -30; z <= 30; z++) {
            double ratio = m.probability(z) / m.probability(z + 1);
            assertThat(Math.max(ratio, 1 / ratio)).as("z %d", z).isLessThanOrEqualTo(Math.exp(0.7) * (1 + 1e-12));
        }
        double total = 0;
        for (long z = -2_000; z <= 2_000; z++) {
            total += m.probability(z);
        }
        assertThat(total).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(m.cumulative(-1) + m.probability(0) + (1 - m.cumulative(0))).isCloseTo(1.0,
                org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aReleaseIsTheExactCountPlusTheNoise() {
        GeometricMechanism m = GeometricMechanism.of(1.0, 1);
        long seed = 42;
        long noise = m.noise(new SplittableRandom(seed));
        assertThat(m.release(1_000, new SplittableRandom(seed))).as("seed %d", seed).isEqualTo(1_000 + noise);
    }

    @Test
    void refusesEpsilonThatIsNotPositiveAndSensitivityBelowOne() {
        assertThatThrownBy(() -> GeometricMechanism.of(0, 1)).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> GeometricMechanism.of(Double.NaN, 1)).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> GeometricMechanism.of(1, 0)).hasMessageContaining("sensitivity");
    }

    /** Bins -K..K, plus one for each tail beyond. */
    private static final int K = 12;
    private static final int BINS = 2 * K + 3;

    private static double chiSquare(long[] draws, GeometricMechanism expected) {
        long[] observed = new long[BINS];
        for (long z : draws) {
            observed[z < -K ? 0 : z > K ? BINS - 1 : (int) (z + K + 1)]++;
        }
        double chi = 0;
        for (int b = 0; b < BINS; b++) {
            double p = b == 0 ? expected.cumulative(-K - 1)
                    : b == BINS - 1 ? 1 - expected.cumulative(K)
                    : expected.probability(b - K - 1);
            double e = p * draws.length;
            chi += (observed[b] - e) * (observed[b] - e) / e;
        }
        return chi;
    }

    private static long[] draw(GeometricMechanism m, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long[] out = new long[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            out[i] = m.noise(random);
        }
        return out;
    }

    private static double[] toDoubles(long[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }
}
