package dev.portrait.core.privacy;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Laplace noise has the distribution (Kolmogorov–Smirnov) and the scale its calibration promises at
 * significance α = 0.001 with 100,000 draws, the test can tell a 10% wider scale apart, and snapped
 * outputs lie on a grid that does not depend on the exact answer.
 */
class LaplaceMechanismTest {
    private static final int DRAWS = 100_000;

    @Test
    void noiseFollowsTheLaplaceDistributionByKolmogorovSmirnov() {
        for (double epsilon : new double[] {0.1, 1.0}) {
            long seed = 0x1a91ace + Double.doubleToLongBits(epsilon);
            LaplaceMechanism m = LaplaceMechanism.of(epsilon, 5.0, 5.0 * AggregateReleases.MAX_PEOPLE);
            double[] x = draw(m, seed);
            double d = NoiseStatistics.ksDistance(x, m::cumulative);
            assertThat(d).as("seed %d, ε %s: D = %f", seed, epsilon, d).isLessThan(NoiseStatistics.ksCritical(DRAWS));
            assertThat(NoiseStatistics.varianceMatches(x, m.variance()))
                    .as("seed %d: sample variance %f, calibrated %f", seed, NoiseStatistics.variance(x), m.variance())
                    .isTrue();
        }
    }

    @Test
    void theKolmogorovSmirnovTestRejectsAScaleTenPercentWider() {
        long seed = 0x1a91acf;
        LaplaceMechanism claimed = LaplaceMechanism.of(1.0, 1.0, 1e6);
        LaplaceMechanism actual = LaplaceMechanism.of(1.0 / 1.1, 1.0, 1e6);
        double d = NoiseStatistics.ksDistance(draw(actual, seed), claimed::cumulative);
        assertThat(d).as("seed %d", seed).isGreaterThan(NoiseStatistics.ksCritical(DRAWS));
    }

    @Test
    void snappedOutputsLieOnTheSameGridWhateverTheExactAnswer() {
        LaplaceMechanism m = LaplaceMechanism.of(0.5, 3.0, 3.0 * AggregateReleases.MAX_PEOPLE);
        assertThat(m.granularity()).isEqualTo(8.0); // λ = 6, the next power of two
        long seed = 7;
        SplittableRandom random = new SplittableRandom(seed);
        Set<Double> residues = new HashSet<>();
        for (double exact : new double[] {0.0, 1.0, 0.1, 1234.567, -3.3}) {
            for (int i = 0; i < 2_000; i++) {
                double out = m.release(exact, random);
                residues.add(out % m.granularity());
            }
        }
        assertThat(residues).as("seed %d", seed).containsOnly(0.0, -0.0);
    }

    @Test
    void snappedReleasesStayWithinTheBoundAndCentreOnTheAnswer() {
        LaplaceMechanism m = LaplaceMechanism.of(1.0, 1.0, 100.0);
        long seed = 11;
        SplittableRandom random = new SplittableRandom(seed);
        double sum = 0;
        for (int i = 0; i < DRAWS; i++) {
            double out = m.release(1e9, random);
            assertThat(out).as("seed %d", seed).isBetween(-100.0, 100.0);
            sum += m.release(40.0, random);
        }
        // snapping to a grid of 1 adds at most 1/12 to the variance
        double tolerance = NoiseStatistics.Z_TWO_SIDED_999 * Math.sqrt((m.variance() + 1.0 / 12) / DRAWS);
        assertThat(sum / DRAWS).as("seed %d", seed).isCloseTo(40.0, org.assertj.core.data.Offset.offset(tolerance));
    }

    @Test
    void theChargeIsTheAskedEpsilonPlusSnappingsExcess() {
        LaplaceMechanism m = LaplaceMechanism.of(0.5, 2.0, 2.0 * AggregateReleases.MAX_PEOPLE);
        assertThat(m.epsilon()).isEqualTo(0.5 * (1 + 0x1p-49 * 0x1p31));
        assertThat(m.epsilon()).isGreaterThan(0.5).isLessThan(0.500002);
    }

    @Test
    void refusesABoundOutsideWhereSnappingIsProved() {
        assertThatThrownBy(() -> LaplaceMechanism.of(1.0, 1.0, 0.5)).hasMessageContaining("snapping bound");
        assertThatThrownBy(() -> LaplaceMechanism.of(1.0, 1.0, 0x1p47)).hasMessageContaining("snapping bound");
    }

    @Test
    void powersOfTwoRoundUp() {
        assertThat(LaplaceMechanism.powerOfTwoAtLeast(6)).isEqualTo(8);
        assertThat(LaplaceMechanism.powerOfTwoAtLeast(8)).isEqualTo(8);
        assertThat(LaplaceMechanism.powerOfTwoAtLeast(0.3)).isEqualTo(0.5);
    }

    private static double[] draw(LaplaceMechanism m, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            out[i] = m.noise(random);
        }
        return out;
    }
}
