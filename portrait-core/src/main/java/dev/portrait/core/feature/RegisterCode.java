package dev.portrait.core.feature;

import dev.portrait.core.PortraitException;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.Arrays;

/**
 * A canonical Huffman code for a sketch's register bytes, so that a dense distinct-count state is
 * stored near its entropy instead of at one byte per register.
 *
 * <p>UltraLogLog keeps one byte per register, but once a sketch has seen a few thousand values its
 * registers cluster on a few dozen values: over 2,048 registers they carry about 4 bits each, so a
 * code built from the state's own histogram halves the stored size (portrait-bench's
 * DistinctCountComparisonTest measures it). Hand-written rather than {@link java.util.zip.Deflater}
 * because a profile's bytes must be the same on every JVM that writes them, and Deflater's output is
 * whatever the zlib build behind the JDK produces; its LZ77 stage would also find nothing to match in
 * register noise.
 *
 * <pre>
 * two or more register values, no code over 15 bits ({@link #NIBBLES}):
 *     smallest value (byte) · from there up, half a byte a value: its code length (1-15), or 0 followed
 *     by k, meaning the next k + 1 values are absent; the table ends where the code is complete, its
 *     last byte zero-padded · the registers' codes, most significant bit first, zero-padded to a byte
 * a longer code ({@link #BYTES}): smallest value · largest minus smallest · a byte per length (0:
 *     absent) · the codes
 * one register value ({@link #UNIFORM}): the value (byte)
 * </pre>
 *
 * The leading form byte is written by the caller's format: {@link #write} returns which one it used.
 * Code lengths come from the histogram alone, ties broken by value, and codes from
 * lengths by the canonical assignment, so the same registers always give the same bytes. For a full
 * sketch of 2,048 registers the table takes about 25 bytes and the code stays within 20 bytes of the
 * registers' entropy.
 */
final class RegisterCode {
    static final int NIBBLES = 1;
    static final int BYTES = 2;
    static final int UNIFORM = 3;
    /**
     * A Huffman code of depth d needs a total count of at least Fibonacci(d + 2), so the 2^16
     * registers of the largest sketch never get codes longer than 22 bits.
     */
    private static final int MAX_LENGTH = 32;

    private RegisterCode() {
    }

    /** Writes the form byte and the code. */
    static void write(byte[] registers, BinaryOut out) {
        long[] counts = new long[256];
        for (byte r : registers) {
            counts[r & 0xFF]++;
        }
        int min = 0;
        while (counts[min] == 0) {
            min++;
        }
        int max = 255;
        while (counts[max] == 0) {
            max--;
        }
        if (min == max) {
            out.writeByte(UNIFORM).writeByte(min);
            return;
        }
        int[] lengths = lengths(counts);
        boolean nibbles = true;
        for (int len : lengths) {
            nibbles &= len <= 15;
        }
        if (nibbles) {
            out.writeByte(NIBBLES).writeByte(min);
            Nibbles table = new Nibbles(out);
            for (int s = min; s <= max; ) {
                if (lengths[s] > 0) {
                    table.write(lengths[s++]);
                    continue;
                }
                int absent = 0;
                while (lengths[s + absent] == 0 && absent < 16) {
                    absent++;
                }
                table.write(0);
                table.write(absent - 1);
                s += absent;
            }
            table.flush();
        } else {
            out.writeByte(BYTES).writeByte(min).writeByte(max - min);
            for (int s = min; s <= max; s++) {
                out.writeByte(lengths[s]);
            }
        }
        long[] codes = codes(lengths);
        // whole codes into a bit accumulator, full bytes out: fewer than 8 bits wait, plus at most 32 new
        long pending = 0;
        int bits = 0;
        for (byte r : registers) {
            int v = r & 0xFF;
            pending = pending << lengths[v] | codes[v];
            bits += lengths[v];
            while (bits >= 8) {
                bits -= 8;
                out.writeByte((int) (pending >>> bits));
            }
        }
        if (bits > 0) {
            out.writeByte((int) (pending << (8 - bits)));
        }
    }

