package dev.portrait.core.model;

/**
 * Forward decay with a moving landmark, the scheme {@code DecayedScores} uses (read its essay): a
 * weight {@code w} at time {@code t} is stored as {@code w * 2^((t - L) / h)} against a landmark
 * {@code L}, so a sum of such terms times {@code 2^((L - now) / h)} is the decayed sum at {@code now}.
 * Landmarks are multiples of a quantum of 64 half-lives, so moving one by {@code j} quanta multiplies
 * the stored sums by {@code 2^(-64 j)}, which {@link Math#scalb} does exactly; two sums against
 * different landmarks compare exactly the same way.
 *
 * <p>A copy rather than a shared helper because {@code DecayedScores} is package-private in
 * {@code feature} and is not to change; the arithmetic is small.
 */
final class ForwardDecay {
    static final int QUANTUM_HALF_LIVES = 64;
    /** Past this many quanta any scaled value is 0 or infinite in a double; clamping keeps int maths safe. */
    private static final long MAX_QUANTA = 40;

    final long halfLife;
    final long quantum;

    ForwardDecay(long halfLifeMillis) {
        if (halfLifeMillis <= 0) {
            throw new IllegalArgumentException("half-life must be positive, got " + halfLifeMillis + " ms");
        }
        this.halfLife = halfLifeMillis;
        this.quantum = Math.multiplyExact(halfLifeMillis, QUANTUM_HALF_LIVES);
    }

    /** The landmark for an event at {@code time}: its time rounded down to a whole quantum. */
    long landmarkOf(long time) {
        return Math.floorDiv(time, quantum) * quantum;
    }

    /** What a weight of 1 at {@code time} is worth against {@code landmark}. */
    double growth(long time, long landmark) {
        return Math.pow(2.0, (double) (time - landmark) / halfLife);
    }

    /** The decayed value at {@code now} of a forward sum kept against {@code landmark}. */
    double valueAt(double sum, long landmark, long now) {
        return sum * Math.pow(2.0, (double) (landmark - now) / halfLife);
    }

    /** Re-expresses a sum kept against landmark {@code from} against landmark {@code to}; exact. */
    double rebase(double sum, long from, long to) {
        long quanta = Math.floorDiv(to - from, quantum);
        quanta = Math.max(-MAX_QUANTA, Math.min(MAX_QUANTA, quanta));
        return Math.scalb(sum, (int) (-quanta * QUANTUM_HALF_LIVES));
    }
}
