package dev.portrait.synth;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * Formats epoch milliseconds as {@code 2025-01-01T09:30:00.000Z}: always three fraction digits,
 * which {@link java.time.Instant#toString()} drops on whole seconds. The date part is cached
 * because consecutive events almost always fall on the same day; this keeps formatting, done
 * twice per event, off the generator's profile.
 */
final class IsoMillis {
    private static final long DAY = 86_400_000L;
    private final byte[] buffer = new byte[24];
    private long cachedDay = Long.MIN_VALUE;

    String format(long epochMillis) {
        long day = Math.floorDiv(epochMillis, DAY);
        int ms = (int) (epochMillis - day * DAY);
        if (day != cachedDay) {
            String date = LocalDate.ofEpochDay(day).toString();
            if (date.length() != 10) {
                throw new IllegalArgumentException("year out of the four-digit range: " + date);
            }
            System.arraycopy(date.getBytes(StandardCharsets.ISO_8859_1), 0, buffer, 0, 10);
            buffer[10] = 'T';
            cachedDay = day;
        }
        int hours = ms / 3_600_000;
        int minutes = ms / 60_000 % 60;
        int seconds = ms / 1000 % 60;
        int millis = ms % 1000;
        two(hours, 11);
        buffer[13] = ':';
        two(minutes, 14);
        buffer[16] = ':';
        two(seconds, 17);
        buffer[19] = '.';
        buffer[20] = (byte) ('0' + millis / 100);
        buffer[21] = (byte) ('0' + millis / 10 % 10);
        buffer[22] = (byte) ('0' + millis % 10);
        buffer[23] = 'Z';
        return new String(buffer, StandardCharsets.ISO_8859_1);
    }

    private void two(int value, int at) {
        buffer[at] = (byte) ('0' + value / 10);
        buffer[at + 1] = (byte) ('0' + value % 10);
    }
}
