package dev.portrait.core.event;

import java.util.Objects;

/**
 * A JSON number written with more characters than any measurement needs, kept as the text it arrived
 * as instead of being read into a value.
 *
 * <p>Reading a number of a million digits into a {@code BigInteger} costs far more than the bytes it
 * took to send, and no event field means anything by it; yet failing the parse would fail every other
 * event of its batch. So {@link UntrustedJson} hands this placeholder on in the number's place, the
 * cleaner rejects it as {@code invalid_number} at its exact path, and when the event is quarantined
 * Jackson writes it back as the very digits received (a {@code Number} it does not know is written
 * with its {@link #toString()}), so a re-drive sees the same input again.
 *
 * <p>It is never a value: {@link #doubleValue()} is NaN and the integral conversions throw.
 */
public final class OverlongNumber extends Number {
    private static final long serialVersionUID = 1L;

    private final String text;

    /** @param text the number's JSON text, as long as it came */
    public OverlongNumber(String text) {
        this.text = Objects.requireNonNull(text, "text");
    }

    /** How many characters the number was written with (digits, sign, point and exponent). */
    public int length() {
        return text.length();
    }

    /** The number's JSON text. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public int intValue() {
        throw notAValue();
    }

    @Override
    public long longValue() {
        throw notAValue();
    }

    @Override
    public float floatValue() {
        return Float.NaN;
    }

    @Override
    public double doubleValue() {
        return Double.NaN;
    }

    private ArithmeticException notAValue() {
        return new ArithmeticException("a number of " + text.length() + " characters is not read as a value");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OverlongNumber other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
