package dev.portrait.synth;

import java.nio.charset.StandardCharsets;

/** Renders identifiers the way SDKs and shops do; uniqueness comes from the callers' bijections. */
final class Ids {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

    private Ids() {
    }

    /**
     * A version-4-shaped UUID whose low 62 bits are {@code unique62} verbatim, so distinct inputs
     * give distinct strings; {@code high} only decorates.
     */
    static String uuid(long high, long unique62) {
        long hi = (high & ~0xF000L) | 0x4000L;
        long lo = (unique62 & ((1L << 62) - 1)) | 0x8000000000000000L;
        // Bytes, not chars: a Latin-1 string is made from bytes by a plain copy.
        byte[] c = new byte[36];
        hex(hi >>> 32, 8, c, 0);
        c[8] = '-';
        hex(hi >>> 16, 4, c, 9);
        c[13] = '-';
        hex(hi, 4, c, 14);
        c[18] = '-';
        hex(lo >>> 48, 4, c, 19);
        c[23] = '-';
        hex(lo, 12, c, 24);
        return new String(c, StandardCharsets.ISO_8859_1);
    }

    /** The last {@code digits} hex digits of {@code value}. */
    static void hex(long value, int digits, byte[] into, int at) {
        for (int i = digits - 1; i >= 0; i--) {
            into[at + i] = HEX[(int) (value & 0xF)];
            value >>>= 4;
        }
    }
}
