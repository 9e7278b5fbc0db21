package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Personas: mini-batch k-means (Sculley, "Web-scale k-means clustering", WWW 2010) over profile
 * feature vectors, learned from the stream.
 *
 * <p><b>Scale.</b> Profile features live on wildly different scales (a count of views, revenue in
 * cents, days since last seen), so distances are standardised: every dimension has an online mean
 * and variance (Welford), and the distance is {@code sqrt(Σ_d ((x_d − c_d) / σ_d)^2)}. Centroids are
 * kept in the features' own units and only the metric is scaled, so the centroids stay readable and
 * do not have to be rewritten as the statistics move; they are described by their standardised
 * coordinates {@code (c_d − μ_d) / σ_d}, strongest first. A missing value ({@code NaN}) counts as the
 * running mean of its dimension: "average" in every respect the data does not say.
 *
 * <p><b>Learning.</b> Vectors are buffered into batches of {@code batchSize}. The first batch seeds
 * the centroids with k-means++ (Arthur and Vassilvitskii 2007) drawn from {@code new
 * SplittableRandom(seed)}, the only randomness, used once, so the model is a function of its inputs.
 * Every batch, the first one included, then takes Sculley's step: assign each vector to its nearest
 * centroid under the current metric, then for each in turn {@code v[c] += 1; c ← c + (x − c) / v[c]}
 * with {@code v[c]} the number of vectors centroid {@code c} has absorbed, so each centroid is the
 * running mean of what it absorbed and learning slows as evidence grows. Memory is
 * {@code (k + batchSize + 3) × dimensions} doubles, whatever the stream's length.
 *
 * <p>What the runtime feeds is its choice: one vector per profile per period keeps heavy users from
 * dominating better than one per event. Not thread-safe.
 */
public final class StreamingKMeans {
    private static final int VERSION = 1;

    /**
     * @param features  the name of each dimension, in vector order
     * @param k         the number of personas
     * @param batchSize vectors per mini-batch, at least {@code k} (the first batch seeds the centroids)
     * @param seed      the seed of k-means++
     * @param describe  how many strongest features describe a centroid
     */
    public record Config(List<String> features, int k, int batchSize, long seed, int describe) {
        public Config {
            if (features == null || features.isEmpty()) {
                throw new IllegalArgumentException("features must name at least one dimension, got " + features);
            }
            features = List.copyOf(features);
            if (features.stream().distinct().count() != features.size()) {
                throw new IllegalArgumentException("features must be distinct, got " + features);
            }
            ItemStatistics.requireIn("features.size", features.size(), 1, 1_000);
            ItemStatistics.requireIn("k", k, 1, 1_000);
            ItemStatistics.requireIn("batchSize", batchSize, k, 100_000);
            ItemStatistics.requireIn("describe", describe, 1, features.size());
        }

        /** {@code k} personas over these features, batches of 256 (at least k), seed 42, described by 3 features. */
        public static Config of(List<String> features, int k) {
            return new Config(features, k, Math.max(k, 256), 42L, Math.min(3, features.size()));
        }
    }

    /** The nearest centroid of a vector and its standardised distance to it. */
    public record Assignment(int cluster, double distance) {
        public Assignment {
            if (cluster < 0 || !(distance >= 0)) {
                throw new IllegalArgumentException("an assignment needs a cluster >= 0 and a distance >= 0, got "
                        + cluster + " at " + distance);
            }
        }
    }

    /** A feature of a centroid in standard deviations from the population mean. */
    public record StandardisedFeature(String feature, double z) {
        public StandardisedFeature {
            if (feature == null || Double.isNaN(z)) {
                throw new IllegalArgumentException("a standardised feature needs a name and a number, got " + feature
                        + " = " + z);
            }
        }
    }

    /**
     * A persona: its centroid in the features' units, how many vectors it absorbed while learning
     * (not how many profiles sit in it now, which the runtime counts), and its strongest features.
     */
    public record Centroid(int cluster, long absorbed, Map<String, Double> center, List<StandardisedFeature> strongest) {
        public Centroid {
            center = Collections.unmodifiableMap(new LinkedHashMap<>(center));
            strongest = List.copyOf(strongest);
        }
    }

    private final Config config;
    private final int dims;
    // Welford per dimension, over the values that were present
    private final long[] seen;
    private final double[] mean;
    private final double[] m2;
    private double[][] centroids;
    private final long[] absorbed;
    private final double[][] batch;
    private int buffered;
    private long observed;