    /**
     * Reads {@code count} registers in the given form (the byte {@link #write} wrote first); anything
     * but a complete code whose padding bits are zero is corrupt.
     */
    static byte[] read(int form, BinaryIn in, int count) {
        byte[] registers = new byte[count];
        if (form == UNIFORM) {
            Arrays.fill(registers, (byte) in.readByte());
            return registers;
        }
        int[] lengths = new int[256];
        int min = in.readByte();
        if (form == NIBBLES) {
            long kraft = 0;
            int nibbles = 0;
            int b = 0;
            for (int s = min; kraft < 1L << MAX_LENGTH; ) {
                int v = (nibbles++ & 1) == 0 ? (b = in.readByte()) >>> 4 : b & 0x0F;
                if (v == 0) {
                    s += 1 + ((nibbles++ & 1) == 0 ? (b = in.readByte()) >>> 4 : b & 0x0F);
                } else if (s > 255) {
                    throw corrupt("a code length for register value " + s);
                } else {
                    lengths[s++] = v;
                    kraft += 1L << (MAX_LENGTH - v);
                }
            }
            if ((nibbles & 1) != 0 && (b & 0x0F) != 0) {
                throw corrupt("non-zero padding after the code lengths");
            }
        } else if (form == BYTES) {
            int max = min + in.readByte();
            if (max > 255) {
                throw corrupt("register values " + min + " to " + max);
            }
            for (int s = min; s <= max; s++) {
                lengths[s] = in.readByte();
                if (lengths[s] > MAX_LENGTH) {
                    throw corrupt("code length " + lengths[s]);
                }
            }
            if (lengths[min] == 0 || lengths[max] == 0) {
                throw corrupt("no code for the smallest or largest register value");
            }
        } else {
            throw corrupt("unknown register form " + form);
        }
        requireComplete(lengths);
        // canonical decoding: per length, how many codes, the first code and where its symbols start
        int[] perLength = new int[MAX_LENGTH + 1];
        for (int len : lengths) {
            perLength[len]++;
        }
        perLength[0] = 0;
        int[] start = new int[MAX_LENGTH + 2];
        for (int len = 1; len <= MAX_LENGTH; len++) {
            start[len + 1] = start[len] + perLength[len];
        }
        int[] sorted = new int[start[MAX_LENGTH + 1]];
        int[] fill = start.clone();
        for (int s = 0; s < 256; s++) {
            if (lengths[s] > 0) {
                sorted[fill[lengths[s]]++] = s;
            }
        }
        int buffer = 0;
        int left = 0;
        for (int i = 0; i < count; i++) {
            long code = 0;
            long first = 0;
            for (int len = 1; ; len++) {
                if (left == 0) {
                    buffer = in.readByte();
                    left = 8;
                }
                code = code << 1 | (buffer >>> --left & 1);
                if (code - first < perLength[len]) {
                    registers[i] = (byte) sorted[start[len] + (int) (code - first)];
                    break;
                }
                first = (first + perLength[len]) << 1;
            }
        }
        if ((buffer & ((1 << left) - 1)) != 0) {
            throw corrupt("non-zero padding after the register codes");
        }
        return registers;
    }

    /** Writes half bytes, high half first. */
    private static final class Nibbles {
        private final BinaryOut out;
        private int pending = -1;

        Nibbles(BinaryOut out) {
            this.out = out;
        }

        void write(int nibble) {
            if (pending < 0) {
                pending = nibble;
            } else {
                out.writeByte(pending << 4 | nibble);
                pending = -1;
            }
        }

        void flush() {
            if (pending >= 0) {
                out.writeByte(pending << 4);
                pending = -1;
            }
        }
    }

    /**
     * Huffman code lengths from value counts, by the two-queue construction: leaves sorted by count
     * (ties by value), merged nodes in the order they are made, the lighter head taken first and a
     * leaf before a merged node of the same weight. No boxing, no heap: this runs on every write of a
     * full sketch.
     */
    static int[] lengths(long[] counts) {
        long[] leaves = new long[256];
        int n = 0;
        for (int s = 0; s < 256; s++) {
            if (counts[s] > 0) {
                leaves[n++] = counts[s] << 8 | s;
            }
        }
        int[] lengths = new int[256];
        if (n < 2) {
            return lengths;
        }
        Arrays.sort(leaves, 0, n);
        // nodes 0..n-1 are the sorted leaves, n.. the merged ones; parent[] links each to its merge
        long[] weight = new long[2 * n - 1];
        int[] parent = new int[2 * n - 1];
        for (int i = 0; i < n; i++) {
            weight[i] = leaves[i] >>> 8;
        }
        int leaf = 0;
        int merged = n;
        for (int made = n; made < 2 * n - 1; made++) {
            int a = leaf < n && (merged >= made || weight[leaf] <= weight[merged]) ? leaf++ : merged++;
            int b = leaf < n && (merged >= made || weight[leaf] <= weight[merged]) ? leaf++ : merged++;
            weight[made] = weight[a] + weight[b];
            parent[a] = made;
            parent[b] = made;
        }
        int[] depth = new int[2 * n - 1];
        for (int i = 2 * n - 3; i >= 0; i--) {
            depth[i] = depth[parent[i]] + 1;
        }
        for (int i = 0; i < n; i++) {
            lengths[(int) (leaves[i] & 0xFF)] = depth[i];
        }
        return lengths;
    }

    /** The canonical codes: shorter codes first, and within one length in value order. */
    private static long[] codes(int[] lengths) {
        int[] perLength = new int[MAX_LENGTH + 1];
        for (int len : lengths) {
            perLength[len]++;
        }
        perLength[0] = 0;
        long[] next = new long[MAX_LENGTH + 1];
        long code = 0;
        for (int len = 1; len <= MAX_LENGTH; len++) {
            code = (code + perLength[len - 1]) << 1;
            next[len] = code;
        }
        long[] codes = new long[256];
        for (int s = 0; s < 256; s++) {
            if (lengths[s] > 0) {
                codes[s] = next[lengths[s]]++;
            }
        }
        return codes;
    }

    /** Kraft's sum must be exactly one: an incomplete code leaves bit patterns that decode to nothing. */
    private static void requireComplete(int[] lengths) {
        long sum = 0;
        for (int len : lengths) {
            if (len > 0) {
                sum += 1L << (MAX_LENGTH - len);
            }
        }
        if (sum != 1L << MAX_LENGTH) {
            throw corrupt("an incomplete register code");
        }
    }

    private static PortraitException corrupt(String what) {
        return new PortraitException("corrupt_state", "distinct_count: " + what, null);
    }
}
