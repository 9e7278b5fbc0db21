package dev.portrait.cli;

import dev.portrait.cli.PortraitCli.UsageProblem;
import dev.portrait.server.http.HttpConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keys from the environment, files and digests; TLS, rate limits and the read deadline, from a config file. */
class ServePerimeterSettingsTest {
    private static final String WRITE = "wk_env_0123456789abcdefghij";
    private static final String READ = "rk_file_0123456789abcdefghi";
    private static final String ADMIN = "ak_hashed_0123456789abcdefg";

    @TempDir
    Path tmp;

    private ServeConfig.Settled settle(String yaml, Map<String, String> env) {
        Path file = tmp.resolve("portrait.yaml");
        return ServeConfig.parse(yaml, file, env).over(ServeConfig.EMPTY).settle();
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keysComeFromTheEnvironmentAFileOrADigest() throws Exception {
        Files.writeString(tmp.resolve("read.key"), READ + "\n");
        ServeConfig.Settled s = settle("""
                data: ./d
                apiKeys:
                  write: [{env: PORTRAIT_WRITE_KEY}]
                  read: [{file: read.key}]
                  admin: [{sha256: %s}]
                """.formatted(sha256(ADMIN)), Map.of("PORTRAIT_WRITE_KEY", WRITE));
        assertThat(s.keys().write()).containsExactly(WRITE);
        assertThat(s.keys().read()).as("relative to the file's folder, the newline dropped").containsExactly(READ);
        assertThat(s.keys().admin()).containsExactly("sha256:" + sha256(ADMIN));
        assertThat(s.perimeter()).isEqualTo(HttpConfig.Perimeter.DEFAULT);
    }

    @Test
    void theOlderKeyListsTakeTheSameEntriesAndAddToApiKeys() {
        ServeConfig.Settled s = settle("""
                data: ./d
                writeKeys: [{env: W2}]
                apiKeys: {write: [%s]}
                """.formatted(WRITE), Map.of("W2", WRITE + "2"));
        assertThat(s.keys().write()).containsExactlyInAnyOrder(WRITE, WRITE + "2");
    }

    @Test
    void aShortKeyIsRefusedNamingItsPlaceInTheFileAndNeverItsValue() {
        assertThatThrownBy(() -> settle("apiKeys: {read: [" + READ + ", short-secret]}\n", Map.of()))
                .isInstanceOf(UsageProblem.class)
                .hasMessageContaining("portrait.yaml: apiKeys.read[1]").hasMessageContaining("12 characters")
                .hasMessageContaining("at least 24").hasMessageNotContaining("short-secret");
        assertThatThrownBy(() -> settle("apiKeys: {write: [{env: K}]}\n", Map.of("K", "tiny-secret")))
                .hasMessageContaining("apiKeys.write[0]").hasMessageContaining("from $K")
                .hasMessageNotContaining("tiny-secret");
    }

    @Test
    void aShortKeyGivenAsAFlagIsRefusedNamingTheFlag() {
        Cli.Run r = Cli.run("serve", "--data", tmp.resolve("d").toString(), "--read-key", "rk-short");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--read-key").contains("at least 24").doesNotContain("rk-short");
        assertThat(tmp.resolve("d")).as("nothing was created").doesNotExist();
    }

    @Test
    void aMissingVariableOrFileOrABadDigestIsNamed() {
        assertThatThrownBy(() -> settle("apiKeys: {write: [{env: NOPE}]}\n", Map.of()))
                .hasMessageContaining("apiKeys.write[0]").hasMessageContaining("NOPE is not set");
        assertThatThrownBy(() -> settle("apiKeys: {write: [{file: missing.key}]}\n", Map.of()))
                .hasMessageContaining("apiKeys.write[0]").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> settle("apiKeys: {admin: [{sha256: abc}]}\n", Map.of()))
                .hasMessageContaining("apiKeys.admin[0]").hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> settle("apiKeys: {admin: [{vault: x}]}\n", Map.of()))
                .hasMessageContaining("unknown key source \"vault\"");
        assertThatThrownBy(() -> settle("apiKeys: {writer: []}\n", Map.of()))
                .hasMessageContaining("apiKeys.writer");
    }

    @Test
    void tlsRateLimitsAndTheReadTimeoutAreRead() throws IOException {
        ServeConfig.Settled s = settle("""
                data: ./d
                apiKeys: {write: [%s]}
                tls: {keyStore: certs/server.p12, password: {env: TLS_PW}}
                rateLimits:
                  ingest: off
                  query: {perSecond: 1000, burst: 2000}
                  admin: {perSecond: 5}
                readTimeout: 10s
                """.formatted(WRITE), Map.of("TLS_PW", "store-pw"));
        HttpConfig.Perimeter p = s.perimeter();
        assertThat(p.tls().pkcs12()).isEqualTo(tmp.resolve("certs/server.p12"));
        assertThat(p.tls().password()).isEqualTo("store-pw");
        assertThat(p.rates().ingest().off()).isTrue();
        assertThat(p.rates().query()).isEqualTo(new HttpConfig.Rate(1000, 2000));
        assertThat(p.rates().admin()).as("burst defaults to a second's worth").isEqualTo(new HttpConfig.Rate(5, 5));
        assertThat(p.rates().unauthenticated()).isEqualTo(HttpConfig.Rates.DEFAULT.unauthenticated());
        assertThat(p.readTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.http().perimeter()).isEqualTo(p);
        assertThat(settle("data: d\ntls: {certificate: a.pem, privateKey: b.pem}\napiKeys: {write: [" + WRITE + "]}\n",
                Map.of()).perimeter().tls().certificatePem()).isEqualTo(tmp.resolve("a.pem"));
    }

    @Test
    void badPerimeterSettingsAreNamed() {
        assertThatThrownBy(() -> settle("tls: {certificate: a.pem}\n", Map.of())).hasMessageContaining("private key");
        assertThatThrownBy(() -> settle("tls: {keyStore: a.p12}\n", Map.of())).hasMessageContaining("password");
        assertThatThrownBy(() -> settle("tls: {pfx: a.p12}\n", Map.of())).hasMessageContaining("tls.pfx");
        assertThatThrownBy(() -> settle("rateLimits: {query: 100}\n", Map.of()))
                .hasMessageContaining("rateLimits.query").hasMessageContaining("perSecond");
        assertThatThrownBy(() -> settle("rateLimits: {reads: off}\n", Map.of())).hasMessageContaining("rateLimits.reads");
        assertThatThrownBy(() -> settle("readTimeout: soon\n", Map.of())).hasMessageContaining("readTimeout")
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> settle("readTimeout: 0s\n", Map.of())).hasMessageContaining("positive");
    }

    @Test
    void demoKeysAreLongEnough() {
        assertThat(DemoCommand.key("wk_")).hasSizeGreaterThanOrEqualTo(HttpConfig.ApiKeys.MIN_LENGTH);
    }
}
