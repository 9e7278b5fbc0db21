package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.Arrays;
import java.util.Map;

/**
 * Propensity: logistic regression learned one example at a time with FTRL-proximal (McMahan et al.,
 * "Ad click prediction: a view from the trenches", KDD 2013, algorithm 1), whose per-coordinate
 * learning rates suit sparse, unevenly frequent features and whose L1 term keeps unused weights at
 * exactly zero.
 *
 * <p>Per coordinate {@code i} the state is {@code z_i} and {@code n_i}; the weight is
 * {@code w_i = 0} when {@code |z_i| ≤ λ1}, else {@code −(z_i − sgn(z_i) λ1) / ((β + √n_i) / α + λ2)}.
 * An example {@code (x, y)} is scored {@code p = σ(Σ w_i x_i)} (the margin clipped to ±35), and then
 * {@code g_i = (p − y) x_i}, {@code σ_i = (√(n_i + g_i²) − √n_i) / α}, {@code z_i += g_i − σ_i w_i},
 * {@code n_i += g_i²}. An intercept is always present, as its own coordinate.
 *
 * <p><b>Features.</b> Named, with numeric values (a categorical one as {@code "plan=pro" → 1}); the
 * name is hashed into {@code 2^hashBits} coordinates (the hashing trick, Weinberger et al. 2009), so
 * memory is fixed whatever names arrive and colliding names share a weight. The hash is
 * {@link String#hashCode()} (specified by the language, so stable across JVMs) through MurmurHash3's
 * finaliser. Coordinates are summed in index order, so the same features give bit-identical results
 * in whatever order a map yields them. {@code NaN} values are missing and skipped. Values should be
 * on a unit-ish scale ({@code log1p} of counts, say): FTRL adapts rates per coordinate but not scale.
 *
 * <p>{@link #update} scores before it learns and records the score in {@link #metrics()}, which is
 * therefore the prequential figure. Not thread-safe.
 */
public final class OnlineLogisticRegression {
    private static final int VERSION = 1;
    private static final double MAX_MARGIN = 35.0;

    /**
     * @param alpha    learning-rate scale
     * @param beta     learning-rate smoothing ({@code 1} is the paper's advice)
     * @param l1       L1 strength; coordinates with {@code |z| ≤ l1} weigh exactly zero
     * @param l2       L2 strength
     * @param hashBits {@code log2} of the number of hashed coordinates
     */
    public record Config(double alpha, double beta, double l1, double l2, int hashBits) {
        public Config {
            if (!(alpha > 0) || Double.isInfinite(alpha)) {
                throw new IllegalArgumentException("alpha must be positive, got " + alpha);
            }
            for (double v : new double[] {beta, l1, l2}) {
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("beta, l1 and l2 must be finite and >= 0, got " + beta + ", "
                            + l1 + ", " + l2);
                }
            }
            ItemStatistics.requireIn("hashBits", hashBits, 4, 24);
        }