    public StreamingKMeans(Config config) {
        this.config = config;
        this.dims = config.features().size();
        this.seen = new long[dims];
        this.mean = new double[dims];
        this.m2 = new double[dims];
        this.absorbed = new long[config.k()];
        this.batch = new double[config.batchSize()][];
    }

    public Config config() {
        return config;
    }

    /** Whether the first batch has seeded the centroids; until then {@link #assign} finds nothing. */
    public boolean seeded() {
        return centroids != null;
    }

    /** How many vectors were observed, buffered ones included. */
    public long observed() {
        return observed;
    }

    /**
     * Takes one vector (in {@link Config#features()} order; {@code NaN} for a missing value). It
     * updates the scale at once and joins the next batch; a full batch is learned on the spot.
     */
    public void observe(double[] vector) {
        check(vector);
        for (int d = 0; d < dims; d++) {
            double x = vector[d];
            if (!Double.isNaN(x)) {
                seen[d]++;
                double delta = x - mean[d];
                mean[d] += delta / seen[d];
                m2[d] += delta * (x - mean[d]);
            }
        }
        batch[buffered++] = vector.clone();
        observed++;
        if (buffered == batch.length) {
            learnBatch();
        }
    }

    private void learnBatch() {
        double[] scale = inverseVariances();
        double[][] points = new double[buffered][];
        for (int i = 0; i < buffered; i++) {
            points[i] = imputed(batch[i]);
            batch[i] = null;
        }
        buffered = 0;
        if (centroids == null) {
            centroids = seed(points, scale);
        }
        int[] nearest = new int[points.length];
        for (int i = 0; i < points.length; i++) {
            nearest[i] = nearest(points[i], scale);
        }
        for (int i = 0; i < points.length; i++) {
            int c = nearest[i];
            absorbed[c]++;
            double eta = 1.0 / absorbed[c];
            double[] centroid = centroids[c];
            for (int d = 0; d < dims; d++) {
                centroid[d] += eta * (points[i][d] - centroid[d]);
            }
        }
    }

