package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A numeric target (a person's spend in the next 30 days, say) learned one example at a time, as
 * labels mature: the runtime opens an example with the features at time {@code t} and calls
 * {@link #update} when the outcome is known. The weights after {@code n} examples are the exact
 * ridge least-squares solution of those {@code n}: {@code argmin Σ (y − b − w·x)² + l2 ‖w‖²}, with
 * the intercept {@code b} unpenalised.
 *
 * <p><b>Method: recursive least squares in square-root (QR) form.</b> With a forgetting factor of 1,
 * recursive least squares (Plackett 1950) is exact online least squares, so it needs no learning rate
 * and on stationary data converges to the least-squares solution at the statistical rate, where SGD
 * (normalised or AdaGrad) only approaches it at a speed set by its step size and the features'
 * conditioning. The textbook covariance form ({@code P ← P − P x xᵀ P / (1 + xᵀ P x)}) is known to
 * lose symmetry and positive definiteness in floating point on ill-conditioned data, and profile
 * features are exactly that (cents next to 0/1 flags). So the state is instead the upper-triangular
 * factor {@code R} of the QR decomposition of the augmented data {@code [1 x y]}, and each example
 * is one more row rotated into {@code R} by Givens rotations (Gentleman 1973, "Least squares
 * computations by Givens transformations without square roots"; Miller 1992, Algorithm AS 274;
 * Golub and Van Loan, <i>Matrix Computations</i>, §6.5). Rotations are orthogonal, so {@code R}
 * carries the conditioning of {@code X}, not of {@code XᵀX}; the weights follow by one back
 * substitution; and the last diagonal entry is the root of the residual sum of squares, for free.
 * Both the update and the solve cost {@code O(d²)}, memory is {@code (d + 2)²} doubles: hence
 * declared features ({@code d ≤ 64}), not a hashed space as in {@link OnlineLogisticRegression}.
 *
 * <p><b>Prior.</b> {@code R} starts as {@code √l2} on each feature's diagonal, which is the QR of
 * {@code d} pseudo-rows {@code √l2 · e_i} with target 0: the ridge term. It keeps the solve well posed
 * for a feature never seen non-zero or one that duplicates another (their weight is then shared), and
 * after a few hundred examples on unit-scale features it is negligible. {@code l2} is in squared
 * feature units, so on features of very different scales it shrinks the small-scale ones more.
 *
 * <p><b>Features.</b> Named, in the declared order; names a model does not declare are ignored, so a
 * runtime can pass a whole profile's features. An absent or {@code NaN} value counts as 0, the sparse
 * convention of {@link OnlineLogisticRegression} (a one-hot {@code plan=pro} absent means not pro);
 * infinite values are refused. Sums run in declared order, so the same features give bit-identical
 * results whatever order the map yields them in.
 *
 * <p><b>Target transform.</b> With {@link TargetTransform#LOG1P} the model is fitted to
 * {@code ln(1 + y)} and predicts {@code e^ŷ − 1}: right for spend-like targets whose errors grow with
 * their size. That prediction estimates something nearer the median than the mean of {@code y} (no
 * retransformation correction is applied). Weights are then in log units; {@link #metrics()} stays in
 * the target's own units.
 *
 * <p><b>Not here.</b> There is no forgetting (a factor {@code λ < 1} would be a scaling of {@code R}
 * per example, but it also fades the prior until unseen directions blow up: RLS wind-up), so drift
 * is not followed; and no merge: two factors combine by rotating one's rows into the other, but each
 * carries the prior, which would then count twice. {@link #update} predicts before it learns and
 * records the error in {@link #metrics()}, the prequential figures. Not thread-safe.
 */
public final class OnlineLinearRegression {
    private static final int VERSION = 1;
    /** e^709.78 is {@link Double#MAX_VALUE}: a log-space prediction is clipped below it so e^ŷ − 1 stays finite. */
    private static final double MAX_LOG_PREDICTION = 700.0;

    /** How the target is fitted. */
    public enum TargetTransform {
        /** {@code y} as it is. */
        IDENTITY,
        /** {@code ln(1 + y)}, for targets {@code > −1} such as spend; predictions are {@code e^ŷ − 1}. */
        LOG1P
    }

    /**
     * @param features the name of each feature, in the order weights are kept and summed
     * @param l2       the ridge strength, {@code > 0}, in squared feature units
     * @param target   how the target is fitted
     */
    public record Config(List<String> features, double l2, TargetTransform target) {
        public Config {
            if (features == null || features.isEmpty()) {
                throw new IllegalArgumentException("features must name at least one feature, got " + features);
            }
            if (features.stream().anyMatch(f -> f == null)) {
                throw new IllegalArgumentException("features must not contain null, got " + features);
            }
            features = List.copyOf(features);
            if (features.stream().distinct().count() != features.size()) {
                throw new IllegalArgumentException("features must be distinct, got " + features);
            }
            ItemStatistics.requireIn("features.size", features.size(), 1, 64);
            if (!(l2 > 0) || Double.isInfinite(l2)) {
                throw new IllegalArgumentException("l2 must be positive and finite, got " + l2);
            }
            if (target == null) {
                throw new IllegalArgumentException("target transform is required");
            }
        }

        /** These features, ridge 1, the target as it is. */
        public static Config of(List<String> features) {
            return new Config(features, 1.0, TargetTransform.IDENTITY);
        }
    }

    private final Config config;
    private final int d;
    /** Index of each declared feature in the row {@code [1, x_1 … x_d, y]}. */
    private final Map<String, Integer> column;
    /** Upper-triangular {@code (d + 2) × (d + 2)}; only {@code j ≥ i} is used. */
    private final double[][] r;
    /** {@code [b, w_1 … w_d]}, solved from {@code r} when {@link #solved} is false. */
    private final double[] weights;
    private boolean solved = true;
    private PrequentialErrors metrics = new PrequentialErrors();

    public OnlineLinearRegression(Config config) {
        this.config = config;
        this.d = config.features().size();
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < d; i++) {
            column.put(config.features().get(i), i + 1);
        }
        this.column = column;
        this.r = new double[d + 2][d + 2];
        double prior = Math.sqrt(config.l2());
        for (int i = 1; i <= d; i++) {
            r[i][i] = prior;
        }
        this.weights = new double[d + 1];
    }

    public Config config() {
        return config;
    }

    /** The prediction for these features, in the target's own units. */
    public double predict(Map<String, Double> features) {
        return predict(row(features));
    }

    /**
     * Learns one example whose outcome is {@code target} and returns the prediction it was given
     * before learning, which also goes into {@link #metrics()}.
     */
    public double update(Map<String, Double> features, double target) {
        double fitted = transform(target);
        double[] row = row(features);
        double prediction = predict(row);
        metrics.record(prediction, target);
        row[d + 1] = fitted;
        rotateIn(row);
        solved = false;
        return prediction;
    }

    /** The weight of a declared feature (in log units under {@link TargetTransform#LOG1P}). */
    public double weight(String feature) {
        Integer i = column.get(feature);
        if (i == null) {
            throw new IllegalArgumentException(feature + " is not a feature of this model " + config.features());
        }
        return solved()[i];
    }

    /** The intercept (in log units under {@link TargetTransform#LOG1P}). */
    public double intercept() {
        return solved()[0];
    }

    /** Every weight by feature, in declared order. */
    public Map<String, Double> weights() {
        double[] w = solved();
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < d; i++) {
            out.put(config.features().get(i), w[i + 1]);
        }
        return Collections.unmodifiableMap(out);
    }

    /** Prequential RMSE, MAE and bias of every {@link #update} so far, with the running-mean baseline. */
    public PrequentialErrors metrics() {
        return metrics;
    }

    private double transform(double target) {
        if (!Double.isFinite(target)) {
            throw new IllegalArgumentException("a target must be finite, got " + target);
        }
        if (config.target() == TargetTransform.LOG1P) {
            if (!(target > -1)) {
                throw new IllegalArgumentException("a log1p target must be > -1, got " + target);
            }
            return Math.log1p(target);
        }
        return target;
    }

    private double predict(double[] row) {
        double[] w = solved();
        double fitted = w[0];
        for (int i = 1; i <= d; i++) {
            fitted += w[i] * row[i];
        }
        return config.target() == TargetTransform.LOG1P ? Math.expm1(Math.min(MAX_LOG_PREDICTION, fitted)) : fitted;
    }

    /** {@code [1, x_1 … x_d, 0]}: the target slot is filled by {@link #update}. */
    private double[] row(Map<String, Double> features) {
        double[] row = new double[d + 2];
        row[0] = 1.0;
        for (Map.Entry<String, Double> e : features.entrySet()) {
            Integer i = column.get(e.getKey());
            if (i == null) {
                continue;
            }
            Double v = e.getValue();
            if (v == null) {
                throw new IllegalArgumentException("feature " + e.getKey() + " has no value");
            }
            if (Double.isInfinite(v)) {
                throw new IllegalArgumentException("feature " + e.getKey() + " is infinite");
            }
            row[i] = Double.isNaN(v) ? 0.0 : v;
        }
        return row;
    }

    /** Givens rotations that zero {@code row} into {@code r}, column by column (a zero entry needs none). */
    private void rotateIn(double[] row) {
        int m = d + 2;
        for (int k = 0; k < m; k++) {
            double b = row[k];
            if (b == 0) {
                continue;
            }
            double a = r[k][k];
            double h = Math.sqrt(a * a + b * b);
            double c = a / h;
            double s = b / h;
            r[k][k] = h;
            double[] rk = r[k];
            for (int j = k + 1; j < m; j++) {
                double t = rk[j];
                rk[j] = c * t + s * row[j];
                row[j] = c * row[j] - s * t;
            }
        }
    }

    /** Back substitution {@code R[0..d][0..d] w = R[0..d][d+1]}; a zero pivot (the intercept before any example) gives 0. */
    private double[] solved() {
        if (!solved) {
            for (int i = d; i >= 0; i--) {
                double sum = r[i][d + 1];
                for (int j = i + 1; j <= d; j++) {
                    sum -= r[i][j] * weights[j];
                }
                weights[i] = r[i][i] == 0 ? 0.0 : sum / r[i][i];
            }
            solved = true;
        }
        return weights;
    }

    /** Config, the upper triangle of {@code R} row by row, then the metrics. */
    public void encode(BinaryOut out) {
        out.writeByte(VERSION).writeVarInt(d);
        for (String f : config.features()) {
            out.writeString(f);
        }
        out.writeDouble(config.l2()).writeByte(config.target().ordinal());
        for (int i = 0; i < d + 2; i++) {
            for (int j = i; j < d + 2; j++) {
                out.writeDouble(r[i][j]);
            }
        }
        metrics.encode(out);
    }

    public static OnlineLinearRegression decode(BinaryIn in) {
        in.expectVersion("online_linear_regression", VERSION);
        int d = in.readLength();
        if (d < 1 || d > 64) {
            throw ItemStatistics.corrupt("online_linear_regression: " + d + " features");
        }
        List<String> features = new ArrayList<>(d);
        for (int i = 0; i < d; i++) {
            features.add(in.readString());
        }
        double l2 = in.readDouble();
        int target = in.readByte();
        if (target >= TargetTransform.values().length) {
            throw ItemStatistics.corrupt("online_linear_regression: unknown target transform " + target);
        }
        OnlineLinearRegression m = new OnlineLinearRegression(new Config(features, l2, TargetTransform.values()[target]));
        for (int i = 0; i < d + 2; i++) {
            for (int j = i; j < d + 2; j++) {
                m.r[i][j] = in.readDouble();
            }
        }
        m.solved = false;
        m.metrics = PrequentialErrors.decode(in);
        return m;
    }
}
