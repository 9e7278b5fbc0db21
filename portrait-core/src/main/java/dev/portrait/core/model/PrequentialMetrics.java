package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

/**
 * Prequential ("test then train", Dawid 1984) quality of a probabilistic classifier: each example is
 * scored before the model learns from it, and the score joins these running figures.
 *
 * <p><b>AUC from a histogram.</b> Scores go into {@code bins} equal-width bins of the log-odds
 * {@code ln(p / (1 − p))} over {@code [−10, 10]} (outside it, the end bins), one histogram per label,
 * and {@code AUC = Σ_b pos_b · (neg below b + neg_b / 2) / (P · N)}. Pairs with scores in different
 * bins are ranked exactly; pairs sharing a bin count one half, so the error is at most half the share
 * of positive-negative pairs that share a bin (with the default 400 bins, scores within 0.05 in
 * log-odds, about 5% in odds). Log-odds spacing gives rare-event probabilities (0.001 against 0.002)
 * the same resolution as middling ones, where equal-width probability bins would lump them. Chosen over
 * an exact AUC on a bounded reservoir because it covers every example instead of a random sample
 * (no sampling error, no random source), costs {@code O(bins)} memory whatever the stream's length,
 * and merges exactly by adding counts, so partial figures from partitions add up.
 *
 * <p>Log-loss is the mean of {@code −ln p} for positives and {@code −ln(1 − p)} for negatives, with
 * {@code p} clipped to {@code [1e−15, 1 − 1e−15]}. Both figures are over the whole stream; a drift
 * view would need a window or a fading factor, which is not here.
 */
public final class PrequentialMetrics {
    private static final int VERSION = 1;
    static final int DEFAULT_BINS = 400;
    private static final double LOGIT_LIMIT = 10.0;
    private static final double EPSILON = 1e-15;

    private final long[] positives;
    private final long[] negatives;
    private long positiveCount;
    private long count;
    private double logLossSum;

    public PrequentialMetrics() {
        this(DEFAULT_BINS);
    }

    public PrequentialMetrics(int bins) {
        ItemStatistics.requireIn("bins", bins, 2, 100_000);
        this.positives = new long[bins];
        this.negatives = new long[bins];
    }

