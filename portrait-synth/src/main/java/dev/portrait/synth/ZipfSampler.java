package dev.portrait.synth;

/**
 * Draws ranks 1..n with probability proportional to {@code k^-exponent} in constant time and
 * constant memory, by Hörmann and Derflinger's rejection-inversion ("Rejection-inversion to
 * generate variates from monotone discrete distributions", 1996), as Apache Commons RNG does.
 * Used for user activity, where a cumulative table over a million users would cost 8 MB and a
 * binary search per draw; the catalogue, which must also sample within a category, uses
 * {@link CumulativeWeights} instead.
 */
final class ZipfSampler {
    private final int n;
    private final double exponent;
    private final double hIntegralX1;
    private final double hIntegralN;
    private final double s;

    ZipfSampler(int n, double exponent) {
        if (n < 1) {
            throw new IllegalArgumentException("a Zipf distribution needs at least one element, got " + n);
        }
        if (!(exponent > 0)) {
            throw new IllegalArgumentException("a Zipf exponent must be positive, got " + exponent);
        }
        this.n = n;
        this.exponent = exponent;
        this.hIntegralX1 = hIntegral(1.5) - 1;
        this.hIntegralN = hIntegral(n + 0.5);
        this.s = 2 - hIntegralInverse(hIntegral(2.5) - h(2));
    }

    /** A rank in 1..n; rank 1 is the most likely. */
    int sample(SeededRandom random) {
        while (true) {
            double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
            double x = hIntegralInverse(u);
            int k = (int) (x + 0.5);
            if (k < 1) {
                k = 1;
            } else if (k > n) {
                k = n;
            }
            if (k - x <= s || u >= hIntegral(k + 0.5) - h(k)) {
                return k;
            }
        }
    }

    private double hIntegral(double x) {
        double logX = StrictMath.log(x);
        return helper2((1 - exponent) * logX) * logX;
    }

    private double h(double x) {
        return StrictMath.exp(-exponent * StrictMath.log(x));
    }

    private double hIntegralInverse(double x) {
        double t = x * (1 - exponent);
        if (t < -1) {
            t = -1;
        }
        return StrictMath.exp(helper1(t) * x);
    }

    /** log1p(x)/x, continuous at 0. */
    private static double helper1(double x) {
        return Math.abs(x) > 1e-8 ? StrictMath.log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
    }

    /** expm1(x)/x, continuous at 0. */
    private static double helper2(double x) {
        return Math.abs(x) > 1e-8 ? StrictMath.expm1(x) / x : 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
    }
}
