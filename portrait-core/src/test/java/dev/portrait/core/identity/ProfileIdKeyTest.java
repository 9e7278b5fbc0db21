package dev.portrait.core.identity;

import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileIdKeyTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void theHandWrittenHmacMatchesRfc4231TestCases() {
        // RFC 4231 test case 2 ("Jefe") has a 4-byte key, below our minimum; cases 1, 6 and 7 fit.
        byte[] key1 = new byte[20];
        java.util.Arrays.fill(key1, (byte) 0x0b);
        assertThat(HEX.formatHex(ProfileIdKey.of(key1).mac("Hi There".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        byte[] long131 = new byte[131];
        java.util.Arrays.fill(long131, (byte) 0xaa);
        assertThat(HEX.formatHex(ProfileIdKey.of(long131).mac(
                "Test Using Larger Than Block-Size Key - Hash Key First".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        assertThat(HEX.formatHex(ProfileIdKey.of(long131).mac(("This is a test using a larger than block-size key "
                + "and a larger than block-size data. The key needs to be hashed before being used by the HMAC "
                + "algorithm.").getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    }

    @Test
    void theHandWrittenHmacMatchesJavaxCryptoOnRandomKeysAndMessages() throws Exception {
        long seed = 0x5eed_13L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 500; i++) {
            byte[] key = new byte[16 + random.nextInt(150)];
            byte[] message = new byte[random.nextInt(300)];
            random.nextBytes(key);
            random.nextBytes(message);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            assertThat(ProfileIdKey.of(key).mac(message)).as("seed %d, case %d", seed, i).isEqualTo(mac.doFinal(message));
        }
    }

    @Test
    void theSameSecretNamesTheSameIdAndAnotherSecretAnotherOne() {
        Identifier ada = new Identifier("email", "ada@example.com");
        ProfileIdKey one = ProfileIdKey.ofText("a store secret of some length");
        ProfileIdKey same = ProfileIdKey.ofText("a store secret of some length");
        ProfileIdKey other = ProfileIdKey.ofText("another store's secret, also long");
        assertThat(one.profileId(ada)).isEqualTo(same.profileId(ada)).matches("p_[0-9a-f]{16}");
        assertThat(one.profileId(ada)).isNotEqualTo(other.profileId(ada));
    }

    @Test
    void aProfileIdCannotBeRecomputedAsTheUnkeyedHashOfTheIdentifier() throws Exception {
        Identifier ada = new Identifier("user_id", "ada");
        byte[] unkeyed = MessageDigest.getInstance("SHA-256").digest("user_id:ada".getBytes(StandardCharsets.UTF_8));
        for (ProfileIdKey k : List.of(ProfileIdKey.publicTestKey(), ProfileIdKey.ofText("0123456789abcdef"))) {
            assertThat(k.profileId(ada)).isNotEqualTo("p_" + HEX.formatHex(unkeyed, 0, 8));
        }
    }

    @Test
    void shortSecretsAreRefusedAndTheSecretIsNeverPrinted() {
        assertThatThrownBy(() -> ProfileIdKey.ofText("short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 bytes, got 5");
        assertThatThrownBy(() -> ProfileIdKey.of(null)).hasMessageContaining("got none");
        assertThat(ProfileIdKey.ofText("a secret that must stay private").toString()).doesNotContain("private");
    }
}
