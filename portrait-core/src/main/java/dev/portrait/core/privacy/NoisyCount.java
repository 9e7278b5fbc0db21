package dev.portrait.core.privacy;

/**
 * A released count: the noisy value, or none when it fell under the suppression threshold, with the
 * standard deviation of the noise so a reader can judge it.
 *
 * @param count        the noisy count, never negative; null when suppressed
 * @param suppressed   whether the noisy count was below the threshold (so the answer says only "few")
 * @param noiseStdDev  the standard deviation of the noise that was added
 */
public record NoisyCount(Long count, boolean suppressed, double noiseStdDev) {
    public NoisyCount {
        if (suppressed != (count == null)) {
            throw new IllegalArgumentException("a count is either suppressed or given, got " + count + " suppressed="
                    + suppressed);
        }
        if (count != null && count < 0) {
            throw new IllegalArgumentException("a released count is never negative, got " + count);
        }
    }
}
