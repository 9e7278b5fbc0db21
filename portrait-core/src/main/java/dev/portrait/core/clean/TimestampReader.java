package dev.portrait.core.clean;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Reads the times Segment SDKs send: ISO-8601 / RFC 3339 strings ({@code 2024-01-01T00:00:00.000Z},
 * {@code 2024-01-01T08:00:00+08:00}, {@code +0800}, a space instead of {@code T}) and epoch
 * milliseconds as numbers.
 *
 * <p>Hand-written instead of {@code DateTimeFormatter}: every event carries two or three times, and
 * a char loop is several times cheaper than the formatter on the hot path. Times are confined to the
 * years 0001-9999 so that skew arithmetic can never overflow and every accepted time prints back
 * as the same four-digit-year ISO string.
 */
final class TimestampReader {
    static final long MIN_EPOCH_SECOND = -62135596800L;   // 0001-01-01T00:00:00Z
    static final long MAX_EPOCH_SECOND = 253402300799L;   // 9999-12-31T23:59:59Z
    private static final int MAX_LENGTH = 64;

    private TimestampReader() {
    }

    /** The instant, or {@code null} when the value is absent; rejects anything unreadable. */
    static Instant read(Object value, FieldPath path, Notes notes) {
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return parse(s, path, notes);
        }
        if (value instanceof Number n) {
            return fromEpochMillis(n, path);
        }
        throw invalid(path, ValueText.kindAndValue(value) + " is neither an ISO-8601 string nor epoch milliseconds");
    }

    static boolean inRange(Instant t) {
        long s = t.getEpochSecond();
        return s >= MIN_EPOCH_SECOND && s <= MAX_EPOCH_SECOND;
    }

    private static Instant fromEpochMillis(Number raw, FieldPath path) {
        Object n = ValueCleaner.number(raw, path);
        Instant t;
        if (n instanceof Long millis) {
            if (millis < MIN_EPOCH_SECOND * 1000 || millis > MAX_EPOCH_SECOND * 1000 + 999) {
                throw outOfYears(path, n);
            }
            t = Instant.ofEpochMilli(millis);
        } else {
            double millis = (Double) n;
            if (millis < MIN_EPOCH_SECOND * 1000.0 || millis >= (MAX_EPOCH_SECOND + 1) * 1000.0) {
                throw outOfYears(path, n);
            }
            double whole = Math.floor(millis);
            long nanos = Math.round((millis - whole) * 1_000_000);
            t = Instant.ofEpochMilli((long) whole).plusNanos(nanos);
        }
        return t;
    }

    private static Rejection outOfYears(FieldPath path, Object n) {
        return invalid(path, ValueText.of(n) + " epoch milliseconds lies outside the years 0001-9999");
    }

    private static Instant parse(String s, FieldPath path, Notes notes) {
        int len = s.length();
        if (len > MAX_LENGTH) {
            throw invalid(path, ValueText.of(s) + " is too long to be a timestamp");
        }
        // yyyy-MM-dd[T ]HH:mm[:ss[.fraction]][Z|±HH[:]mm|±HH]
        if (len < 16 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':') {
            throw unreadable(path, s);
        }
        char sep = s.charAt(10);
        if (sep != 'T' && sep != 't' && sep != ' ') {
            throw unreadable(path, s);
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) {
            throw unreadable(path, s);
        }
        int i = 16;
        int second = 0;
        int nanos = 0;
        if (i < len && s.charAt(i) == ':') {
            second = digits(s, i + 1, 2);
            if (second < 0) {
                throw unreadable(path, s);
            }
            i += 3;
            if (i < len && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
                i++;
                int start = i;
                int scale = 100_000_000;
                while (i < len && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                    // digits past nanoseconds carry no meaning for event time; they are read and dropped
                    nanos += (s.charAt(i) - '0') * scale;
                    scale /= 10;
                    i++;
                }
                if (i == start) {
                    throw unreadable(path, s);
                }
            }
        }
        int offsetSeconds;
        if (i == len) {
            offsetSeconds = 0;
            notes.add(path + " " + ValueText.of(s) + " has no UTC offset; read as UTC");
        } else {
            char z = s.charAt(i);
            if (z == 'Z' || z == 'z') {
                if (i + 1 != len) {
                    throw unreadable(path, s);
                }
                offsetSeconds = 0;
            } else if (z == '+' || z == '-') {
                int oh = digits(s, i + 1, 2);
                int om;
                int rest = len - (i + 3);
                if (rest == 0) {
                    om = 0;
                } else if (rest == 3 && s.charAt(i + 3) == ':') {
                    om = digits(s, i + 4, 2);
                } else if (rest == 2) {
                    om = digits(s, i + 3, 2);
                } else {
                    throw unreadable(path, s);
                }
                if (oh < 0 || om < 0 || oh > 18 || om > 59) {
                    throw unreadable(path, s);
                }
                offsetSeconds = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
            } else {
                throw unreadable(path, s);
            }
        }
        if (year < 1 || hour > 23 || minute > 59 || second > 59) {
            throw invalid(path, ValueText.of(s) + " is not a valid date and time");
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            throw invalid(path, ValueText.of(s) + " is not a valid date: " + e.getMessage());
        }
        long epochSecond = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
        if (epochSecond < MIN_EPOCH_SECOND || epochSecond > MAX_EPOCH_SECOND) {
            throw invalid(path, ValueText.of(s) + " lies outside the years 0001-9999 in UTC");
        }
        return Instant.ofEpochSecond(epochSecond, nanos);
    }

    /** The value of {@code n} ASCII digits at {@code from}, or -1 when they are not all digits. */
    private static int digits(String s, int from, int n) {
        if (from + n > s.length()) {
            return -1;
        }
        int v = 0;
        for (int i = from; i < from + n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static Rejection unreadable(FieldPath path, String s) {
        return invalid(path, ValueText.of(s) + " is not an ISO-8601 date-time such as 2024-01-01T00:00:00.000Z");
    }

    private static Rejection invalid(FieldPath path, String why) {
        return new Rejection(RejectionCode.INVALID_TIMESTAMP, path, why);
    }
}
