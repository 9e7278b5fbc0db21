package dev.portrait.core.privacy;

/**
 * Released statistics of a numeric feature over an audience: how many members have a value, their sum
 * and mean, all noisy, all null when the noisy count fell under the suppression threshold.
 *
 * @param count        members with a value, noisy
 * @param sum          the sum of their values clamped to the bounds, noisy
 * @param mean         {@code sum / count} of the noisy figures, clamped to the bounds
 * @param suppressed   whether the noisy count was below the threshold
 * @param countStdDev  the standard deviation of the count's noise
 * @param sumStdDev    the standard deviation of the sum's noise
 */
public record NoisyStatistics(Long count, Double sum, Double mean, boolean suppressed, double countStdDev,
                              double sumStdDev) {
    public NoisyStatistics {
        if (suppressed != (count == null) || suppressed != (sum == null)) {
            throw new IllegalArgumentException("statistics are either suppressed or given, got count " + count + ", sum "
                    + sum + ", suppressed=" + suppressed);
        }
    }
}
