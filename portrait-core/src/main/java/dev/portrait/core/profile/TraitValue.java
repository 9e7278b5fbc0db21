package dev.portrait.core.profile;

import java.util.Objects;

/**
 * A trait's current value with its provenance.
 *
 * @param value  the value (String, Long, Double, Boolean, or for undeclared traits any JSON value)
 * @param source where it came from (the event's {@code channel}, such as {@code server} or
 *               {@code browser}; {@code unknown} when the event does not say)
 * @param time   the event time (epoch ms) of the event that set it
 */
public record TraitValue(Object value, String source, long time) {
    public TraitValue {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(source, "source");
    }
}
