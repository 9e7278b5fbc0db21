package dev.portrait.server.http;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PerimeterSettingsTest {
    private static String sha256(String key) throws Exception {
        return HttpConfig.ApiKeys.HASHED + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aKeyGivenByItsSha256DigestLetsTheKeyItselfIn() throws Exception {
        String key = "rk_0123456789abcdefghijklmnop";
        Keyring ring = new Keyring(new HttpConfig.ApiKeys(Set.of(), Set.of(sha256(key)), Set.of()));
        assertThat(ring.scopesOf(key)).containsExactly(Scope.QUERY);
        assertThat(ring.scopesOf(sha256(key))).as("the digest is not itself a key").isEmpty();
        assertThat(ring.scopesOf(key + "x")).isEmpty();
    }

    @Test
    void theSameKeyInClearForOneScopeAndHashedForAnotherIsOneCallerWithBoth() throws Exception {
        String key = "ak_0123456789abcdefghijklmnop";
        Keyring ring = new Keyring(new HttpConfig.ApiKeys(Set.of(key), Set.of(sha256(key).toUpperCase()
                .replace("SHA256:", "sha256:")), Set.of()));
        assertThat(ring.size()).isEqualTo(1);
        assertThat(ring.scopesOf(key)).containsExactlyInAnyOrder(Scope.INGEST, Scope.QUERY);
    }

    @Test
    void aHashedKeyThatIsNot64HexDigitsIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> new HttpConfig.ApiKeys(Set.of("sha256:abc"), Set.of(), Set.of()))
                .hasMessageContaining("64 hex digits").hasMessageNotContaining("abc");
        assertThatThrownBy(() -> new HttpConfig.ApiKeys(Set.of("sha256:" + "g".repeat(64)), Set.of(), Set.of()))
                .hasMessageContaining("64 hex digits");
    }

    @Test
    void tlsNeedsExactlyOneFormAndBothPemFiles() {
        assertThatThrownBy(() -> new HttpConfig.Tls(null, null, null, null)).hasMessageContaining("not neither");
        assertThatThrownBy(() -> new HttpConfig.Tls(Path.of("a.p12"), "pw", Path.of("c.pem"), Path.of("k.pem")))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> HttpConfig.Tls.pem(Path.of("c.pem"), null)).hasMessageContaining("private key");
        assertThatThrownBy(() -> HttpConfig.Tls.pkcs12(Path.of("a.p12"), null)).hasMessageContaining("password");
        assertThat(HttpConfig.Tls.pkcs12(Path.of("a.p12"), "secret-pw").toString()).doesNotContain("secret-pw");
    }

    @Test
    void ratesAndTheReadTimeoutAreCheckedWhenMade() {
        assertThatThrownBy(() -> new HttpConfig.Rate(-1, 1)).hasMessageContaining("-1");
        assertThatThrownBy(() -> new HttpConfig.Rate(Double.NaN, 1)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> new HttpConfig.Rate(5, 0)).hasMessageContaining("burst");
        assertThatThrownBy(() -> HttpConfig.Perimeter.DEFAULT.withReadTimeout(Duration.ZERO))
                .hasMessageContaining("http.readTimeout");
        assertThat(new HttpConfig.Rate(0, 0).off()).isTrue();
    }

    @Test
    void byDefaultOnlyAdminCallsAndCallersWithoutAKeyAreLimited() {
        HttpConfig.Rates d = HttpConfig.Perimeter.DEFAULT.rates();
        assertThat(d.ingest().off()).as("ingest throughput is never held back by default").isTrue();
        assertThat(d.query().off()).isTrue();
        assertThat(d.admin()).isEqualTo(new HttpConfig.Rate(20, 40));
        assertThat(d.unauthenticated()).isEqualTo(new HttpConfig.Rate(50, 100));
        assertThat(HttpConfig.Perimeter.DEFAULT.tls()).isNull();
        assertThat(HttpConfig.Perimeter.DEFAULT.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    }
}
