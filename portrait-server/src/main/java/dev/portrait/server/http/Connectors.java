package dev.portrait.server.http;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;

/**
 * The one connector the API listens on: plain HTTP/1.1, or HTTPS when {@link HttpConfig.Tls} is set, with the
 * read deadline as its idle timeout. Javalin makes its own plain connector only when none is given, so this
 * one replaces it.
 *
 * <p>PEM files are read here rather than through a library: the certificate chain is what
 * {@link CertificateFactory} reads natively, and an unencrypted PKCS#8 key is base64 between two lines. An
 * encrypted or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) key is refused with the {@code openssl} line that
 * converts it.
 */
final class Connectors {
    private Connectors() {
    }

    /**
     * The connector for these settings.
     *
     * @param certificate {@link #keyStore} of the settings' TLS, or {@code null} for plain HTTP
     */
    static ServerConnector create(Server server, HttpConfiguration http, HttpConfig config, KeyStore certificate) {
        HttpConfig.Perimeter perimeter = config.perimeter();
        ServerConnector connector;
        if (certificate == null) {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        } else {
            HttpConfiguration https = new HttpConfiguration(http);
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // the certificate names the public host, while tests and health checks reach it by IP or localhost
            secure.setSniHostCheck(false);
            https.addCustomizer(secure);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStore(certificate);
            ssl.setKeyStorePassword("");
            ssl.setKeyManagerPassword("");
            ConnectionFactory[] factories = {new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                    new HttpConnectionFactory(https)};
            connector = new ServerConnector(server, factories);
        }
        connector.setHost(config.host());
        connector.setPort(config.port());
        connector.setIdleTimeout(perimeter.readTimeout().toMillis());
        return connector;
    }

    /**
     * The certificate and key as an in-memory key store with an empty password (it never touches a disk).
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    static KeyStore keyStore(HttpConfig.Tls tls) {
        try {
            if (tls.pkcs12() != null) {
                KeyStore given = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(tls.pkcs12())) {
                    given.load(in, tls.password().toCharArray());
                } catch (IOException e) {
                    throw new IllegalArgumentException("http.tls.keyStore " + tls.pkcs12() + " cannot be read"
                            + (e.getCause() instanceof java.security.UnrecoverableKeyException
                            ? ": wrong password" : ": " + e.getMessage()), e);
                }
                String alias = null;
                for (String a : java.util.Collections.list(given.aliases())) {
                    if (given.isKeyEntry(a)) {
                        alias = a;
                        break;
                    }
                }
                if (alias == null) {
                    throw new IllegalArgumentException("http.tls.keyStore " + tls.pkcs12() + " holds no private key");
                }
                PrivateKey key = (PrivateKey) given.getKey(alias, tls.password().toCharArray());
                return single(key, given.getCertificateChain(alias));
            }
            Certificate[] chain = certificates(tls.certificatePem());
            return single(privateKey(tls.privateKeyPem()), chain);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("http.tls: the certificate or key cannot be used: " + e.getMessage(), e);
        }
    }

    private static KeyStore single(PrivateKey key, Certificate[] chain) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("an empty key store always loads", e);
        }
        store.setKeyEntry("portrait", key, new char[0], chain);
        return store;
    }

    private static Certificate[] certificates(Path pem) throws GeneralSecurityException {
        Collection<? extends Certificate> chain;
        try (InputStream in = Files.newInputStream(pem)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("http.tls.certificate " + pem + " cannot be read: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("http.tls.certificate " + pem + " holds no certificate");
        }
        return chain.toArray(new Certificate[0]);
    }

    private static PrivateKey privateKey(Path pem) throws GeneralSecurityException {
        String text;
        try {
            text = Files.readString(pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("http.tls.privateKey " + pem + " cannot be read: " + e.getMessage(), e);
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        int from = text.indexOf(begin);
        int to = text.indexOf("-----END PRIVATE KEY-----");
        if (from < 0 || to < from) {
            String found = text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")
                    ? "a PKCS#1/SEC1 key" : text.contains("ENCRYPTED PRIVATE KEY") ? "an encrypted key" : "no key";
            throw new IllegalArgumentException("http.tls.privateKey " + pem + " holds " + found + ", not an "
                    + "unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert it with: openssl pkcs8 -topk8 -nocrypt "
                    + "-in KEY -out key.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new IllegalArgumentException("http.tls.privateKey " + pem + " is not an RSA, EC or Ed25519 key", last);
    }
}
