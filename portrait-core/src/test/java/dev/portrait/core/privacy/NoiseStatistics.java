package dev.portrait.core.privacy;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/** The goodness-of-fit figures the noise tests compare with their critical values (significance α = 0.001). */
final class NoiseStatistics {
    /** z such that P(N(0,1) > z) = 0.001 (one-sided), for the chi-square quantile. */
    static final double Z_999 = 3.090232;
    /** z such that P(|N(0,1)| > z) = 0.001 (two-sided), for a variance within its standard error. */
    static final double Z_TWO_SIDED_999 = 3.290527;
    /** The Kolmogorov distribution's 0.999 quantile: √N·D exceeds it with probability 0.001. */
    static final double KS_999 = 1.94947;

    private NoiseStatistics() {
    }

    /** The Kolmogorov–Smirnov statistic D of samples against a continuous CDF. */
    static double ksDistance(double[] samples, DoubleUnaryOperator cdf) {
        double[] x = samples.clone();
        Arrays.sort(x);
        int n = x.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(x[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        return d;
    }

    static double ksCritical(int n) {
        return KS_999 / Math.sqrt(n);
    }

    /** The chi-square distribution's 0.999 quantile by Wilson and Hilferty (accurate to ~1% for df ≥ 10). */
    static double chiSquareCritical(int degreesOfFreedom) {
        double k = degreesOfFreedom;
        double t = 1 - 2 / (9 * k) + Z_999 * Math.sqrt(2 / (9 * k));
        return k * t * t * t;
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Sample variance, and whether {@code expected} lies within the two-sided 0.999 band of its standard error. */
    static boolean varianceMatches(double[] x, double expected) {
        double m = mean(x);
        double m2 = 0;
        double m4 = 0;
        for (double v : x) {
            double d = (v - m) * (v - m);
            m2 += d;
            m4 += d * d;
        }
        int n = x.length;
        m2 /= n;
        m4 /= n;
        double standardError = Math.sqrt((m4 - m2 * m2) / n);
        return Math.abs(m2 - expected) <= Z_TWO_SIDED_999 * standardError;
    }

    static double variance(double[] x) {
        double m = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return s / x.length;
    }

    /** Φ by the complementary error function (Numerical Recipes' erfc, |error| below 1.2e-7). */
    static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2));
    }

    private static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
