package dev.portrait.core.experiment;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written HMAC-SHA256 against RFC 4231's test vectors (cases 1, 2 and 6: a key longer than a block). */
class ExperimentAssignmentTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void theHmacMatchesRfc4231() {
        byte[] key1 = new byte[20];
        java.util.Arrays.fill(key1, (byte) 0x0b);
        assertThat(HEX.formatHex(new ExperimentAssignment(key1).hmac("Hi There".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        assertThat(HEX.formatHex(new ExperimentAssignment("Jefe")
                .hmac("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        byte[] key6 = new byte[131];
        java.util.Arrays.fill(key6, (byte) 0xaa);
        assertThat(HEX.formatHex(new ExperimentAssignment(key6)
                .hmac("Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    @Test
    void unitsFallInTheUnitInterval() {
        ExperimentAssignment a = new ExperimentAssignment("a-secret-of-sixteen-or-more");
        for (int i = 0; i < 1000; i++) {
            assertThat(a.unit("x", "p_" + i)).isBetween(0.0, 1.0).isLessThan(1.0);
        }
    }
}