    /** Adds one example scored {@code probability} before its label {@code label} was learned. */
    public void record(double probability, boolean label) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("a probability must be in [0, 1], got " + probability);
        }
        double p = Math.min(1 - EPSILON, Math.max(EPSILON, probability));
        int bin = binOf(p);
        if (label) {
            positives[bin]++;
            positiveCount++;
            logLossSum -= Math.log(p);
        } else {
            negatives[bin]++;
            logLossSum -= Math.log1p(-p);
        }
        count++;
    }

    private int binOf(double p) {
        double logit = Math.log(p / (1 - p));
        double position = (logit + LOGIT_LIMIT) / (2 * LOGIT_LIMIT) * positives.length;
        return (int) Math.max(0, Math.min(positives.length - 1, Math.floor(position)));
    }

    /** Area under the ROC curve, or {@code NaN} until both labels were seen. */
    public double auc() {
        long negativeCount = count - positiveCount;
        if (positiveCount == 0 || negativeCount == 0) {
            return Double.NaN;
        }
        double concordant = 0;
        long negativesBelow = 0;
        for (int b = 0; b < positives.length; b++) {
            concordant += positives[b] * (negativesBelow + negatives[b] / 2.0);
            negativesBelow += negatives[b];
        }
        return concordant / ((double) positiveCount * negativeCount);
    }

    /** Mean log-loss, or {@code NaN} before any example. */
    public double logLoss() {
        return count == 0 ? Double.NaN : logLossSum / count;
    }

    public long count() {
        return count;
    }

    public long positives() {
        return positiveCount;
    }

    /**
     * One bucket of a calibration ("reliability") curve: the examples scored in
     * {@code [from, to)} of probability, their mean predicted probability and the share that were positive.
     *
     * @param predicted the mean of the scores, each taken at its log-odds bin's centre (the histogram keeps no
     *                  finer position; within a bin the centre is off by at most half a bin, ≈ 2.5% in odds)
     * @param observed  positives ÷ examples in the bucket
     */
    public record CalibrationBucket(double from, double to, long examples, long positives, double predicted,
                                    double observed) {
    }

    /**
     * The calibration curve over {@code buckets} equal-width buckets of predicted probability: a
     * well-calibrated model's buckets lie on the diagonal ({@code observed ≈ predicted}). Each log-odds bin
     * goes, whole, into the bucket its centre falls in. Empty buckets are left out.
     */
    public java.util.List<CalibrationBucket> calibration(int buckets) {
        ItemStatistics.requireIn("buckets", buckets, 1, 1_000);
        long[] examples = new long[buckets];
        long[] positive = new long[buckets];
        double[] predictedSum = new double[buckets];
        for (int b = 0; b < positives.length; b++) {
            long n = positives[b] + negatives[b];
            if (n == 0) {
                continue;
            }
            double centre = (b + 0.5) / positives.length * (2 * LOGIT_LIMIT) - LOGIT_LIMIT;
            double p = 1 / (1 + Math.exp(-centre));
            int at = Math.min(buckets - 1, (int) (p * buckets));
            examples[at] += n;
            positive[at] += positives[b];
            predictedSum[at] += p * n;
        }
        java.util.List<CalibrationBucket> out = new java.util.ArrayList<>();
        for (int i = 0; i < buckets; i++) {
            if (examples[i] > 0) {
                out.add(new CalibrationBucket((double) i / buckets, (double) (i + 1) / buckets, examples[i], positive[i],
                        predictedSum[i] / examples[i], (double) positive[i] / examples[i]));
            }
        }
        return out;
    }

    /** Adds another's counts to these (same number of bins), as partitions' figures combine. */
    public void add(PrequentialMetrics other) {
        if (other.positives.length != positives.length) {
            throw new IllegalArgumentException("cannot add metrics of " + other.positives.length + " bins to "
                    + positives.length);
        }
        for (int b = 0; b < positives.length; b++) {
            positives[b] += other.positives[b];
            negatives[b] += other.negatives[b];
        }
        positiveCount += other.positiveCount;
        count += other.count;
        logLossSum += other.logLossSum;
    }

    /** Bins as (gap from the last non-empty bin, positives, negatives): sparse, since scores cluster. */
    public void encode(BinaryOut out) {
        out.writeByte(VERSION).writeVarInt(positives.length).writeVarLong(count).writeVarLong(positiveCount)
                .writeDouble(logLossSum);
        int used = 0;
        for (int b = 0; b < positives.length; b++) {
            if (positives[b] != 0 || negatives[b] != 0) {
                used++;
            }
        }
        out.writeVarInt(used);
        int previous = -1;
        for (int b = 0; b < positives.length; b++) {
            if (positives[b] != 0 || negatives[b] != 0) {
                out.writeVarInt(b - previous - 1).writeVarLong(positives[b]).writeVarLong(negatives[b]);
                previous = b;
            }
        }
    }

    public static PrequentialMetrics decode(BinaryIn in) {
        in.expectVersion("prequential_metrics", VERSION);
        PrequentialMetrics m = new PrequentialMetrics(in.readVarInt());
        m.count = in.readVarLong();
        m.positiveCount = in.readVarLong();
        m.logLossSum = in.readDouble();
        int used = in.readLength();
        int b = -1;
        long total = 0;
        for (int i = 0; i < used; i++) {
            b += in.readVarInt() + 1;
            if (b >= m.positives.length) {
                throw ItemStatistics.corrupt("prequential_metrics: bin " + b + " past " + m.positives.length);
            }
            m.positives[b] = in.readVarLong();
            m.negatives[b] = in.readVarLong();
            total += m.positives[b] + m.negatives[b];
        }
        if (total != m.count) {
            throw ItemStatistics.corrupt("prequential_metrics: bins hold " + total + " examples, count says " + m.count);
        }
        return m;
    }
}
