package dev.portrait.core.encoding;

import dev.portrait.core.PortraitException;

import java.nio.charset.StandardCharsets;

/** Reads what {@link BinaryOut} wrote; a truncated or malformed buffer fails with {@code corrupt_state}. */
public final class BinaryIn {
    private final byte[] buf;
    private int pos;
    private final int end;

    public BinaryIn(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public BinaryIn(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    private void need(int n) {
        if (n < 0 || pos + n > end) {
            throw new PortraitException("corrupt_state", "binary state truncated at byte " + pos, null);
        }
    }

    public int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public long readVarLong() {
        long result = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = readByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new PortraitException("corrupt_state", "varint longer than 10 bytes at byte " + pos, null);
    }

    public int readVarInt() {
        long v = readVarLong();
        if (v > 0xFFFFFFFFL || v < 0) {
            throw new PortraitException("corrupt_state", "varint out of int range at byte " + pos, null);
        }
        return (int) v;
    }

    /** Reads a varint that is a count or length, so a corrupt huge value fails instead of allocating. */
    public int readLength() {
        int n = readVarInt();
        if (n < 0 || n > end - pos + 1_000_000) {
            throw new PortraitException("corrupt_state", "implausible length " + n + " at byte " + pos, null);
        }
        return n;
    }

    public long readSignedVarLong() {
        long v = readVarLong();
        return (v >>> 1) ^ -(v & 1);
    }

    public double readDouble() {
        need(8);
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits |= (long) (buf[pos++] & 0xFF) << (8 * i);
        }
        return Double.longBitsToDouble(bits);
    }

    public boolean readBoolean() {
        return readByte() != 0;
    }

    public String readString() {
        int n = readVarInt();
        if (n == 0) {
            return null;
        }
        need(n - 1);
        String s = new String(buf, pos, n - 1, StandardCharsets.UTF_8);
        pos += n - 1;
        return s;
    }

    public byte[] readBytes() {
        int n = readVarInt();
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** The next {@code n} bytes, with no length in front (the caller knows it). */
    public byte[] readRaw(int n) {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** Fails with {@code corrupt_state} unless the expected version byte comes next. */
    public int expectVersion(String what, int... known) {
        int v = readByte();
        for (int k : known) {
            if (k == v) {
                return v;
            }
        }
        throw new PortraitException("corrupt_state", what + ": unknown binary version " + v, null);
    }

    public boolean hasMore() {
        return pos < end;
    }

    public int position() {
        return pos;
    }
}
