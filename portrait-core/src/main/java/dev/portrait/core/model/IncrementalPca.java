package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Principal components of a declared profile feature vector, learned from the stream: the top
 * {@code k} directions of the features' covariance (or correlation), the share of variance each
 * explains, and each person's coordinates on them ({@link #project}) for plotting people on the first
 * two components or clustering personas in a space of a few uncorrelated axes.
 *
 * <p><b>Exact streaming covariance, not Oja.</b> The vector is declared and short ({@code d ≤ 64}),
 * so the full {@code d × d} co-moment matrix {@code M = Σ (x − x̄)(x − x̄)ᵀ} is cheap to keep (at most
 * 33 KB), and with it the means, updated per vector by Welford's recurrence in its multivariate form
 * {@code M += (n − 1)/n · δ δᵀ} with {@code δ = x − x̄_old}. That is the covariance of everything seen,
 * exactly, where Oja's rule or the generalized Hebbian algorithm only approach the eigenvectors at a
 * speed set by a learning rate and the eigen-gaps. It is also exactly mergeable (Chan, Golub and
 * LeVeque 1979: {@code M = M_a + M_b + δ δᵀ n_a n_b / n} with {@code δ} the difference of the means),
 * so partitions' states combine and the result is the state of their union, up to rounding.
 *
 * <p><b>Eigenvectors on demand.</b> The components are the eigenvectors of {@code M / (n − 1)} found
 * by cyclic Jacobi ({@link SymmetricEigen}, hand-written because the core takes no linear-algebra
 * library, and at {@code d ≤ 64} Jacobi is small, exact to rounding and deterministic). The
 * decomposition is cached until the next {@link #observe} or {@link #merge}; it costs a few
 * {@code d³} flops, so a runtime observes a batch, then reads.
 *
 * <p><b>Standardisation.</b> With {@link Config#standardise()} (the default) each feature is scaled
 * by its running standard deviation, so the components are those of the correlation matrix and a
 * feature in cents does not win by its unit. A feature with no spread yet weighs 0 everywhere, and
 * the total variance is then the number of features that vary. Without it the components are those of
 * the raw covariance, in the features' units.
 *
 * <p><b>Missing values.</b> A vector with any {@code NaN} is skipped by {@link #observe} and counted in
 * {@link #skipped()}: complete cases keep {@code M} a true co-moment matrix (positive semi-definite,
 * mergeable by the formula above), where pairwise deletion would not, and imputing the running mean
 * would shrink variances by an amount that depends on arrival order. {@link #project} on the other
 * hand takes a {@code NaN} as the feature's mean, a zero contribution: "average" in every respect the
 * data does not say, as {@link StreamingKMeans} does. Infinite values are refused. Not thread-safe.
 */
public final class IncrementalPca {
    private static final int VERSION = 1;

    /**
     * @param features    the name of each dimension, in vector order
     * @param components  how many leading components to expose, {@code k ≤ features}
     * @param standardise whether to scale each feature by its standard deviation (correlation PCA)
     */
    public record Config(List<String> features, int components, boolean standardise) {
        public Config {
            if (features == null || features.isEmpty()) {
                throw new IllegalArgumentException("features must name at least one dimension, got " + features);
            }
            if (features.stream().anyMatch(f -> f == null)) {
                throw new IllegalArgumentException("features must not contain null, got " + features);
            }
            features = List.copyOf(features);
            if (features.stream().distinct().count() != features.size()) {
                throw new IllegalArgumentException("features must be distinct, got " + features);
            }
            ItemStatistics.requireIn("features.size", features.size(), 1, 64);
            ItemStatistics.requireIn("components", components, 1, features.size());
        }

        /** {@code k} components of these features, standardised. */
        public static Config of(List<String> features, int components) {
            return new Config(features, components, true);
        }
    }

    /**
     * One principal component: its variance (an eigenvalue), the share of the total it explains, the
     * share of the first {@code index + 1} together, and its unit direction by feature name (in the
     * standardised space when standardising).
     */
    public record Component(int index, double variance, double ratio, double cumulativeRatio,
            Map<String, Double> loadings) {
        public Component {
            if (index < 0 || !(variance >= 0) || !(ratio >= 0 && ratio <= 1 + 1e-9)
                    || !(cumulativeRatio >= ratio - 1e-12 && cumulativeRatio <= 1 + 1e-9)) {
                throw new IllegalArgumentException("a component needs index >= 0, variance >= 0 and ratios in [0, 1], got "
                        + index + ", " + variance + ", " + ratio + ", " + cumulativeRatio);
            }
            loadings = Collections.unmodifiableMap(new LinkedHashMap<>(loadings));
        }
    }

    /**
     * The total variance ({@code d} standardised, less any constant features) and, for each of the
     * {@code k} components, the share it explains and the share of the first ones together.
     */
    public record ExplainedVariance(double total, List<Double> ratios, List<Double> cumulative) {
        public ExplainedVariance {
            ratios = List.copyOf(ratios);
            cumulative = List.copyOf(cumulative);
            if (ratios.size() != cumulative.size()) {
                throw new IllegalArgumentException("ratios and cumulative ratios differ in length: " + ratios + " vs "
                        + cumulative);
            }
        }
    }

    private final Config config;
    private final int d;
    private long observed;
    private long skipped;
    private final double[] mean;
    /** The co-moment matrix; only {@code j ≥ i} is kept up to date, {@link #scaledCovariance} mirrors it. */
    private final double[][] comoment;
    private SymmetricEigen eigen;

    public IncrementalPca(Config config) {
        this.config = config;
        this.d = config.features().size();
        this.mean = new double[d];
        this.comoment = new double[d][d];
    }

    public Config config() {
        return config;
    }

    /** Complete vectors learned. */
    public long observed() {
        return observed;
    }

    /** Vectors skipped for a missing value. */
    public long skipped() {
        return skipped;
    }

    /** Whether there are components: two complete vectors make a covariance. */
    public boolean ready() {
        return observed >= 2;
    }

    /** The running mean of each feature, in vector order. */
    public double[] mean() {
        return mean.clone();
    }

    /** Takes one vector (in {@link Config#features()} order); one with a {@code NaN} is only counted. */
    public void observe(double[] vector) {
        check(vector);
        for (double x : vector) {
            if (Double.isNaN(x)) {
                skipped++;
                return;
            }
        }
        observed++;
        double[] delta = new double[d];
        for (int i = 0; i < d; i++) {
            delta[i] = vector[i] - mean[i];
            mean[i] += delta[i] / observed;
        }
        double f = (observed - 1) / (double) observed;
        for (int i = 0; i < d; i++) {
            double fi = f * delta[i];
            double[] row = comoment[i];
            for (int j = i; j < d; j++) {
                row[j] += fi * delta[j];
            }
        }
        eigen = null;
    }

    /** Adds another's state (same config) to this one: afterwards this is the state of both streams. */
    public void merge(IncrementalPca other) {
        if (!other.config.equals(config)) {
            throw new IllegalArgumentException("cannot merge a PCA of " + other.config + " into one of " + config);
        }
        skipped += other.skipped;
        if (other.observed == 0) {
            return;
        }
        long total = observed + other.observed;
        double weight = (double) observed * other.observed / total;
        double[] delta = new double[d];
        for (int i = 0; i < d; i++) {
            delta[i] = other.mean[i] - mean[i];
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                comoment[i][j] += other.comoment[i][j] + delta[i] * delta[j] * weight;
            }
        }
        for (int i = 0; i < d; i++) {
            mean[i] += delta[i] * other.observed / total;
        }
        observed = total;
        eigen = null;
    }

    /** The {@code k} leading components, largest variance first; empty until {@link #ready()}. */
    public List<Component> components() {
        if (!ready()) {
            return List.of();
        }
        SymmetricEigen e = eigen();
        double total = totalVariance(e);
        List<Component> out = new ArrayList<>(config.components());
        double cumulative = 0;
        for (int c = 0; c < config.components(); c++) {
            double variance = Math.max(0, e.value(c));
            double ratio = total > 0 ? variance / total : 0;
            cumulative += ratio;
            double[] v = e.vector(c);
            Map<String, Double> loadings = new LinkedHashMap<>();
            for (int i = 0; i < d; i++) {
                loadings.put(config.features().get(i), v[i]);
            }
            out.add(new Component(c, variance, ratio, Math.min(1, cumulative), loadings));
        }
        return out;
    }

    /** The share of variance each of the {@code k} components explains, and cumulatively; empty until {@link #ready()}. */
    public ExplainedVariance explainedVariance() {
        List<Component> components = components();
        if (components.isEmpty()) {
            return new ExplainedVariance(0, List.of(), List.of());
        }
        List<Double> ratios = new ArrayList<>();
        List<Double> cumulative = new ArrayList<>();
        for (Component c : components) {
            ratios.add(c.ratio());
            cumulative.add(c.cumulativeRatio());
        }
        return new ExplainedVariance(totalVariance(eigen()), ratios, cumulative);
    }

    /**
     * The coordinates of a vector on the {@code k} components: its centred (and, when standardising,
     * scaled) values dotted with each direction. A {@code NaN} counts as the feature's mean.
     *
     * @throws IllegalStateException before {@link #ready()}
     */
    public double[] project(double[] vector) {
        check(vector);
        if (!ready()) {
            throw new IllegalStateException("no components before 2 complete vectors, have " + observed);
        }
        SymmetricEigen e = eigen();
        double[] z = new double[d];
        for (int i = 0; i < d; i++) {
            z[i] = Double.isNaN(vector[i]) ? 0.0 : (vector[i] - mean[i]) / scale(i);
        }
        double[] scores = new double[config.components()];
        for (int c = 0; c < scores.length; c++) {
            double[] v = e.vector(c);
            double sum = 0;
            for (int i = 0; i < d; i++) {
                sum += v[i] * z[i];
            }
            scores[c] = sum;
        }
        return scores;
    }

    private SymmetricEigen eigen() {
        if (eigen == null) {
            eigen = SymmetricEigen.of(scaledCovariance());
        }
        return eigen;
    }

    /** Sum of all eigenvalues (the trace), clipping rounding's tiny negatives as {@link #components()} does. */
    private static double totalVariance(SymmetricEigen e) {
        double total = 0;
        for (int i = 0; i < e.size(); i++) {
            total += Math.max(0, e.value(i));
        }
        return total;
    }

    /** Sample standard deviation when standardising (1 for a feature with no spread), else 1. */
    private double scale(int i) {
        if (!config.standardise()) {
            return 1.0;
        }
        double sd = Math.sqrt(comoment[i][i] / (observed - 1));
        return sd > 0 ? sd : 1.0;
    }

    /** {@code M / (n − 1)}, or the correlation matrix when standardising; symmetric by construction. */
    private double[][] scaledCovariance() {
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                double v;
                if (config.standardise()) {
                    double denominator = Math.sqrt(comoment[i][i] * comoment[j][j]);
                    v = denominator > 0 ? comoment[i][j] / denominator : 0.0;
                } else {
                    v = comoment[i][j] / (observed - 1);
                }
                out[i][j] = v;
                out[j][i] = v;
            }
        }
        return out;
    }

    private void check(double[] vector) {
        if (vector == null || vector.length != d) {
            throw new IllegalArgumentException("a vector needs " + d + " values " + config.features() + ", got "
                    + (vector == null ? "null" : vector.length));
        }
        for (int i = 0; i < d; i++) {
            if (Double.isInfinite(vector[i])) {
                throw new IllegalArgumentException(config.features().get(i) + " is infinite");
            }
        }
    }

    /** Config, counts, means, then the upper triangle of the co-moment matrix row by row. */
    public void encode(BinaryOut out) {
        out.writeByte(VERSION).writeVarInt(d);
        for (String f : config.features()) {
            out.writeString(f);
        }
        out.writeVarInt(config.components()).writeBoolean(config.standardise()).writeVarLong(observed)
                .writeVarLong(skipped);
        for (double m : mean) {
            out.writeDouble(m);
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                out.writeDouble(comoment[i][j]);
            }
        }
    }

    public static IncrementalPca decode(BinaryIn in) {
        in.expectVersion("incremental_pca", VERSION);
        int d = in.readLength();
        if (d < 1 || d > 64) {
            throw ItemStatistics.corrupt("incremental_pca: " + d + " features");
        }
        List<String> features = new ArrayList<>(d);
        for (int i = 0; i < d; i++) {
            features.add(in.readString());
        }
        IncrementalPca p = new IncrementalPca(new Config(features, in.readVarInt(), in.readBoolean()));
        p.observed = in.readVarLong();
        p.skipped = in.readVarLong();
        if (p.observed < 0 || p.skipped < 0) {
            throw ItemStatistics.corrupt("incremental_pca: counts " + p.observed + " and " + p.skipped);
        }
        for (int i = 0; i < d; i++) {
            p.mean[i] = in.readDouble();
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                p.comoment[i][j] = in.readDouble();
            }
        }
        return p;
    }
}
