package dev.portrait.server.http;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTPS with a self-signed certificate made by the JDK's keytool for this test, in both forms the settings
 * take (PKCS#12 + password, PEM certificate + PKCS#8 key), and a client that trusts only that certificate.
 */
class TlsIT {
    private static final String PASSWORD = "test-store-password";
    @TempDir
    static Path dir;
    private static Path store;
    private static Path certificatePem;
    private static Path keyPem;
    private static KeyStore trusted;

    @BeforeAll
    static void makeACertificate() throws Exception {
        store = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "portrait", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
        certificatePem = dir.resolve("cert.pem");
        keytool("-exportcert", "-rfc", "-alias", "portrait", "-keystore", store.toString(), "-storepass", PASSWORD,
                "-file", certificatePem.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        PrivateKey key = (PrivateKey) ks.getKey("portrait", PASSWORD.toCharArray());
        keyPem = dir.resolve("key.pem");
        Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("portrait", ks.getCertificate("portrait"));
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    private static HttpClient trustingClient() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static HttpResponse<String> get(HttpClient client, String url, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aPkcs12CertificateServesHttpsToAClientThatTrustsIt() throws Exception {
        HttpConfig.Perimeter tls = HttpConfig.Perimeter.DEFAULT.withTls(HttpConfig.Tls.pkcs12(store, PASSWORD));
        try (ApiHarness api = new ApiHarness(tls)) {
            HttpResponse<String> r = get(trustingClient(), "https://127.0.0.1:" + api.api.port() + "/v1/segments",
                    ApiHarness.READ_KEY);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.sslSession()).isPresent();
            HttpResponse<String> error = get(trustingClient(), "https://localhost:" + api.api.port() + "/v1/nope", null);
            assertThat(error.statusCode()).isEqualTo(404);
            assertThat(error.body()).contains("\"code\":\"not_found\"");
        }
    }

    @Test
    void aPemCertificateAndKeyServeHttpsToo() throws Exception {
        HttpConfig.Perimeter tls = HttpConfig.Perimeter.DEFAULT.withTls(HttpConfig.Tls.pem(certificatePem, keyPem));
        try (ApiHarness api = new ApiHarness(tls)) {
            HttpResponse<String> r = get(trustingClient(), "https://127.0.0.1:" + api.api.port() + "/health", null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.sslSession().orElseThrow().getProtocol()).startsWith("TLSv1.");
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateIsRefusedAndPlainHttpGetsNoApi() throws Exception {
        HttpConfig.Perimeter tls = HttpConfig.Perimeter.DEFAULT.withTls(HttpConfig.Tls.pkcs12(store, PASSWORD));
        try (ApiHarness api = new ApiHarness(tls)) {
            HttpClient defaultTrust = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> get(defaultTrust, "https://127.0.0.1:" + api.api.port() + "/health", null))
                    .isInstanceOf(SSLHandshakeException.class);
            RawHttp.Answer plain;
            try {
                plain = RawHttp.exchange(api.api.port(), "GET /v1/segments HTTP/1.1\r\nHost: x\r\n"
                        + "Authorization: Bearer " + ApiHarness.READ_KEY + "\r\n\r\n");
            } catch (AssertionError | RuntimeException closedOrNotHttp) {
                plain = null; // the TLS port hung up on (or answered a TLS alert to) plain HTTP
            }
            assertThat(plain == null ? 0 : plain.status()).as("a plain request to the TLS port is not served")
                    .isNotEqualTo(200);
        }
    }

    @Test
    void aWrongPasswordOrAPkcs1KeyFailsAtStartNamingTheSetting() throws Exception {
        assertThatThrownBy(() -> new ApiHarness(HttpConfig.Perimeter.DEFAULT.withTls(
                HttpConfig.Tls.pkcs12(store, "not-the-password"))))
                .hasStackTraceContaining("http.tls.keyStore").hasStackTraceContaining("wrong password");
        Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> new ApiHarness(HttpConfig.Perimeter.DEFAULT.withTls(
                HttpConfig.Tls.pem(certificatePem, pkcs1))))
                .hasStackTraceContaining("http.tls.privateKey").hasStackTraceContaining("openssl pkcs8");
    }
}