        /** alpha 0.1, beta 1, L1 0.1, L2 1, 2^18 coordinates. */
        public static Config defaults() {
            return new Config(0.1, 1.0, 0.1, 1.0, 18);
        }
    }

    private final Config config;
    private final int mask;
    private final double[] z;
    private final double[] n;
    private double biasZ;
    private double biasN;
    private PrequentialMetrics metrics = new PrequentialMetrics();

    public OnlineLogisticRegression(Config config) {
        this.config = config;
        this.mask = (1 << config.hashBits()) - 1;
        this.z = new double[1 << config.hashBits()];
        this.n = new double[1 << config.hashBits()];
    }

    public Config config() {
        return config;
    }

    /** The probability of a positive label for these features. */
    public double predict(Map<String, Double> features) {
        return probability(hashed(features));
    }

    /**
     * Learns one labelled example and returns the probability it was given before learning, which
     * also goes into {@link #metrics()}.
     */
    public double update(Map<String, Double> features, boolean label) {
        Hashed x = hashed(features);
        double p = probability(x);
        metrics.record(p, label);
        double y = label ? 1.0 : 0.0;
        double g = p - y;
        double w = weight(biasZ, biasN);
        double sigma = (Math.sqrt(biasN + g * g) - Math.sqrt(biasN)) / config.alpha();
        biasZ += g - sigma * w;
        biasN += g * g;
        for (int k = 0; k < x.size; k++) {
            int i = x.index[k];
            double gi = g * x.value[k];
            double wi = weight(z[i], n[i]);
            double si = (Math.sqrt(n[i] + gi * gi) - Math.sqrt(n[i])) / config.alpha();
            z[i] += gi - si * wi;
            n[i] += gi * gi;
        }
        return p;
    }

    /** The current weight of a feature's coordinate (shared with any name that collides with it). */
    public double weight(String feature) {
        int i = indexOf(feature);
        return weight(z[i], n[i]);
    }

    /** The current intercept. */
    public double intercept() {
        return weight(biasZ, biasN);
    }

    /** Prequential AUC and log-loss of every {@link #update} so far. */
    public PrequentialMetrics metrics() {
        return metrics;
    }

    private double probability(Hashed x) {
        double margin = weight(biasZ, biasN);
        for (int k = 0; k < x.size; k++) {
            int i = x.index[k];
            margin += weight(z[i], n[i]) * x.value[k];
        }
        return sigmoid(margin);
    }

    private static double sigmoid(double margin) {
        double clipped = Math.max(-MAX_MARGIN, Math.min(MAX_MARGIN, margin));
        return 1.0 / (1.0 + Math.exp(-clipped));
    }

    /**
     * The model's predictions as they are now, in a form that never changes: readers on other threads
     * score with it while this model goes on learning. It keeps only the non-zero weights (L1 leaves
     * most coordinates at zero), so it is small next to the 2 × 2^hashBits state behind it.
     */
    public Frozen frozen() {
        int nonZero = 0;
        for (int i = 0; i < n.length; i++) {
            if (n[i] != 0 && weight(z[i], n[i]) != 0.0) {
                nonZero++;
            }
        }
        int[] coordinates = new int[nonZero];
        double[] weights = new double[nonZero];
        int k = 0;
        for (int i = 0; i < n.length; i++) {
            double w = n[i] == 0 ? 0.0 : weight(z[i], n[i]);
            if (w != 0.0) {
                coordinates[k] = i;
                weights[k++] = w;
            }
        }
        return new Frozen(mask, weight(biasZ, biasN), coordinates, weights);
    }

    /**
     * A copy of a model's weights at one moment ({@link #frozen()}); predicts exactly as the model did
     * then (the same coordinates summed in the same order). Immutable, so safe to share between threads.
     */
    public static final class Frozen {
        private final int mask;
        private final double intercept;
        private final int[] coordinates;
        private final double[] weights;

        private Frozen(int mask, double intercept, int[] coordinates, double[] weights) {
            this.mask = mask;
            this.intercept = intercept;
            this.coordinates = coordinates;
            this.weights = weights;
        }

        /** The probability of a positive label for these features. */
        public double predict(Map<String, Double> features) {
            Hashed x = hashed(features, mask);
            double margin = intercept;
            for (int k = 0; k < x.size; k++) {
                int at = Arrays.binarySearch(coordinates, x.index[k]);
                // a coordinate at zero weight adds 0.0, as the live model's sum does
                margin += (at >= 0 ? weights[at] : 0.0) * x.value[k];
            }
            return sigmoid(margin);
        }
    }

    private double weight(double zi, double ni) {
        if (Math.abs(zi) <= config.l1()) {
            return 0.0;
        }
        return -(zi - Math.signum(zi) * config.l1()) / ((config.beta() + Math.sqrt(ni)) / config.alpha() + config.l2());
    }

    private int indexOf(String feature) {
        return indexOf(feature, mask);
    }

    private static int indexOf(String feature, int mask) {
        int h = feature.hashCode();
        // MurmurHash3 fmix32: spreads String.hashCode's low-entropy low bits before masking
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h & mask;
    }

    /** Features as sorted, de-duplicated coordinates; colliding names add their values. */
    private static final class Hashed {
        final int[] index;
        final double[] value;
        int size;

        Hashed(int capacity) {
            index = new int[capacity];
            value = new double[capacity];
        }
    }

    private Hashed hashed(Map<String, Double> features) {
        return hashed(features, mask);
    }

    private static Hashed hashed(Map<String, Double> features, int mask) {
        long[] packed = new long[features.size()];
        String[] names = new String[features.size()];
        double[] values = new double[features.size()];
        int m = 0;
        for (Map.Entry<String, Double> e : features.entrySet()) {
            Double v = e.getValue();
            if (e.getKey() == null || v == null) {
                throw new IllegalArgumentException("a feature needs a name and a value, got " + e.getKey() + " = " + v);
            }
            if (Double.isInfinite(v)) {
                throw new IllegalArgumentException("feature " + e.getKey() + " is infinite");
            }
            if (Double.isNaN(v) || v == 0.0) {
                continue;
            }
            names[m] = e.getKey();
            values[m] = v;
            packed[m] = ((long) indexOf(e.getKey(), mask) << 32) | m;
            m++;
        }
        // by coordinate, then by name, so sums run in one order whatever the map's order
        Long[] order = new Long[m];
        for (int k = 0; k < m; k++) {
            order[k] = packed[k];
        }
        Arrays.sort(order, (a, b) -> {
            int c = Long.compare(a >>> 32, b >>> 32);
            return c != 0 ? c : names[(int) (long) a].compareTo(names[(int) (long) b]);
        });
        Hashed out = new Hashed(m);
        for (Long p : order) {
            int i = (int) (p >>> 32);
            double v = values[(int) (long) p];
            if (out.size > 0 && out.index[out.size - 1] == i) {
                out.value[out.size - 1] += v;
            } else {
                out.index[out.size] = i;
                out.value[out.size] = v;
                out.size++;
            }
        }
        return out;
    }

    /** Config, the intercept, then only touched coordinates (gap-coded indexes), then the metrics. */
    public void encode(BinaryOut out) {
        out.writeByte(VERSION).writeDouble(config.alpha()).writeDouble(config.beta()).writeDouble(config.l1())
                .writeDouble(config.l2()).writeVarInt(config.hashBits()).writeDouble(biasZ).writeDouble(biasN);
        int touched = 0;
        for (double v : n) {
            if (v != 0) {
                touched++;
            }
        }
        out.writeVarInt(touched);
        int previous = -1;
        for (int i = 0; i < n.length; i++) {
            if (n[i] != 0) {
                out.writeVarInt(i - previous - 1).writeDouble(z[i]).writeDouble(n[i]);
                previous = i;
            }
        }
        metrics.encode(out);
    }

    public static OnlineLogisticRegression decode(BinaryIn in) {
        in.expectVersion("online_logistic_regression", VERSION);
        OnlineLogisticRegression m = new OnlineLogisticRegression(new Config(in.readDouble(), in.readDouble(),
                in.readDouble(), in.readDouble(), in.readVarInt()));
        m.biasZ = in.readDouble();
        m.biasN = in.readDouble();
        int touched = in.readLength();
        int i = -1;
        for (int k = 0; k < touched; k++) {
            i += in.readVarInt() + 1;
            if (i > m.mask) {
                throw ItemStatistics.corrupt("online_logistic_regression: coordinate " + i + " past " + m.mask);
            }
            m.z[i] = in.readDouble();
            m.n[i] = in.readDouble();
        }
        m.metrics = PrequentialMetrics.decode(in);
        return m;
    }
}