    /** k-means++: the first centre uniformly, each next one with probability proportional to D². */
    private double[][] seed(double[][] points, double[] scale) {
        SplittableRandom random = new SplittableRandom(config.seed());
        int k = config.k();
        double[][] chosen = new double[k][];
        chosen[0] = points[random.nextInt(points.length)].clone();
        double[] d2 = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            d2[i] = squaredDistance(points[i], chosen[0], scale);
        }
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double v : d2) {
                total += v;
            }
            int pick;
            if (total > 0) {
                double target = random.nextDouble() * total;
                pick = points.length - 1;
                double cumulative = 0;
                for (int i = 0; i < points.length; i++) {
                    cumulative += d2[i];
                    if (cumulative > target) {
                        pick = i;
                        break;
                    }
                }
            } else {
                // fewer distinct points than centroids: duplicates, which the stream may pull apart later
                pick = random.nextInt(points.length);
            }
            chosen[c] = points[pick].clone();
            for (int i = 0; i < points.length; i++) {
                d2[i] = Math.min(d2[i], squaredDistance(points[i], chosen[c], scale));
            }
        }
        return chosen;
    }

    /** The nearest centroid and the standardised distance to it; empty until {@link #seeded()}. */
    public Optional<Assignment> assign(double[] vector) {
        check(vector);
        if (centroids == null) {
            return Optional.empty();
        }
        double[] scale = inverseVariances();
        double[] x = imputed(vector);
        int c = nearest(x, scale);
        return Optional.of(new Assignment(c, Math.sqrt(squaredDistance(x, centroids[c], scale))));
    }

    /** Every centroid, described; empty until {@link #seeded()}. */
    public List<Centroid> centroids() {
        if (centroids == null) {
            return List.of();
        }
        List<Centroid> out = new ArrayList<>(centroids.length);
        for (int c = 0; c < centroids.length; c++) {
            Map<String, Double> center = new LinkedHashMap<>();
            List<StandardisedFeature> zs = new ArrayList<>(dims);
            for (int d = 0; d < dims; d++) {
                String name = config.features().get(d);
                center.put(name, centroids[c][d]);
                zs.add(new StandardisedFeature(name, (centroids[c][d] - mean[d]) / deviation(d)));
            }
            zs.sort((a, b) -> Math.abs(a.z()) != Math.abs(b.z())
                    ? Double.compare(Math.abs(b.z()), Math.abs(a.z())) : a.feature().compareTo(b.feature()));
            out.add(new Centroid(c, absorbed[c], center, zs.subList(0, config.describe())));
        }
        return out;
    }

    private int nearest(double[] x, double[] scale) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centroids.length; c++) {
            double d = squaredDistance(x, centroids[c], scale);
            if (d < bestD) {
                best = c;
                bestD = d;
            }
        }
        return best;
    }

    private double squaredDistance(double[] x, double[] c, double[] scale) {
        double sum = 0;
        for (int d = 0; d < dims; d++) {
            double diff = x[d] - c[d];
            sum += diff * diff * scale[d];
        }
        return sum;
    }

    /** Population standard deviation, or 1 for a dimension with no spread yet (any unit then does). */
    private double deviation(int d) {
        double variance = seen[d] > 0 ? m2[d] / seen[d] : 0;
        return variance > 0 ? Math.sqrt(variance) : 1.0;
    }

    private double[] inverseVariances() {
        double[] out = new double[dims];
        for (int d = 0; d < dims; d++) {
            double s = deviation(d);
            out[d] = 1.0 / (s * s);
        }
        return out;
    }

    private double[] imputed(double[] vector) {
        double[] out = vector.clone();
        for (int d = 0; d < dims; d++) {
            if (Double.isNaN(out[d])) {
                out[d] = mean[d];
            }
        }
        return out;
    }

    private void check(double[] vector) {
        if (vector == null || vector.length != dims) {
            throw new IllegalArgumentException("a vector needs " + dims + " values " + config.features() + ", got "
                    + (vector == null ? "null" : vector.length));
        }
        for (int d = 0; d < dims; d++) {
            if (Double.isInfinite(vector[d])) {
                throw new IllegalArgumentException(config.features().get(d) + " is infinite");
            }
        }
    }

    public void encode(BinaryOut out) {
        out.writeByte(VERSION).writeVarInt(dims);
        for (String f : config.features()) {
            out.writeString(f);
        }
        out.writeVarInt(config.k()).writeVarInt(config.batchSize()).writeSignedVarLong(config.seed())
                .writeVarInt(config.describe()).writeVarLong(observed);
        for (int d = 0; d < dims; d++) {
            out.writeVarLong(seen[d]).writeDouble(mean[d]).writeDouble(m2[d]);
        }
        out.writeBoolean(centroids != null);
        if (centroids != null) {
            for (int c = 0; c < config.k(); c++) {
                out.writeVarLong(absorbed[c]);
                for (double v : centroids[c]) {
                    out.writeDouble(v);
                }
            }
        }
        out.writeVarInt(buffered);
        for (int i = 0; i < buffered; i++) {
            for (double v : batch[i]) {
                out.writeDouble(v);
            }
        }
    }

    public static StreamingKMeans decode(BinaryIn in) {
        in.expectVersion("streaming_kmeans", VERSION);
        int dims = in.readLength();
        List<String> features = new ArrayList<>(dims);
        for (int d = 0; d < dims; d++) {
            features.add(in.readString());
        }
        StreamingKMeans m = new StreamingKMeans(new Config(features, in.readVarInt(), in.readVarInt(),
                in.readSignedVarLong(), in.readVarInt()));
        m.observed = in.readVarLong();
        for (int d = 0; d < dims; d++) {
            m.seen[d] = in.readVarLong();
            m.mean[d] = in.readDouble();
            m.m2[d] = in.readDouble();
        }
        if (in.readBoolean()) {
            m.centroids = new double[m.config.k()][dims];
            for (int c = 0; c < m.config.k(); c++) {
                m.absorbed[c] = in.readVarLong();
                for (int d = 0; d < dims; d++) {
                    m.centroids[c][d] = in.readDouble();
                }
            }
        }
        int buffered = in.readLength();
        if (buffered >= m.batch.length) {
            throw ItemStatistics.corrupt("streaming_kmeans: " + buffered + " buffered vectors, batches of " + m.batch.length);
        }
        for (int i = 0; i < buffered; i++) {
            double[] v = new double[dims];
            for (int d = 0; d < dims; d++) {
                v[d] = in.readDouble();
            }
            m.batch[i] = v;
        }
        m.buffered = buffered;
        return m;
    }

    /** Arrays of the state, for tests of the memory bound. */
    int bufferedVectors() {
        return buffered;
    }

    double[][] centroidArrays() {
        return centroids == null ? new double[0][] : Arrays.stream(centroids).map(double[]::clone).toArray(double[][]::new);
    }
}
