package dev.portrait.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte forms of keys and value headers. Big-endian fixed-width numbers so that RocksDB's bytewise
 * order is numeric order; profile ids length-prefixed inside composite keys so that one profile's
 * range never contains another's ({@code p1} is not a prefix of {@code p12}'s range).
 */
final class KeyLayout {
    static final byte[] EMPTY = new byte[0];

    private KeyLayout() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    static byte[] longKey(long v) {
        byte[] b = new byte[8];
        putLong(b, 0, v);
        return b;
    }

    /** A signed time as a key that sorts numerically, negatives first (sign bit flipped). */
    static void putTime(byte[] b, int off, long time) {
        putLong(b, off, time ^ Long.MIN_VALUE);
    }

    static long getTime(byte[] b, int off) {
        return getLong(b, off) ^ Long.MIN_VALUE;
    }

    /** {@code tag} followed by {@code parts}. */
    static byte[] key(byte tag, byte[]... parts) {
        int n = 1;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        out[0] = tag;
        int off = 1;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }

    /** A profile id with a two-byte length in front, for composite keys. */
    static byte[] profilePrefix(byte tag, String profileId) {
        byte[] id = utf8(profileId);
        if (id.length > 0xFFFF) {
            throw new IllegalArgumentException("profile id longer than 65535 bytes: " + id.length);
        }
        byte[] out = new byte[3 + id.length];
        out[0] = tag;
        out[1] = (byte) (id.length >>> 8);
        out[2] = (byte) id.length;
        System.arraycopy(id, 0, out, 3, id.length);
        return out;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static byte[] concat(byte[] a, long v) {
        byte[] out = Arrays.copyOf(a, a.length + 8);
        putLong(out, a.length, v);
        return out;
    }

    /**
     * The smallest key greater than every key that starts with {@code prefix}: the exclusive end of a
     * prefix range. {@code null} (unbounded) when the prefix is all 0xFF.
     */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        return null;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }
}
