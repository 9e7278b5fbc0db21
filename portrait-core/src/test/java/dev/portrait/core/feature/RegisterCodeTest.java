package dev.portrait.core.feature;

import com.dynatrace.hash4j.distinctcount.UltraLogLog;
import dev.portrait.core.PortraitException;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RegisterCodeTest {

    private static byte[] write(byte[] registers) {
        BinaryOut out = new BinaryOut();
        RegisterCode.write(registers, out);
        return out.toByteArray();
    }

    private static byte[] read(byte[] bytes, int count) {
        BinaryIn in = new BinaryIn(bytes);
        byte[] registers = RegisterCode.read(in.readByte(), in, count);
        assertThat(in.hasMore()).as("bytes left after the registers").isFalse();
        return registers;
    }

    @Test
    void registersOfAnyShapeRoundTripByteForByte() {
        for (long seed = 0; seed < 300; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] registers = new byte[1 << random.nextInt(3, 13)];
            int spread = random.nextInt(1, 256);
            int base = random.nextInt(256);
            boolean skewed = random.nextBoolean();
            for (int i = 0; i < registers.length; i++) {
                int offset = skewed ? Math.min(spread - 1, Long.numberOfTrailingZeros(random.nextLong()))
                        : random.nextInt(spread);
                registers[i] = (byte) (base + offset);
            }
            byte[] bytes = write(registers);
            assertThat(read(bytes, registers.length)).as("seed %d", seed).isEqualTo(registers);
            assertThat(write(registers)).as("seed %d written twice", seed).isEqualTo(bytes);
        }
    }

    @Test
    void equalRegistersTakeTwoBytes() {
        byte[] registers = new byte[2048];
        Arrays.fill(registers, (byte) 77);
        byte[] bytes = write(registers);
        assertThat(bytes).containsExactly(RegisterCode.UNIFORM, 77);
        assertThat(read(bytes, 2048)).isEqualTo(registers);
    }

    @Test
    void codesLongerThanFifteenBitsGetAByteALength() {
        // Fibonacci counts give the deepest Huffman tree: 20 values, codes up to 19 bits
        long a = 1;
        long b = 1;
        byte[] registers = new byte[32_768];
        int at = 0;
        for (int s = 0; s < 20; s++) {
            for (int i = 0; i < a; i++) {
                registers[at++] = (byte) s;
            }
            long c = a + b;
            a = b;
            b = c;
        }
        Arrays.fill(registers, at, registers.length, (byte) 20);
        byte[] bytes = write(registers);
        assertThat(bytes[0]).isEqualTo((byte) RegisterCode.BYTES);
        assertThat(read(bytes, registers.length)).isEqualTo(registers);
    }

    @Test
    void aFullUltraLogLogIsStoredWithinFiftyBytesOfItsRegistersEntropy() {
        for (long seed = 0; seed < 10; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            UltraLogLog sketch = UltraLogLog.create(11);
            int n = random.nextInt(5_000, 2_000_000);
            for (int i = 0; i < n; i++) {
                sketch.add(random.nextLong());
            }
            byte[] registers = sketch.getState();
            long[] counts = new long[256];
            for (byte r : registers) {
                counts[r & 0xFF]++;
            }
            double bits = 0;
            for (long c : counts) {
                bits += c == 0 ? 0 : -c * Math.log((double) c / registers.length) / Math.log(2);
            }
            int entropyBytes = (int) Math.ceil(bits / 8);
            assertThat(write(registers).length).as("seed %d, %d values, entropy %d bytes", seed, n, entropyBytes)
                    .isBetween(entropyBytes, entropyBytes + 50);
        }
    }

    @Test
    void damagedCodesAreACorruptStateNotOtherRegisters() {
        byte[] registers = new byte[64];
        for (int i = 0; i < registers.length; i++) {
            registers[i] = (byte) (i % 3);
        }
        byte[] good = write(registers);
        assertThat(HexFormat.of().formatHex(good)).startsWith("01001220");
        List<byte[]> damaged = List.of(
                Arrays.copyOf(good, good.length - 1),                       // truncated
                patched(patched(good, 2, 0x21), 3, 0x10),                  // lengths 2, 1, 1: too many codes
                new byte[] {RegisterCode.BYTES, 0, 1, 1, 2},               // lengths 1, 2: too few codes
                patched(good, 0, 9),                                       // an unknown form
                patched(good, good.length - 1, good[good.length - 1] | 1)); // padding bits set
        for (byte[] bad : damaged) {
            assertThatThrownBy(() -> read(bad, registers.length)).as(HexFormat.of().formatHex(bad))
                    .isInstanceOf(PortraitException.class)
                    .extracting(e -> ((PortraitException) e).code()).isEqualTo("corrupt_state");
        }
    }

    private static byte[] patched(byte[] bytes, int at, int value) {
        byte[] out = bytes.clone();
        out[at] = (byte) value;
        return out;
    }
}
