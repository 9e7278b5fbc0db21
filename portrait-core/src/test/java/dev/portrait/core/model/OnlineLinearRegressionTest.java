package dev.portrait.core.model;

import dev.portrait.core.model.OnlineLinearRegression.Config;
import dev.portrait.core.model.OnlineLinearRegression.TargetTransform;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OnlineLinearRegressionTest {
    private static final List<String> NAMES = List.of("x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8");
    /** The truth: y = w·x + 3 + N(0, 0.5²); x7 and x8 play no part. */
    private static final double[] TRUE_W = {1.5, -2.0, 0.7, 0.0, 3.1, -0.4, 0.0, 0.0};
    private static final double TRUE_B = 3.0;
    private static final double NOISE = 0.5;

    /** Correlated features: x2 leans on x1, x4 on x3, so the problem is not trivially diagonal. */
    private static double[] draw(SplittableRandom random) {
        double[] x = new double[8];
        for (int i = 0; i < 8; i++) {
            x[i] = random.nextGaussian();
        }
        x[1] += 0.6 * x[0];
        x[3] += 0.8 * x[2];
        return x;
    }

    private static double truth(double[] x) {
        double y = TRUE_B;
        for (int i = 0; i < x.length; i++) {
            y += TRUE_W[i] * x[i];
        }
        return y;
    }

    private static Map<String, Double> features(double[] x) {
        Map<String, Double> m = new HashMap<>();
        for (int i = 0; i < x.length; i++) {
            m.put(NAMES.get(i), x[i]);
        }
        return m;
    }

    /**
     * Batch least squares by the normal equations {@code (XᵀX + ridge·I') β = Xᵀy} (the intercept,
     * column 0, unpenalised) and a Cholesky solve: the reference the online model is held to.
     */
    static double[] batchLeastSquares(List<double[]> xs, List<Double> ys, double ridge) {
        int p = xs.get(0).length + 1;
        double[][] a = new double[p][p];
        double[] b = new double[p];
        for (int n = 0; n < xs.size(); n++) {
            double[] row = new double[p];
            row[0] = 1;
            System.arraycopy(xs.get(n), 0, row, 1, p - 1);
            for (int i = 0; i < p; i++) {
                b[i] += row[i] * ys.get(n);
                for (int j = 0; j < p; j++) {
                    a[i][j] += row[i] * row[j];
                }
            }
        }
        for (int i = 1; i < p; i++) {
            a[i][i] += ridge;
        }
        double[][] l = new double[p][p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        }
        double[] z = new double[p];
        for (int i = 0; i < p; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * z[k];
            }
            z[i] = s / l[i][i];
        }
        double[] beta = new double[p];
        for (int i = p - 1; i >= 0; i--) {
            double s = z[i];
            for (int k = i + 1; k < p; k++) {
                s -= l[k][i] * beta[k];
            }
            beta[i] = s / l[i][i];
        }
        return beta;
    }

    private static double batchPredict(double[] beta, double[] x) {
        double y = beta[0];
        for (int i = 0; i < x.length; i++) {
            y += beta[i + 1] * x[i];
        }
        return y;
    }

    @Test
    void heldOutErrorIsWithinFivePercentOfBatchLeastSquaresAndTheWeightsAreTheTruth() {
        double[] worst = {0, 0, 0};
        Seeds.forEach("against batch least squares", 10, random -> {
            OnlineLinearRegression m = new OnlineLinearRegression(Config.of(NAMES));
            List<double[]> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                double[] x = draw(random);
                double y = truth(x) + NOISE * random.nextGaussian();
                xs.add(x);
                ys.add(y);
                m.update(features(x), y);
            }
            double[] ols = batchLeastSquares(xs, ys, 0);
            double onlineSquares = 0;
            double batchSquares = 0;
            for (int i = 0; i < 2_000; i++) {
                double[] x = draw(random);
                double y = truth(x) + NOISE * random.nextGaussian();
                onlineSquares += Math.pow(m.predict(features(x)) - y, 2);
                batchSquares += Math.pow(batchPredict(ols, x) - y, 2);
            }
            double online = Math.sqrt(onlineSquares / 2_000);
            double batch = Math.sqrt(batchSquares / 2_000);
            assertThat(online).as("held-out RMSE against batch %.6f", batch).isLessThanOrEqualTo(1.05 * batch);
            assertThat(batch).as("batch RMSE near the noise").isBetween(0.9 * NOISE, 1.1 * NOISE);
            double weightError = Math.abs(m.intercept() - TRUE_B);
            for (int i = 0; i < 8; i++) {
                assertThat(m.weight(NAMES.get(i))).as(NAMES.get(i)).isCloseTo(TRUE_W[i], within(0.05));
                weightError = Math.max(weightError, Math.abs(m.weight(NAMES.get(i)) - TRUE_W[i]));
            }
            assertThat(m.intercept()).isCloseTo(TRUE_B, within(0.05));
            worst[0] = Math.max(worst[0], online / batch - 1);
            worst[1] = Math.max(worst[1], weightError);
            worst[2] = Math.max(worst[2], online);
        });
        System.out.printf("OnlineLinearRegression, 10 seeds, d=8, 5000 train / 2000 held out: held-out RMSE at most"
                + " %.2e above batch least squares (worst %.4f, noise %.2f); largest weight error %.4f%n",
                worst[0], worst[2], NOISE, worst[1]);
    }

    @Test
    void theWeightsAreTheBatchRidgeSolutionToRoundingEvenOnBadlyScaledFeatures() {
        double[] worst = {0};
        Seeds.forEach("exact ridge", 10, random -> {
            // cents beside a 0/1 flag beside a near-duplicate: condition number of XᵀX about 1e9
            List<String> names = List.of("cents", "flag", "x", "xAgain");
            double ridge = 0.5;
            OnlineLinearRegression m = new OnlineLinearRegression(new Config(names, ridge, TargetTransform.IDENTITY));
            List<double[]> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                double x = random.nextGaussian();
                double[] v = {5_000 + 2_000 * random.nextGaussian(), random.nextDouble() < 0.1 ? 1 : 0, x,
                        x + 0.01 * random.nextGaussian()};
                double y = 0.002 * v[0] + 4 * v[1] + x + 2 * random.nextGaussian();
                xs.add(v);
                ys.add(y);
                m.update(Map.of("cents", v[0], "flag", v[1], "x", v[2], "xAgain", v[3]), y);
            }
            double[] beta = batchLeastSquares(xs, ys, ridge);
            assertThat(m.intercept()).isCloseTo(beta[0], within(1e-7 * Math.max(1, Math.abs(beta[0]))));
            for (int i = 0; i < names.size(); i++) {
                double error = Math.abs(m.weight(names.get(i)) - beta[i + 1]) / Math.max(1e-3, Math.abs(beta[i + 1]));
                assertThat(error).as("relative error of %s", names.get(i)).isLessThan(1e-6);
                worst[0] = Math.max(worst[0], error);
            }
        });
        System.out.printf("OnlineLinearRegression, 10 seeds, badly scaled d=4: largest relative difference from batch"
                + " ridge %.2e%n", worst[0]);
    }

    @Test
    void prequentialErrorsComeDownToTheNoiseAndBeatTheRunningMean() {
        SplittableRandom random = new SplittableRandom(21);
        OnlineLinearRegression m = new OnlineLinearRegression(Config.of(NAMES));
        for (int i = 0; i < 5_000; i++) {
            double[] x = draw(random);
            m.update(features(x), truth(x) + NOISE * random.nextGaussian());
        }
        PrequentialErrors e = m.metrics();
        assertThat(e.count()).isEqualTo(5_000);
        // early examples, predicted knowing nothing, stay in the figure: a little above the noise
        assertThat(e.rmse()).isBetween(NOISE, 1.2 * NOISE);
        assertThat(e.mae()).isBetween(0.9 * NOISE * Math.sqrt(2 / Math.PI), 1.2 * NOISE * Math.sqrt(2 / Math.PI));
        assertThat(Math.abs(e.bias())).isLessThan(0.05);
        // sd(y) is √(var(w·x) + noise²) = √(0.3² + 2² + 0.7² + 3.1² + 0.4² + 0.5²) ≈ 3.82
        assertThat(e.baselineRmse()).isBetween(3.6, 4.1);
        assertThat(e.baselineRmse()).isGreaterThan(6 * e.rmse());
        System.out.printf("OnlineLinearRegression prequential, 5000 examples, noise %.2f: RMSE %.4f, MAE %.4f, bias %.4f,"
                + " running-mean baseline RMSE %.4f%n", NOISE, e.rmse(), e.mae(), e.bias(), e.baselineRmse());
    }

    @Test
    void updateReturnsThePredictionMadeBeforeLearning() {
        OnlineLinearRegression m = new OnlineLinearRegression(Config.of(List.of("visits")));
        Map<String, Double> x = Map.of("visits", 2.0);
        assertThat(m.predict(x)).isZero();
        assertThat(m.update(x, 10)).isZero();
        double after = m.predict(x);
        assertThat(after).isGreaterThan(5);
        assertThat(m.update(x, 10)).isEqualTo(after);
        assertThat(m.metrics().count()).isEqualTo(2);
        assertThat(m.metrics().mae()).isCloseTo((10 + (10 - after)) / 2, within(1e-12));
    }

    @Test
    void aLog1pTargetIsFittedInLogsAndPredictedInItsOwnUnits() {
        Seeds.forEach("log1p", 5, random -> {
            OnlineLinearRegression m = new OnlineLinearRegression(new Config(NAMES, 1, TargetTransform.LOG1P));
            for (int i = 0; i < 5_000; i++) {
                double[] x = draw(random);
                // above −1 always, as log1p needs; negative "spend" is harmless here
                m.update(features(x), Math.expm1(0.2 * truth(x) + 0.1 * random.nextGaussian()));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(m.weight(NAMES.get(i))).as(NAMES.get(i)).isCloseTo(0.2 * TRUE_W[i], within(0.02));
            }
            double[] x = draw(random);
            double fitted = m.intercept();
            for (int i = 0; i < 8; i++) {
                fitted += m.weight(NAMES.get(i)) * x[i];
            }
            assertThat(m.predict(features(x))).isCloseTo(Math.expm1(fitted), within(1e-12 * Math.exp(Math.abs(fitted))));
            assertThat(m.predict(features(x))).isGreaterThan(-1);
        });
        OnlineLinearRegression m = new OnlineLinearRegression(new Config(NAMES, 1, TargetTransform.LOG1P));
        assertThatThrownBy(() -> m.update(Map.of(), -1)).hasMessage("a log1p target must be > -1, got -1.0");
        // a runaway fit is clipped to a finite prediction, not infinity
        OnlineLinearRegression huge = new OnlineLinearRegression(new Config(List.of("x"), 1, TargetTransform.LOG1P));
        for (int i = 0; i < 10; i++) {
            huge.update(Map.of("x", 1.0), 1e300);
            huge.update(Map.of("x", 0.0), 0);
        }
        assertThat(huge.predict(Map.of("x", 1e6))).isFinite();
    }

    @Test
    void theSameFeaturesGiveBitIdenticalResultsWhateverTheMapOrderAndUndeclaredNamesAreIgnored() {
        Seeds.forEach("map order", 5, random -> {
            OnlineLinearRegression a = new OnlineLinearRegression(Config.of(NAMES));
            OnlineLinearRegression b = new OnlineLinearRegression(Config.of(NAMES));
            for (int i = 0; i < 500; i++) {
                double[] x = draw(random);
                Map<String, Double> hashed = features(x);
                List<String> names = new ArrayList<>(NAMES);
                Collections.reverse(names);
                LinkedHashMap<String, Double> reversed = new LinkedHashMap<>();
                reversed.put("not a feature", random.nextGaussian());
                for (String n : names) {
                    reversed.put(n, hashed.get(n));
                }
                double y = truth(x) + random.nextGaussian();
                assertThat(b.update(reversed, y)).isEqualTo(a.update(hashed, y));
            }
            assertThat(Seeds.bytes(b::encode)).isEqualTo(Seeds.bytes(a::encode));
        });
    }

    @Test
    void aMissingValueCountsAsZero() {
        OnlineLinearRegression m = new OnlineLinearRegression(Config.of(NAMES));
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < 200; i++) {
            double[] x = draw(random);
            m.update(features(x), truth(x));
        }
        Map<String, Double> withNaN = new HashMap<>(features(draw(random)));
        withNaN.put("x3", Double.NaN);
        Map<String, Double> zero = new HashMap<>(withNaN);
        zero.put("x3", 0.0);
        Map<String, Double> absent = new HashMap<>(withNaN);
        absent.remove("x3");
        assertThat(m.predict(withNaN)).isEqualTo(m.predict(zero)).isEqualTo(m.predict(absent));
    }

    @Test
    void aDuplicatedFeatureSharesItsWeightInsteadOfBlowingUp() {
        OnlineLinearRegression m = new OnlineLinearRegression(Config.of(List.of("x", "sameX")));
        SplittableRandom random = new SplittableRandom(9);
        for (int i = 0; i < 2_000; i++) {
            double x = random.nextGaussian();
            m.update(Map.of("x", x, "sameX", x), 3 * x + 1 + 0.1 * random.nextGaussian());
        }
        assertThat(m.weight("x")).isCloseTo(1.5, within(0.01));
        assertThat(m.weight("sameX")).isCloseTo(1.5, within(0.01));
        assertThat(m.predict(Map.of("x", 2.0, "sameX", 2.0))).isCloseTo(7, within(0.02));
        assertThat(m.weights()).containsOnlyKeys("x", "sameX");
    }

    @Test
    void encodingRoundTripsAndTheDecodedModelPredictsAndLearnsIdentically() {
        Seeds.forEach("round trip", 5, random -> {
            OnlineLinearRegression m = new OnlineLinearRegression(
                    new Config(NAMES, 0.25, random.nextBoolean() ? TargetTransform.LOG1P : TargetTransform.IDENTITY));
            for (int i = 0; i < 1_000; i++) {
                double[] x = draw(random);
                m.update(features(x), Math.abs(truth(x)));
            }
            byte[] bytes = Seeds.bytes(m::encode);
            OnlineLinearRegression decoded = Seeds.decode(bytes, OnlineLinearRegression::decode);
            assertThat(decoded.config()).isEqualTo(m.config());
            assertThat(Seeds.bytes(decoded::encode)).isEqualTo(bytes);
            assertThat(decoded.metrics().rmse()).isEqualTo(m.metrics().rmse());
            assertThat(decoded.weights()).isEqualTo(m.weights());
            for (int i = 0; i < 100; i++) {
                Map<String, Double> x = features(draw(random));
                assertThat(decoded.predict(x)).isEqualTo(m.predict(x));
            }
            for (int i = 0; i < 100; i++) {
                double[] x = draw(random);
                assertThat(decoded.update(features(x), 1 + i)).isEqualTo(m.update(features(x), 1 + i));
            }
            assertThat(Seeds.bytes(decoded::encode)).isEqualTo(Seeds.bytes(m::encode));
        });
    }

    @Test
    void badSettingsFeaturesAndTargetsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> new Config(NAMES, 0, TargetTransform.IDENTITY))
                .hasMessage("l2 must be positive and finite, got 0.0");
        assertThatThrownBy(() -> new Config(NAMES, Double.NaN, TargetTransform.IDENTITY))
                .hasMessage("l2 must be positive and finite, got NaN");
        assertThatThrownBy(() -> new Config(List.of("a", "b", "a"), 1, TargetTransform.IDENTITY))
                .hasMessage("features must be distinct, got [a, b, a]");
        assertThatThrownBy(() -> new Config(List.of(), 1, TargetTransform.IDENTITY))
                .hasMessage("features must name at least one feature, got []");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add("f" + i);
        }
        assertThatThrownBy(() -> Config.of(many)).hasMessage("features.size must be in [1, 64], got 65");
        assertThatThrownBy(() -> new Config(NAMES, 1, null)).hasMessage("target transform is required");
        OnlineLinearRegression m = new OnlineLinearRegression(Config.of(NAMES));
        assertThatThrownBy(() -> m.predict(Map.of("x1", Double.POSITIVE_INFINITY))).hasMessage("feature x1 is infinite");
        assertThatThrownBy(() -> m.update(Map.of("x1", 1.0), Double.NaN)).hasMessage("a target must be finite, got NaN");
        assertThatThrownBy(() -> m.weight("x9"))
                .hasMessage("x9 is not a feature of this model [x1, x2, x3, x4, x5, x6, x7, x8]");
        assertThat(m.metrics().count()).as("refused updates leave no trace").isZero();
    }
}
