package dev.portrait.synth;

/**
 * SplitMix64, hand-written instead of {@link java.util.SplittableRandom} or
 * {@link java.util.Random}: the stream promises the same bytes for the same seed on every JDK and
 * platform, and the JDK specifies neither SplittableRandom's algorithm nor how
 * {@code nextGaussian} is computed. SplitMix64 is tiny, passes BigCrush, and its finaliser
 * {@link #mix64} doubles as the hash that derives per-user attributes without storing them.
 *
 * <p>Everything here uses {@link StrictMath}, whose results are fixed by specification, for the
 * same reason.
 */
final class SeededRandom {
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;
    private static final long MASK62 = (1L << 62) - 1;

    /**
     * {@code exp(z)} at 1,024 evenly spaced quantiles of the standard normal. Think times, drawn
     * for every event, interpolate in this table instead of calling {@code exp} and {@code log}:
     * it halves their cost, and the lost tails beyond 3.3 sigma are clipped by the caller anyway.
     */
    private static final double[] LOG_NORMAL = new double[1024];

    static {
        for (int i = 0; i < LOG_NORMAL.length; i++) {
            LOG_NORMAL[i] = StrictMath.exp(inverseNormal((i + 0.5) / LOG_NORMAL.length));
        }
    }

    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    SeededRandom(long seed) {
        this.state = mix64(seed);
    }

    long nextLong() {
        state += GOLDEN;
        return mix64(state);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return unit(nextLong());
    }

    /** Uniform in [0, bound) for a positive bound; the bias of the multiply-shift is below 2^-32. */
    int nextInt(int bound) {
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    boolean chance(double p) {
        return nextDouble() < p;
    }

    /** Standard normal by the polar method, which needs no trigonometry. */
    double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double x;
        double y;
        double s;
        do {
            x = 2 * nextDouble() - 1;
            y = 2 * nextDouble() - 1;
            s = x * x + y * y;
        } while (s >= 1 || s == 0);
        double f = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        spareGaussian = y * f;
        hasSpare = true;
        return x * f;
    }

    /** {@code exp(z)} for a standard normal {@code z}, by interpolation in a quantile table. */
    double nextLogNormal() {
        long bits = nextLong();
        int i = (int) (bits >>> 54);
        double fraction = ((bits >>> 11) & ((1L << 43) - 1)) * 0x1.0p-43;
        return i == LOG_NORMAL.length - 1
                ? LOG_NORMAL[i]
                : LOG_NORMAL[i] + fraction * (LOG_NORMAL[i + 1] - LOG_NORMAL[i]);
    }

    /**
     * The standard normal quantile function by Acklam's rational approximation (relative error
     * below 1.2e-9), which is all a table of quantiles needs.
     */
    static double inverseNormal(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("a probability strictly between 0 and 1 is needed, got " + p);
        }
        final double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
            1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
        final double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
            6.680131188771972e+01, -1.328068155288572e+01};
        final double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
            -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
        final double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
            3.754408661907416e+00};
        final double low = 0.02425;
        if (p < low || p > 1 - low) {
            double q = StrictMath.sqrt(-2 * StrictMath.log(p < low ? p : 1 - p));
            double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            return p < low ? x : -x;
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    /** Stafford's variant 13 finaliser: a bijection on 64 bits with full avalanche. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A hash of a key under a salt; independent salts give independent-looking attributes. */
    static long hash(long salt, long key) {
        return mix64(salt + key * GOLDEN);
    }

    /** A salt for one named field under a seed. */
    static long salt(long seed, long field) {
        return mix64(mix64(seed) ^ (field * 0xd1b54a32d192ed03L));
    }

    /** The top 53 bits of a hash as a double in [0, 1). */
    static double unit(long bits) {
        return (bits >>> 11) * 0x1.0p-53;
    }

    /**
     * A bijection on the low 62 bits (xor-shifts and odd multipliers are invertible modulo 2^62).
     * Ids built from it are unique by construction, not merely unlikely to collide, while still
     * looking random.
     */
    static long permute62(long x) {
        x &= MASK62;
        x ^= x >>> 31;
        x = (x * 0x7fb5d329728ea185L) & MASK62;
        x ^= x >>> 27;
        x = (x * 0x81dadef4bc2dd44dL) & MASK62;
        x ^= x >>> 33;
        return x;
    }
}
