package dev.portrait.core.privacy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Counts, segment vectors and feature statistics: calibration, suppression and what they charge. */
class AggregateReleasesTest {
    private static final int DRAWS = 50_000;

    @Test
    void segmentCountsShareEpsilonSoEachIsNoisierByTheirNumber() {
        long seed = 0xa66;
        SplittableRandom random = new SplittableRandom(seed);
        DpRequest request = DpRequest.laplace(1.0);
        double[] first = new double[DRAWS];
        for (int i = 0; i < DRAWS; i++) {
            List<NoisyCount> counts = AggregateReleases.counts(new long[] {100_000, 100_000, 100_000}, request, 0, random);
            first[i] = counts.get(0).count() - 100_000;
        }
        GeometricMechanism perCount = GeometricMechanism.of(1.0 / 3, 1);
        assertThat(NoiseStatistics.varianceMatches(first, perCount.variance()))
                .as("seed %d: variance %f, calibrated %f", seed, NoiseStatistics.variance(first), perCount.variance())
                .isTrue();
        assertThat(AggregateReleases.countCost(request)).isEqualTo(PrivacyCost.pure(1.0));
    }

    @Test
    void gaussianSegmentCountsUseTheL2SensitivityOfTheVector() {
        DpRequest request = new DpRequest(DpRequest.Mechanism.GAUSSIAN, 0.5, 1e-6);
        List<NoisyCount> counts = AggregateReleases.counts(new long[] {1_000, 1_000, 1_000, 1_000}, request, 0,
                new SplittableRandom(1));
        assertThat(counts.get(0).noiseStdDev()).isEqualTo(GaussianMechanism.of(0.5, 1e-6, 2).sigma());
        assertThat(AggregateReleases.countCost(request)).isEqualTo(new PrivacyCost(0.5, 1e-6));
    }

    @Test
    void countsBelowTheThresholdAreSuppressedByTheirNoisyValue() {
        long seed = 5;
        SplittableRandom random = new SplittableRandom(seed);
        int suppressedSmall = 0;
        int suppressedLarge = 0;
        for (int i = 0; i < 1_000; i++) {
            NoisyCount small = AggregateReleases.count(2, DpRequest.laplace(1.0), 10, random);
            NoisyCount large = AggregateReleases.count(500, DpRequest.laplace(1.0), 10, random);
            suppressedSmall += small.suppressed() ? 1 : 0;
            suppressedLarge += large.suppressed() ? 1 : 0;
            if (!small.suppressed()) {
                assertThat(small.count()).as("seed %d", seed).isGreaterThanOrEqualTo(10);
            }
        }
        // P(2 + Z ≥ 10) = α^8 / (1 + α) ≈ 2e-4 at ε = 1
        assertThat(suppressedSmall).as("seed %d", seed).isGreaterThan(990);
        assertThat(suppressedLarge).as("seed %d", seed).isZero();
    }

    @Test
    void statisticsAreUnbiasedAndTheirMeanStaysWithinTheBounds() {
        long seed = 0x57a75;
        SplittableRandom random = new SplittableRandom(seed);
        double sumOfSums = 0;
        double sumOfCounts = 0;
        for (int i = 0; i < DRAWS; i++) {
            NoisyStatistics s = AggregateReleases.statistics(1_000, 25_000.0, 0, 100, DpRequest.laplace(1.0), 10, random);
            assertThat(s.mean()).as("seed %d", seed).isBetween(0.0, 100.0);
            sumOfSums += s.sum();
            sumOfCounts += s.count();
        }
        LaplaceMechanism summing = LaplaceMechanism.of(0.5, 100, 100 * AggregateReleases.MAX_PEOPLE);
        double sumTolerance = NoiseStatistics.Z_TWO_SIDED_999
                * Math.sqrt((summing.variance() + summing.granularity() * summing.granularity() / 12) / DRAWS);
        assertThat(sumOfSums / DRAWS).as("seed %d", seed)
                .isCloseTo(25_000.0, org.assertj.core.data.Offset.offset(sumTolerance));
        double countTolerance = NoiseStatistics.Z_TWO_SIDED_999 * Math.sqrt(GeometricMechanism.of(0.5, 1).variance() / DRAWS);
        assertThat(sumOfCounts / DRAWS).as("seed %d", seed)
                .isCloseTo(1_000.0, org.assertj.core.data.Offset.offset(countTolerance));
    }

    @Test
    void statisticsChargeHalfForTheCountAndHalfPlusSnappingForTheSum() {
        PrivacyCost cost = AggregateReleases.statisticsCost(DpRequest.laplace(1.0), -5, 2);
        assertThat(cost.epsilon()).isEqualTo(0.5 + LaplaceMechanism.of(0.5, 5, 5 * AggregateReleases.MAX_PEOPLE).epsilon());
        assertThat(cost.delta()).isZero();
    }

    @Test
    void statisticsRefuseTheGaussianMechanismAndEmptyBounds() {
        DpRequest gaussian = new DpRequest(DpRequest.Mechanism.GAUSSIAN, 0.5, 1e-6);
        assertThatThrownBy(() -> AggregateReleases.statisticsCost(gaussian, 0, 1)).hasMessageContaining("Laplace");
        assertThatThrownBy(() -> AggregateReleases.statisticsCost(DpRequest.laplace(1), 0, 0)).hasMessageContaining("[0, 0]");
        assertThatThrownBy(() -> AggregateReleases.statisticsCost(DpRequest.laplace(1), 3, 1)).hasMessageContaining("lower");
    }

    @Test
    void aRequestValidatesItsMechanismsParameters() {
        assertThatThrownBy(() -> new DpRequest(DpRequest.Mechanism.LAPLACE, 1, 1e-6)).hasMessageContaining("no delta");
        assertThatThrownBy(() -> new DpRequest(DpRequest.Mechanism.GAUSSIAN, 1.5, 1e-6)).hasMessageContaining("below 1");
        assertThatThrownBy(() -> DpRequest.laplace(-1)).hasMessageContaining("epsilon");
    }
}
