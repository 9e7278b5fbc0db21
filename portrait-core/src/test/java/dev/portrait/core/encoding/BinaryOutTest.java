package dev.portrait.core.encoding;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BinaryOutTest {
    private static final long SEED = 20261203L;

    /** The plain definition of a string's bytes: varint(UTF-8 length + 1), then the UTF-8 bytes. */
    private static byte[] reference(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long v = utf8.length + 1L;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        out.write(utf8, 0, utf8.length);
        return out.toByteArray();
    }

    @Test
    void stringsEncodeAsVarintLengthThenUtf8WhateverTheirCharacters() {
        SplittableRandom random = new SplittableRandom(SEED);
        String[] alphabet = {"a", "b", "X", "0", "9", "_", ":", "/", " ", "\u007f", "\u0080", "\u00e9", "\u4e2d",
            "\ud83d\ude00"};
        for (int run = 0; run < 5_000; run++) {
            int length = run < 300 ? run : random.nextInt(300);
            StringBuilder b = new StringBuilder();
            boolean ascii = random.nextInt(3) > 0;
            for (int i = 0; i < length; i++) {
                b.append(ascii ? String.valueOf((char) random.nextInt(0x80)) : alphabet[random.nextInt(alphabet.length)]);
            }
            String s = b.toString();
            BinaryOut out = new BinaryOut(16);
            out.writeByte(7).writeString(s).writeByte(9);
            byte[] bytes = out.toByteArray();
            byte[] expected = reference(s);
            assertThat(bytes).as("seed %d, run %d, length %d", SEED, run, length).hasSize(expected.length + 2);
            byte[] middle = java.util.Arrays.copyOfRange(bytes, 1, bytes.length - 1);
            assertThat(middle).as("seed %d, run %d: %s", SEED, run, s).isEqualTo(expected);
            assertThat(bytes[bytes.length - 1]).isEqualTo((byte) 9);
            BinaryIn in = new BinaryIn(bytes);
            in.readByte();
            assertThat(in.readString()).isEqualTo(s);
        }
    }

    @Test
    void aStringAtTheOneByteLengthLimitTakesTwoLengthBytes() {
        String s126 = "a".repeat(126);
        String s127 = "a".repeat(127);
        assertThat(new BinaryOut().writeString(s126).toByteArray()).isEqualTo(reference(s126));
        assertThat(new BinaryOut().writeString(s127).toByteArray()).isEqualTo(reference(s127));
        assertThat(new BinaryOut().writeString(s127).toByteArray()[0] & 0xFF).isEqualTo(0x80);
        assertThat(new BinaryOut().writeString(null).toByteArray()).containsExactly(0);
    }
}
