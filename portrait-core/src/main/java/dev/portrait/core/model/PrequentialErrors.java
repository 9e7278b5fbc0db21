package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

/**
 * Prequential ("test then train", Dawid 1984) errors of a numeric predictor, what
 * {@link PrequentialMetrics} is for a classifier: each example is predicted before the model learns
 * from it, and the error joins these running sums. RMSE, MAE and bias (mean of prediction − actual:
 * positive means the model over-predicts) cover the whole stream.
 *
 * <p>An RMSE of 40 says nothing alone about spend in cents or in euros, so the same examples are
 * also predicted by the plainest rival, the running mean of the targets seen before each one (0
 * before the first), and its RMSE is kept beside the model's: a model worth having beats it.
 *
 * <p>{@link #add} sums partitions' figures exactly, except that the merged baseline is that of each
 * partition's own running mean. Not thread-safe.
 */
public final class PrequentialErrors {
    private static final int VERSION = 1;

    private long count;
    private double squaredSum;
    private double absoluteSum;
    private double errorSum;
    private double targetMean;
    private double baselineSquaredSum;

    /** Adds one example predicted {@code prediction} before its target {@code actual} was learned. */
    public void record(double prediction, double actual) {
        if (!Double.isFinite(prediction) || !Double.isFinite(actual)) {
            throw new IllegalArgumentException("a prediction and its target must be finite, got " + prediction + " for "
                    + actual);
        }
        double error = prediction - actual;
        double baselineError = targetMean - actual;
        count++;
        squaredSum += error * error;
        absoluteSum += Math.abs(error);
        errorSum += error;
        baselineSquaredSum += baselineError * baselineError;
        targetMean += (actual - targetMean) / count;
    }

    public long count() {
        return count;
    }

    /** Root mean squared error, or {@code NaN} before any example. */
    public double rmse() {
        return count == 0 ? Double.NaN : Math.sqrt(squaredSum / count);
    }

    /** Mean absolute error, or {@code NaN} before any example. */
    public double mae() {
        return count == 0 ? Double.NaN : absoluteSum / count;
    }

    /** Mean of prediction − actual, or {@code NaN} before any example. */
    public double bias() {
        return count == 0 ? Double.NaN : errorSum / count;
    }

    /** RMSE of predicting each target by the mean of those before it, or {@code NaN} before any example. */
    public double baselineRmse() {
        return count == 0 ? Double.NaN : Math.sqrt(baselineSquaredSum / count);
    }

    /** Adds another's sums to these, as partitions' figures combine. */
    public void add(PrequentialErrors other) {
        long total = count + other.count;
        if (total == 0) {
            return;
        }
        targetMean += (other.targetMean - targetMean) * other.count / total;
        count = total;
        squaredSum += other.squaredSum;
        absoluteSum += other.absoluteSum;
        errorSum += other.errorSum;
        baselineSquaredSum += other.baselineSquaredSum;
    }

    public void encode(BinaryOut out) {
        out.writeByte(VERSION).writeVarLong(count).writeDouble(squaredSum).writeDouble(absoluteSum)
                .writeDouble(errorSum).writeDouble(targetMean).writeDouble(baselineSquaredSum);
    }

    public static PrequentialErrors decode(BinaryIn in) {
        in.expectVersion("prequential_errors", VERSION);
        PrequentialErrors e = new PrequentialErrors();
        e.count = in.readVarLong();
        if (e.count < 0) {
            throw ItemStatistics.corrupt("prequential_errors: count " + e.count);
        }
        e.squaredSum = in.readDouble();
        e.absoluteSum = in.readDouble();
        e.errorSum = in.readDouble();
        e.targetMean = in.readDouble();
        e.baselineSquaredSum = in.readDouble();
        return e;
    }
}
