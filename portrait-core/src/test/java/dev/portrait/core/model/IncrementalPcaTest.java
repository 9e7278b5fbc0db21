package dev.portrait.core.model;

import dev.portrait.core.model.IncrementalPca.Component;
import dev.portrait.core.model.IncrementalPca.Config;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class IncrementalPcaTest {
    private static final List<String> NAMES = List.of("a", "b", "c", "d", "e", "f", "g", "h");
    /** Planted eigenvalues, largest first: the first three explain 15 / 17 of the variance. */
    private static final double[] PLANTED = {9, 4, 2, 0.6, 0.5, 0.4, 0.3, 0.2};

    /** A random orthonormal basis of R^d (Gram–Schmidt on Gaussian vectors), one direction per row. */
    private static double[][] randomBasis(SplittableRandom random, int d) {
        double[][] q = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                q[i][j] = random.nextGaussian();
            }
            for (int k = 0; k < i; k++) {
                double dot = dot(q[i], q[k]);
                for (int j = 0; j < d; j++) {
                    q[i][j] -= dot * q[k][j];
                }
            }
            double len = Math.sqrt(dot(q[i], q[i]));
            for (int j = 0; j < d; j++) {
                q[i][j] /= len;
            }
        }
        return q;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    /** {@code μ + Σ_i √λ_i g_i q_i}: covariance {@code Q Λ Qᵀ}, means far from zero. */
    private static double[] planted(SplittableRandom random, double[][] basis) {
        int d = basis.length;
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
            v[i] = 1_000 * (i + 1);
        }
        for (int c = 0; c < d; c++) {
            double g = Math.sqrt(PLANTED[c]) * random.nextGaussian();
            for (int i = 0; i < d; i++) {
                v[i] += g * basis[c][i];
            }
        }
        return v;
    }

    private static List<double[]> plantedData(SplittableRandom random, double[][] basis, int n) {
        List<double[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(planted(random, basis));
        }
        return out;
    }

    private static IncrementalPca fed(Config config, List<double[]> vectors) {
        IncrementalPca p = new IncrementalPca(config);
        vectors.forEach(p::observe);
        return p;
    }

    private static double[] direction(Component c) {
        return c.loadings().values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The batch reference: two-pass covariance (or correlation) and its top eigenpairs by power iteration with deflation. */
    private static final class BatchPca {
        final double[] values;
        final double[][] vectors;
        final double trace;

        BatchPca(List<double[]> xs, int k, boolean standardise) {
            int d = xs.get(0).length;
            int n = xs.size();
            double[] mean = new double[d];
            for (double[] x : xs) {
                for (int i = 0; i < d; i++) {
                    mean[i] += x[i] / n;
                }
            }
            double[][] cov = new double[d][d];
            for (double[] x : xs) {
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        cov[i][j] += (x[i] - mean[i]) * (x[j] - mean[j]) / (n - 1);
                    }
                }
            }
            if (standardise) {
                double[][] corr = new double[d][d];
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        corr[i][j] = cov[i][j] / Math.sqrt(cov[i][i] * cov[j][j]);
                    }
                }
                cov = corr;
            }
            double t = 0;
            for (int i = 0; i < d; i++) {
                t += cov[i][i];
            }
            trace = t;
            values = new double[k];
            vectors = new double[k][];
            double[][] deflated = new double[d][];
            for (int i = 0; i < d; i++) {
                deflated[i] = cov[i].clone();
            }
            for (int c = 0; c < k; c++) {
                double[] v = new double[d];
                java.util.Arrays.fill(v, 1 / Math.sqrt(d));
                v[c % d] += 0.3;
                for (int iteration = 0; iteration < 2_000; iteration++) {
                    double[] w = new double[d];
                    for (int i = 0; i < d; i++) {
                        w[i] = dot(deflated[i], v);
                    }
                    double len = Math.sqrt(dot(w, w));
                    for (int i = 0; i < d; i++) {
                        v[i] = w[i] / len;
                    }
                }
                double[] av = new double[d];
                for (int i = 0; i < d; i++) {
                    av[i] = dot(cov[i], v);
                }
                values[c] = dot(v, av);
                vectors[c] = v;
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        deflated[i][j] -= values[c] * v[i] * v[j];
                    }
                }
            }
        }
    }

    @Test
    void explainedVarianceMatchesBatchPcaAndComponentsAlignWithThePlantedDirections() {
        double[] worst = {0, 1, 1};
        Seeds.forEach("planted covariance", 5, random -> {
            double[][] basis = randomBasis(random, 8);
            List<double[]> data = plantedData(random, basis, 20_000);
            IncrementalPca pca = fed(new Config(NAMES, 3, false), data);
            BatchPca batch = new BatchPca(data, 3, false);
            List<Component> components = pca.components();
            assertThat(components).hasSize(3);
            IncrementalPca.ExplainedVariance explained = pca.explainedVariance();
            assertThat(explained.total()).isCloseTo(batch.trace, within(1e-9 * batch.trace));
            double cumulative = 0;
            for (int c = 0; c < 3; c++) {
                double batchRatio = batch.values[c] / batch.trace;
                cumulative += batchRatio;
                assertThat(explained.ratios().get(c)).as("ratio of component %d", c).isCloseTo(batchRatio, within(0.02));
                assertThat(explained.cumulative().get(c)).as("cumulative ratio to %d", c).isCloseTo(cumulative, within(0.02));
                assertThat(components.get(c).ratio()).isEqualTo(explained.ratios().get(c));
                assertThat(components.get(c).variance()).isCloseTo(batch.values[c], within(1e-9 * batch.values[0]));
                double[] online = direction(components.get(c));
                double withPlanted = Math.abs(dot(online, basis[c]));
                double withBatch = Math.abs(dot(online, batch.vectors[c]));
                assertThat(withPlanted).as("|cos| with planted direction %d", c).isGreaterThan(0.99);
                assertThat(withBatch).as("|cos| with batch direction %d", c).isGreaterThan(1 - 1e-9);
                worst[0] = Math.max(worst[0], Math.abs(explained.ratios().get(c) - batchRatio));
                worst[1] = Math.min(worst[1], withPlanted);
                worst[2] = Math.min(worst[2], withBatch);
            }
            // and the sample agrees with the plant: 15 / 17 of the variance in three components
            assertThat(explained.cumulative().get(2)).isCloseTo(15 / 17.0, within(0.01));
        });
        System.out.printf("IncrementalPca, 5 seeds, d=8, k=3, 20000 vectors: largest |ratio - batch ratio| %.2e;"
                + " smallest |cos| with planted direction %.6f, with batch direction 1 - %.1e%n",
                worst[0], worst[1], 1 - worst[2]);
    }

    @Test
    void standardisedComponentsAreThoseOfTheCorrelationMatrixWhateverTheUnits() {
        double[] worst = {0};
        Seeds.forEach("correlation PCA", 5, random -> {
            double[][] basis = randomBasis(random, 8);
            List<double[]> data = plantedData(random, basis, 5_000);
            // the same people with each feature in other units (thousandths to ten-thousands), the large ones shifted
            List<double[]> rescaled = new ArrayList<>();
            for (double[] v : data) {
                double[] w = new double[8];
                for (int i = 0; i < 8; i++) {
                    w[i] = v[i] * Math.pow(10, i - 3) + (i >= 4 ? 1e6 : 0);
                }
                rescaled.add(w);
            }
            IncrementalPca pca = fed(Config.of(NAMES, 3), data);
            IncrementalPca other = fed(Config.of(NAMES, 3), rescaled);
            BatchPca batch = new BatchPca(rescaled, 3, true);
            assertThat(pca.explainedVariance().total()).isCloseTo(8, within(1e-9));
            for (int c = 0; c < 3; c++) {
                Component a = pca.components().get(c);
                Component b = other.components().get(c);
                assertThat(b.ratio()).isCloseTo(batch.values[c] / 8, within(0.02));
                assertThat(b.ratio()).as("the units do not matter").isCloseTo(a.ratio(), within(1e-9));
                assertThat(dot(direction(a), direction(b))).as("same direction, same sign").isCloseTo(1, within(1e-9));
                assertThat(Math.abs(dot(direction(b), batch.vectors[c]))).isCloseTo(1, within(1e-9));
                worst[0] = Math.max(worst[0], Math.abs(b.ratio() - batch.values[c] / 8));
            }
            double[] p = pca.project(data.get(7));
            double[] q = other.project(rescaled.get(7));
            assertThat(q).containsExactly(p, within(1e-6));
        });
        System.out.printf("IncrementalPca standardised, 5 seeds, features in units 1e-3 .. 1e4: largest |ratio - batch"
                + " correlation PCA ratio| %.2e%n", worst[0]);
    }

    @Test
    void projectionsAreCentredUncorrelatedAndCarryEachComponentsVariance() {
        SplittableRandom random = new SplittableRandom(31);
        List<double[]> data = plantedData(random, randomBasis(random, 8), 4_000);
        for (boolean standardise : new boolean[] {false, true}) {
            IncrementalPca pca = fed(new Config(NAMES, 3, standardise), data);
            double[][] scores = data.stream().map(pca::project).toArray(double[][]::new);
            List<Component> components = pca.components();
            for (int a = 0; a < 3; a++) {
                double mean = 0;
                for (double[] s : scores) {
                    mean += s[a] / scores.length;
                }
                assertThat(mean).as("mean score on %d", a).isCloseTo(0, within(1e-8));
                for (int b = 0; b <= a; b++) {
                    double cov = 0;
                    for (double[] s : scores) {
                        cov += s[a] * s[b] / (scores.length - 1);
                    }
                    double expected = a == b ? components.get(a).variance() : 0;
                    assertThat(cov).as("covariance of scores %d and %d, standardise %s", a, b, standardise)
                            .isCloseTo(expected, within(1e-9 * components.get(0).variance()));
                }
            }
        }
    }

    @Test
    void mergingTwoHalvesEqualsObservingTheWhole() {
        Seeds.forEach("merge", 5, random -> {
            List<double[]> data = plantedData(random, randomBasis(random, 8), 3_000);
            Config config = new Config(NAMES, 4, random.nextBoolean());
            IncrementalPca whole = fed(config, data);
            int cut = 1 + random.nextInt(data.size() - 1);
            IncrementalPca first = fed(config, data.subList(0, cut));
            IncrementalPca second = fed(config, data.subList(cut, data.size()));
            second.observe(new double[] {1, 2, 3, Double.NaN, 5, 6, 7, 8});
            first.merge(second);
            first.merge(new IncrementalPca(config));
            assertThat(first.observed()).isEqualTo(whole.observed());
            assertThat(first.skipped()).isEqualTo(1);
            assertThat(first.mean()).containsExactly(whole.mean(), within(1e-9));
            for (int c = 0; c < 4; c++) {
                Component a = first.components().get(c);
                Component b = whole.components().get(c);
                assertThat(a.variance()).isCloseTo(b.variance(), within(1e-9 * b.variance()));
                assertThat(a.cumulativeRatio()).isCloseTo(b.cumulativeRatio(), within(1e-12));
                assertThat(direction(a)).containsExactly(direction(b), within(1e-9));
            }
            assertThat(first.project(data.get(0))).containsExactly(whole.project(data.get(0)), within(1e-9));
            // merging into an empty one copies
            IncrementalPca empty = new IncrementalPca(config);
            empty.merge(whole);
            assertThat(empty.project(data.get(1))).containsExactly(whole.project(data.get(1)), within(1e-12));
        });
    }

    @Test
    void encodingRoundTripsAndTheDecodedModelProjectsAndLearnsIdentically() {
        Seeds.forEach("round trip", 5, random -> {
            List<double[]> data = plantedData(random, randomBasis(random, 8), 1_000);
            IncrementalPca p = fed(new Config(NAMES, 2, random.nextBoolean()), data);
            p.observe(new double[] {Double.NaN, 0, 0, 0, 0, 0, 0, 0});
            byte[] bytes = Seeds.bytes(p::encode);
            IncrementalPca decoded = Seeds.decode(bytes, IncrementalPca::decode);
            assertThat(decoded.config()).isEqualTo(p.config());
            assertThat(Seeds.bytes(decoded::encode)).isEqualTo(bytes);
            assertThat(decoded.skipped()).isEqualTo(1);
            assertThat(decoded.components()).isEqualTo(p.components());
            for (double[] v : data.subList(0, 50)) {
                assertThat(decoded.project(v)).isEqualTo(p.project(v));
            }
            for (double[] v : plantedData(random, randomBasis(random, 8), 50)) {
                decoded.observe(v);
                p.observe(v);
            }
            assertThat(Seeds.bytes(decoded::encode)).isEqualTo(Seeds.bytes(p::encode));
        });
    }

    @Test
    void aVectorWithAMissingValueIsSkippedAndProjectedAsIfAtTheMean() {
        SplittableRandom random = new SplittableRandom(41);
        List<double[]> data = plantedData(random, randomBasis(random, 8), 500);
        IncrementalPca p = fed(Config.of(NAMES, 2), data);
        List<Component> before = p.components();
        double[] incomplete = data.get(3).clone();
        incomplete[2] = Double.NaN;
        p.observe(incomplete);
        assertThat(p.skipped()).isEqualTo(1);
        assertThat(p.observed()).isEqualTo(500);
        assertThat(p.components()).isEqualTo(before);
        double[] atMean = data.get(3).clone();
        atMean[2] = p.mean()[2];
        assertThat(p.project(incomplete)).isEqualTo(p.project(atMean));
    }

    @Test
    void aConstantFeatureWeighsNothingAndDoesNotCountInTheTotal() {
        IncrementalPca p = new IncrementalPca(Config.of(List.of("x", "constant", "y"), 3));
        SplittableRandom random = new SplittableRandom(51);
        for (int i = 0; i < 1_000; i++) {
            double x = random.nextGaussian();
            p.observe(new double[] {x, 42, x + 0.5 * random.nextGaussian()});
        }
        assertThat(p.explainedVariance().total()).isCloseTo(2, within(1e-12));
        for (Component c : p.components().subList(0, 2)) {
            assertThat(c.loadings().get("constant")).isZero();
        }
        assertThat(p.components().get(2).variance()).isZero();
        assertThat(p.explainedVariance().cumulative().get(2)).isCloseTo(1, within(1e-12));
        assertThat(p.project(new double[] {0, 1e6, 0})).doesNotContain(Double.NaN);
    }

    @Test
    void nothingIsProjectedBeforeTwoCompleteVectors() {
        IncrementalPca p = new IncrementalPca(Config.of(NAMES, 2));
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8};
        p.observe(v);
        assertThat(p.ready()).isFalse();
        assertThat(p.components()).isEmpty();
        assertThat(p.explainedVariance().ratios()).isEmpty();
        assertThatThrownBy(() -> p.project(v)).isInstanceOf(IllegalStateException.class)
                .hasMessage("no components before 2 complete vectors, have 1");
        p.observe(new double[] {2, 2, 3, 4, 5, 6, 7, 9});
        assertThat(p.ready()).isTrue();
        assertThat(p.components()).hasSize(2);
        assertThat(p.components().get(0).ratio()).isCloseTo(1, within(1e-12));
    }

    @Test
    void badVectorsAndSettingsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> Config.of(NAMES, 9)).hasMessage("components must be in [1, 8], got 9");
        assertThatThrownBy(() -> Config.of(NAMES, 0)).hasMessage("components must be in [1, 8], got 0");
        assertThatThrownBy(() -> Config.of(List.of("a", "a"), 1)).hasMessage("features must be distinct, got [a, a]");
        IncrementalPca p = new IncrementalPca(Config.of(List.of("a", "b"), 1));
        assertThatThrownBy(() -> p.observe(new double[] {1})).hasMessage("a vector needs 2 values [a, b], got 1");
        assertThatThrownBy(() -> p.observe(new double[] {1, Double.NEGATIVE_INFINITY})).hasMessage("b is infinite");
        assertThatThrownBy(() -> p.merge(new IncrementalPca(Config.of(List.of("a", "b"), 2))))
                .hasMessageStartingWith("cannot merge a PCA of Config[features=[a, b], components=2");
    }
}
