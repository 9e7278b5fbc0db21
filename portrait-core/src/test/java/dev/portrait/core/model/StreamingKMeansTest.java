package dev.portrait.core.model;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamingKMeansTest {
    private static final List<String> FEATURES = List.of("revenue", "visits", "recency");
    /** Three personas on wildly different scales: big spenders, frequent visitors, lapsed users. */
    private static final double[][] CENTRES = {{5_000, 2, 0.01}, {100, 30, 0.01}, {100, 2, 0.5}};
    private static final double[] SPREAD = {200, 1.5, 0.02};

    private static double[] point(SplittableRandom random, int blob) {
        double[] x = new double[3];
        for (int d = 0; d < 3; d++) {
            x[d] = CENTRES[blob][d] + SPREAD[d] * random.nextGaussian();
        }
        return x;
    }

    private static StreamingKMeans trained(SplittableRandom random, int points) {
        StreamingKMeans m = new StreamingKMeans(new StreamingKMeans.Config(FEATURES, 3, 50, random.nextLong(), 2));
        for (int i = 0; i < points; i++) {
            m.observe(point(random, random.nextInt(3)));
        }
        return m;
    }

    @Test
    void findsWellSeparatedBlobsOnDifferentScales() {
        Seeds.forEach("blobs", 10, random -> {
            StreamingKMeans m = trained(random, 1_500);
            Set<Integer> clusters = new HashSet<>();
            for (int blob = 0; blob < 3; blob++) {
                int cluster = m.assign(CENTRES[blob]).orElseThrow().cluster();
                clusters.add(cluster);
                for (int i = 0; i < 100; i++) {
                    assertThat(m.assign(point(random, blob)).orElseThrow().cluster()).as("a point of blob %d", blob)
                            .isEqualTo(cluster);
                }
                double[] centroid = m.centroidArrays()[cluster];
                for (int d = 0; d < 3; d++) {
                    assertThat(Math.abs(centroid[d] - CENTRES[blob][d])).as("blob %d, %s", blob, FEATURES.get(d))
                            .isLessThan(0.3 * SPREAD[d]);
                }
            }
            assertThat(clusters).hasSize(3);
        });
    }

    @Test
    void aCentroidIsDescribedByItsStrongestStandardisedFeatures() {
        StreamingKMeans m = trained(new SplittableRandom(11), 1_500);
        String[] expected = {"revenue", "visits", "recency"};
        for (int blob = 0; blob < 3; blob++) {
            int cluster = m.assign(CENTRES[blob]).orElseThrow().cluster();
            StreamingKMeans.Centroid c = m.centroids().get(cluster);
            assertThat(c.cluster()).isEqualTo(cluster);
            assertThat(c.strongest()).hasSize(2);
            assertThat(c.strongest().get(0).feature()).isEqualTo(expected[blob]);
            assertThat(c.strongest().get(0).z()).isGreaterThan(1.0);
            assertThat(c.center().keySet()).containsExactlyElementsOf(FEATURES);
            assertThat(c.absorbed()).isBetween(300L, 700L);
        }
        assertThat(m.centroids().stream().mapToLong(StreamingKMeans.Centroid::absorbed).sum()).isEqualTo(1_500);
    }

    @Test
    void theDistanceIsStandardisedAndAMissingValueCountsAsTheMean() {
        StreamingKMeans m = trained(new SplittableRandom(12), 1_500);
        int bigSpenders = m.assign(CENTRES[0]).orElseThrow().cluster();
        // 3 spreads of revenue away from the centre: about 3 × 200 / σ(revenue) in standard units, not 600
        StreamingKMeans.Assignment a = m.assign(new double[] {5_600, 2, 0.01}).orElseThrow();
        assertThat(a.cluster()).isEqualTo(bigSpenders);
        assertThat(a.distance()).isBetween(0.1, 1.0);
        // revenue missing: the mean revenue lies between the personas, visits and recency decide
        assertThat(m.assign(new double[] {Double.NaN, 30, 0.01}).orElseThrow().cluster())
                .isEqualTo(m.assign(CENTRES[1]).orElseThrow().cluster());
    }

    @Test
    void nothingIsAssignedBeforeTheFirstBatchSeedsTheCentroids() {
        StreamingKMeans m = new StreamingKMeans(new StreamingKMeans.Config(FEATURES, 3, 10, 1, 1));
        for (int i = 0; i < 9; i++) {
            m.observe(CENTRES[i % 3]);
            assertThat(m.seeded()).isFalse();
            assertThat(m.assign(CENTRES[0])).isEmpty();
            assertThat(m.centroids()).isEmpty();
        }
        m.observe(CENTRES[0]);
        assertThat(m.seeded()).isTrue();
        assertThat(m.centroids()).hasSize(3);
    }

    @Test
    void fewerDistinctPointsThanClustersStillSeed() {
        StreamingKMeans m = new StreamingKMeans(new StreamingKMeans.Config(FEATURES, 3, 10, 1, 1));
        for (int i = 0; i < 10; i++) {
            m.observe(new double[] {1, 2, 3});
        }
        assertThat(m.assign(new double[] {1, 2, 3}).orElseThrow().distance()).isZero();
    }

    @Test
    void memoryStaysAtKCentroidsAndOneBatchHoweverLongTheStream() {
        Seeds.forEach("bounded", 3, random -> {
            StreamingKMeans m = new StreamingKMeans(new StreamingKMeans.Config(FEATURES, 3, 50, 5, 1));
            int largest = 0;
            for (int i = 0; i < 20_000; i++) {
                m.observe(point(random, random.nextInt(3)));
                if (i % 997 == 0) {
                    largest = Math.max(largest, Seeds.bytes(m::encode).length);
                }
                assertThat(m.bufferedVectors()).isLessThan(50);
            }
            // header and names, 3 × (Welford 26 bytes), 3 centroids × (count + 3 doubles), 49 buffered × 3 doubles
            assertThat(largest).isLessThanOrEqualTo(60 + 3 * 26 + 3 * (10 + 24) + 49 * 24);
            assertThat(m.observed()).isEqualTo(20_000);
        });
    }

    @Test
    void encodingRoundTripsMidBatchAndTheSameSeedGivesTheSameModel() {
        Seeds.forEach("round trip", 5, random -> {
            long seed = random.nextLong();
            StreamingKMeans a = trained(new SplittableRandom(seed), 1_234);
            StreamingKMeans b = trained(new SplittableRandom(seed), 1_234);
            byte[] bytes = Seeds.bytes(a::encode);
            assertThat(Seeds.bytes(b::encode)).isEqualTo(bytes);
            StreamingKMeans decoded = Seeds.decode(bytes, StreamingKMeans::decode);
            assertThat(decoded.config()).isEqualTo(a.config());
            assertThat(Seeds.bytes(decoded::encode)).isEqualTo(bytes);
            SplittableRandom more = new SplittableRandom(seed + 1);
            for (int i = 0; i < 100; i++) {
                double[] x = point(more, more.nextInt(3));
                a.observe(x);
                decoded.observe(x);
            }
            assertThat(Seeds.bytes(decoded::encode)).isEqualTo(Seeds.bytes(a::encode));
            assertThat(decoded.centroids()).isEqualTo(a.centroids());
        });
    }

    @Test
    void badVectorsAndSettingsAreRefused() {
        StreamingKMeans m = new StreamingKMeans(StreamingKMeans.Config.of(FEATURES, 4));
        assertThat(m.config().batchSize()).isEqualTo(256);
        assertThatThrownBy(() -> m.observe(new double[] {1, 2}))
                .hasMessage("a vector needs 3 values [revenue, visits, recency], got 2");
        assertThatThrownBy(() -> m.observe(new double[] {1, Double.POSITIVE_INFINITY, 2})).hasMessage("visits is infinite");
        assertThatThrownBy(() -> new StreamingKMeans.Config(FEATURES, 5, 4, 1, 1))
                .hasMessage("batchSize must be in [5, 100000], got 4");
        assertThatThrownBy(() -> new StreamingKMeans.Config(List.of("a", "a"), 1, 4, 1, 1))
                .hasMessage("features must be distinct, got [a, a]");
    }
}
