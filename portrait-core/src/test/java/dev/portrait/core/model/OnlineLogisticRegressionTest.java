package dev.portrait.core.model;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OnlineLogisticRegressionTest {
    /** The truth: P(y = 1 | x) = σ(2 x1 − 3 x2 + 0.5); x3 is noise. */
    private static double margin(double[] x) {
        return 2 * x[0] - 3 * x[1] + 0.5;
    }

    private static double[] draw(SplittableRandom random) {
        return new double[] {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
    }

    private static Map<String, Double> features(double[] x) {
        return Map.of("x1", x[0], "x2", x[1], "x3", x[2]);
    }

    @Test
    void learnsAKnownLinearBoundary() {
        Seeds.forEach("linear boundary", 5, random -> {
            OnlineLogisticRegression m = new OnlineLogisticRegression(OnlineLogisticRegression.Config.defaults());
            PrequentialMetrics oracle = new PrequentialMetrics();
            for (int i = 0; i < 20_000; i++) {
                double[] x = draw(random);
                double p = 1 / (1 + Math.exp(-margin(x)));
                boolean y = random.nextDouble() < p;
                oracle.record(p, y);
                m.update(features(x), y);
            }
            int agree = 0;
            for (int i = 0; i < 2_000; i++) {
                double[] x = draw(random);
                agree += (m.predict(features(x)) > 0.5) == (margin(x) > 0) ? 1 : 0;
            }
            assertThat(agree).as("fresh points on the right side of the true boundary").isGreaterThan(1_940);
            assertThat(m.weight("x1") / m.weight("x2")).as("the boundary's slope").isCloseTo(-2.0 / 3, within(0.07));
            assertThat(m.weight("x1")).isCloseTo(2.0, within(0.4));
            assertThat(Math.abs(m.weight("x3"))).as("the noise feature's weight").isLessThan(0.1);
            assertThat(m.intercept()).isCloseTo(0.5, within(0.2));
            // prequential figures, early mistakes included, come close to those of the truth itself
            assertThat(m.metrics().count()).isEqualTo(20_000);
            assertThat(m.metrics().auc()).isGreaterThan(oracle.auc() - 0.01);
            assertThat(m.metrics().logLoss()).isLessThan(oracle.logLoss() + 0.03);
        });
    }

    @Test
    void updateReturnsThePredictionMadeBeforeLearning() {
        OnlineLogisticRegression m = new OnlineLogisticRegression(OnlineLogisticRegression.Config.defaults());
        Map<String, Double> x = Map.of("plan=pro", 1.0);
        assertThat(m.predict(x)).isEqualTo(0.5);
        assertThat(m.update(x, true)).isEqualTo(0.5);
        double after = m.predict(x);
        assertThat(after).isGreaterThan(0.5);
        assertThat(m.update(x, true)).isEqualTo(after);
        assertThat(m.metrics().logLoss()).isCloseTo((Math.log(2) - Math.log(after)) / 2, within(1e-12));
    }

    @Test
    void anL1AboveEveryGradientSumKeepsEveryWeightAtExactlyZero() {
        OnlineLogisticRegression m = new OnlineLogisticRegression(new OnlineLogisticRegression.Config(0.1, 1, 1e6, 1, 8));
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 1_000; i++) {
            double[] x = draw(random);
            m.update(features(x), margin(x) > 0);
        }
        assertThat(m.weight("x1")).isZero();
        assertThat(m.intercept()).isZero();
        assertThat(m.predict(features(draw(random)))).isEqualTo(0.5);
    }

    @Test
    void theSameFeaturesGiveBitIdenticalScoresWhateverTheMapOrder() {
        Seeds.forEach("map order", 5, random -> {
            OnlineLogisticRegression a = new OnlineLogisticRegression(new OnlineLogisticRegression.Config(0.1, 1, 0, 1, 4));
            OnlineLogisticRegression b = new OnlineLogisticRegression(new OnlineLogisticRegression.Config(0.1, 1, 0, 1, 4));
            for (int i = 0; i < 500; i++) {
                // 40 names in 16 coordinates: collisions guaranteed, so summing order matters
                Map<String, Double> hashed = new HashMap<>();
                TreeMap<String, Double> sorted = new TreeMap<>();
                for (int f = 0; f < 12; f++) {
                    String name = "f" + random.nextInt(40);
                    double v = random.nextGaussian() * 1e3;
                    hashed.put(name, v);
                    sorted.put(name, v);
                }
                LinkedHashMap<String, Double> reversed = new LinkedHashMap<>();
                sorted.descendingMap().forEach(reversed::put);
                boolean y = random.nextBoolean();
                assertThat(b.update(reversed, y)).isEqualTo(a.update(hashed, y));
            }
            assertThat(Seeds.bytes(b::encode)).isEqualTo(Seeds.bytes(a::encode));
        });
    }

    @Test
    void memoryIsFixedByTheHashSpaceWhateverNamesArrive() {
        OnlineLogisticRegression m = new OnlineLogisticRegression(new OnlineLogisticRegression.Config(0.1, 1, 0.1, 1, 6));
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 5_000; i++) {
            m.update(Map.of("user=" + i, 1.0, "hour=" + random.nextInt(24), 1.0), random.nextBoolean());
        }
        // 64 coordinates × (gap + z + n), the intercept and config, and 400 histogram bins at most
        assertThat(Seeds.bytes(m::encode).length).isLessThanOrEqualTo(64 * 17 + 60 + 400 * 7 + 30);
    }

    @Test
    void encodingRoundTripsAndTheDecodedModelLearnsOnAlike() {
        SplittableRandom random = new SplittableRandom(5);
        OnlineLogisticRegression m = new OnlineLogisticRegression(OnlineLogisticRegression.Config.defaults());
        for (int i = 0; i < 2_000; i++) {
            double[] x = draw(random);
            m.update(features(x), margin(x) > 0);
        }
        byte[] bytes = Seeds.bytes(m::encode);
        OnlineLogisticRegression decoded = Seeds.decode(bytes, OnlineLogisticRegression::decode);
        assertThat(decoded.config()).isEqualTo(m.config());
        assertThat(Seeds.bytes(decoded::encode)).isEqualTo(bytes);
        assertThat(decoded.metrics().auc()).isEqualTo(m.metrics().auc());
        double[] x = draw(random);
        assertThat(decoded.update(features(x), true)).isEqualTo(m.update(features(x), true));
        assertThat(Seeds.bytes(decoded::encode)).isEqualTo(Seeds.bytes(m::encode));
    }

    @Test
    void badFeaturesAndSettingsAreRefused() {
        OnlineLogisticRegression m = new OnlineLogisticRegression(OnlineLogisticRegression.Config.defaults());
        assertThatThrownBy(() -> m.predict(Map.of("x", Double.NEGATIVE_INFINITY))).hasMessage("feature x is infinite");
        assertThat(m.predict(Map.of("x", Double.NaN))).as("NaN is a missing value").isEqualTo(0.5);
        assertThatThrownBy(() -> new OnlineLogisticRegression.Config(0, 1, 0, 0, 8)).hasMessage("alpha must be positive, got 0.0");
        assertThatThrownBy(() -> new OnlineLogisticRegression.Config(0.1, 1, 0, 0, 30))
                .hasMessage("hashBits must be in [4, 24], got 30");
        assertThat(List.of(m.weight("never seen"))).containsExactly(0.0);
    }
}
