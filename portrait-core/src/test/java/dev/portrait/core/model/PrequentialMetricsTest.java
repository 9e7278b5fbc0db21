package dev.portrait.core.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PrequentialMetricsTest {
    @Test
    void theHistogramAucMatchesTheExactPairwiseAuc() {
        Seeds.forEach("auc", 20, random -> {
            int n = random.nextInt(50, 1_500);
            double[] scores = new double[n];
            boolean[] labels = new boolean[n];
            double separation = random.nextDouble(0, 3);
            double base = random.nextDouble(-8, 2);
            PrequentialMetrics m = new PrequentialMetrics();
            for (int i = 0; i < n; i++) {
                // rare positives with probabilities crowded near 0, as propensity scores are
                labels[i] = random.nextInt(10) == 0;
                double logit = base + random.nextGaussian() + (labels[i] ? separation : 0);
                scores[i] = 1 / (1 + Math.exp(-logit));
                m.record(scores[i], labels[i]);
            }
            double concordant = 0;
            long pairs = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (labels[i] && !labels[j]) {
                        pairs++;
                        concordant += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                    }
                }
            }
            if (pairs == 0) {
                assertThat(m.auc()).isNaN();
            } else {
                assertThat(m.auc()).isCloseTo(concordant / pairs, within(0.01));
            }
        });
    }

    @Test
    void aPerfectRankingScoresOneAndAReversedOneZero() {
        PrequentialMetrics right = new PrequentialMetrics();
        PrequentialMetrics wrong = new PrequentialMetrics();
        for (int i = 0; i < 100; i++) {
            right.record(0.9, true);
            right.record(0.1, false);
            wrong.record(0.1, true);
            wrong.record(0.9, false);
        }
        assertThat(right.auc()).isEqualTo(1.0);
        assertThat(wrong.auc()).isEqualTo(0.0);
        assertThat(right.logLoss()).isCloseTo(-Math.log(0.9), within(1e-12));
        assertThat(right.positives()).isEqualTo(100);
        assertThat(new PrequentialMetrics().logLoss()).isNaN();
    }

    @Test
    void tiedScoresCountOneHalf() {
        PrequentialMetrics m = new PrequentialMetrics();
        for (int i = 0; i < 10; i++) {
            m.record(0.3, i % 2 == 0);
        }
        m.record(0.9, true);
        m.record(0.01, false);
        // 6 positives × 6 negatives: 5 × 5 tied pairs count half, the other 11 are ranked right
        assertThat(m.auc()).isCloseTo((12.5 + 11) / 36, within(1e-12));
    }

    @Test
    void certainWrongAnswersCostAFiniteLogLoss() {
        PrequentialMetrics m = new PrequentialMetrics();
        m.record(0.0, true);
        m.record(1.0, false);
        // 1 − 1e−15 is not exact in binary, hence the tolerance
        assertThat(m.logLoss()).isCloseTo(-Math.log(1e-15), within(1e-3));
        assertThatThrownBy(() -> m.record(1.5, true)).hasMessage("a probability must be in [0, 1], got 1.5");
    }

    @Test
    void addingTheFiguresOfTwoHalvesEqualsRecordingTheWhole() {
        Seeds.forEach("add", 5, random -> {
            PrequentialMetrics whole = new PrequentialMetrics();
            PrequentialMetrics first = new PrequentialMetrics();
            PrequentialMetrics second = new PrequentialMetrics();
            for (int i = 0; i < 1_000; i++) {
                double p = random.nextDouble();
                boolean y = random.nextDouble() < p;
                whole.record(p, y);
                (i < 400 ? first : second).record(p, y);
            }
            first.add(second);
            assertThat(first.auc()).isEqualTo(whole.auc());
            assertThat(first.count()).isEqualTo(whole.count());
            assertThat(first.logLoss()).isCloseTo(whole.logLoss(), within(1e-12));
        });
    }

    @Test
    void encodingRoundTrips() {
        PrequentialMetrics m = new PrequentialMetrics(50);
        for (int i = 0; i < 300; i++) {
            m.record(i / 300.0, i % 3 == 0);
        }
        byte[] bytes = Seeds.bytes(m::encode);
        PrequentialMetrics decoded = Seeds.decode(bytes, PrequentialMetrics::decode);
        assertThat(Seeds.bytes(decoded::encode)).isEqualTo(bytes);
        assertThat(decoded.auc()).isEqualTo(m.auc());
        assertThat(decoded.logLoss()).isEqualTo(m.logLoss());
    }

    @Test
    void aCalibratedModelsCurveLiesOnTheDiagonalAndAnOverconfidentOnesBelowIt() {
        long seed = 1203L;
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        PrequentialMetrics calibrated = new PrequentialMetrics();
        PrequentialMetrics overconfident = new PrequentialMetrics();
        for (int i = 0; i < 200_000; i++) {
            double p = random.nextDouble();
            calibrated.record(p, random.nextDouble() < p);
            overconfident.record(p, random.nextDouble() < p / 2); // says p, happens half as often
        }
        var curve = calibrated.calibration(10);
        assertThat(curve).as("seed %d", seed).hasSize(10);
        long total = 0;
        for (var b : curve) {
            total += b.examples();
            assertThat(b.predicted()).as("seed %d, bucket %s", seed, b).isBetween(b.from(), b.to());
            // 20,000 examples a bucket: the observed share is within 0.015 of the mean score (≈ 3 standard errors)
            assertThat(b.observed()).as("seed %d, bucket %s", seed, b).isCloseTo(b.predicted(), within(0.015));
        }
        assertThat(total).isEqualTo(calibrated.count());
        for (var b : overconfident.calibration(10)) {
            assertThat(b.observed()).as("seed %d, bucket %s", seed, b).isCloseTo(b.predicted() / 2, within(0.015));
        }
    }

    @Test
    void emptyBucketsAreLeftOutAndTheBucketCountIsChecked() {
        PrequentialMetrics m = new PrequentialMetrics();
        assertThat(m.calibration(10)).isEmpty();
        m.record(0.95, true);
        m.record(0.97, false);
        assertThat(m.calibration(10)).singleElement().satisfies(b -> {
            assertThat(b.from()).isEqualTo(0.9);
            assertThat(b.examples()).isEqualTo(2);
            assertThat(b.positives()).isEqualTo(1);
            assertThat(b.observed()).isEqualTo(0.5);
        });
        assertThatThrownBy(() -> m.calibration(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
