package dev.portrait.core.encoding;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer with the few primitives Portrait's binary forms use: LEB128 varints
 * (zig-zag for signed values), IEEE doubles and length-prefixed UTF-8. Little and fast on purpose:
 * every profile write-back and every Flink state access goes through it.
 */
public final class BinaryOut {
    private byte[] buf;
    private int size;

    public BinaryOut() {
        this(256);
    }

    public BinaryOut(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    public BinaryOut writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    /** An unsigned varint; negative values take ten bytes, so use {@link #writeSignedVarLong} for them. */
    public BinaryOut writeVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    public BinaryOut writeVarInt(int v) {
        return writeVarLong(v & 0xFFFFFFFFL);
    }

    public BinaryOut writeSignedVarLong(long v) {
        return writeVarLong((v << 1) ^ (v >> 63));
    }

    public BinaryOut writeDouble(double v) {
        ensure(8);
        long bits = Double.doubleToRawLongBits(v);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (bits >>> (8 * i));
        }
        return this;
    }

    public BinaryOut writeBoolean(boolean v) {
        return writeByte(v ? 1 : 0);
    }

    /** A nullable string: length + 1 as a varint (0 means null), then UTF-8. */
    public BinaryOut writeString(String s) {
        if (s == null) {
            return writeVarInt(0);
        }
        int n = s.length();
        if (n < 127) {
            // Short ASCII strings (ids, names, keys: nearly all of them) go straight in, without the
            // array getBytes would allocate; the bytes are the same as UTF-8's.
            ensure(1 + n);
            int at = size + 1;
            int i = 0;
            while (i < n) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                buf[at + i] = (byte) c;
                i++;
            }
            if (i == n) {
                buf[size] = (byte) (n + 1); // the length + 1, below 128: a one-byte varint
                size = at + n;
                return this;
            }
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        writeVarInt(bytes.length + 1);
        return writeRaw(bytes, 0, bytes.length);
    }

    /** Length-prefixed bytes. */
    public BinaryOut writeBytes(byte[] bytes) {
        writeVarInt(bytes.length);
        return writeRaw(bytes, 0, bytes.length);
    }

    public BinaryOut writeRaw(byte[] bytes, int off, int len) {
        ensure(len);
        System.arraycopy(bytes, off, buf, size, len);
        size += len;
        return this;
    }

    public int size() {
        return size;
    }

    public void reset() {
        size = 0;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
