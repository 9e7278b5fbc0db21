package dev.portrait.server.port;

/**
 * A numeric feature over an audience, exact: how many members have a number for it, and the sum of those
 * numbers, each clamped to the bounds when bounds were given.
 *
 * @param count      members with a numeric value
 * @param sum        the sum of their (clamped) values
 * @param withoutValue members of the audience without a numeric value (no events yet, or a non-numeric kind)
 */
public record AudienceStatistics(long count, double sum, long withoutValue) {
    public AudienceStatistics {
        if (count < 0 || withoutValue < 0) {
            throw new IllegalArgumentException("counts are never negative, got " + count + " and " + withoutValue);
        }
    }

    /** The mean of the values, or null when no member has one. */
    public Double mean() {
        return count == 0 ? null : sum / count;
    }
}
