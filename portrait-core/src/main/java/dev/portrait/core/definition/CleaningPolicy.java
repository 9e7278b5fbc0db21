package dev.portrait.core.definition;

import java.time.Duration;
import java.util.Objects;

/**
 * The definition's cleaning rules and limits.
 *
 * @param unknownEvents     what to do with undeclared track events
 * @param allowReturns      whether negative {@code price} / {@code quantity} / {@code revenue} are allowed
 *                          (returns and cancellations); otherwise they are rejected as out of range
 * @param maxFutureSkew     how far past the receive time an event's (corrected) time may be
 * @param maxPastAge        how far before the receive time an event may be; {@code null} for no limit
 *                          (historical imports)
 * @param maxStringLength   the longest string value, in characters
 * @param maxMapEntries     the most entries in any one object (properties, traits, context, nested)
 * @param maxArrayLength    the longest array
 * @param maxDepth          the deepest nesting of objects and arrays inside an event
 * @param redactCardNumbers replace values that look like payment card numbers (Luhn-valid, 13–19
 *                          digits) with {@code "[redacted]"}
 */
public record CleaningPolicy(UnknownEventPolicy unknownEvents, boolean allowReturns, Duration maxFutureSkew,
                             Duration maxPastAge, int maxStringLength, int maxMapEntries, int maxArrayLength,
                             int maxDepth, boolean redactCardNumbers) {
    public CleaningPolicy {
        Objects.requireNonNull(unknownEvents, "unknownEvents");
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        if (maxStringLength < 1 || maxMapEntries < 1 || maxArrayLength < 1 || maxDepth < 1) {
            throw new IllegalArgumentException("cleaning limits must be positive");
        }
    }

    /** The defaults a definition gets when it says nothing. */
    public static CleaningPolicy defaults() {
        return new CleaningPolicy(UnknownEventPolicy.ACCEPT, false, Duration.ofMinutes(10), Duration.ofDays(365),
                8192, 256, 1024, 16, true);
    }
}
