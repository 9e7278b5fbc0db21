package dev.portrait.server.http;

import dev.portrait.server.port.SegmentBatch;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How the HTTP API listens, whom it lets in and how much it reads. Whoever reads the YAML file and
 * the command line builds one of these; every setting is checked here, so a bad one fails at start-up
 * naming the setting.
 *
 * @param host   the interface to bind ({@code 0.0.0.0} for all, {@code 127.0.0.1} for this machine)
 * @param port   the port; 0 lets the system choose ({@link HttpApi#port()} tells which)
 * @param keys   the API keys and what each may do
 * @param limits the documented request limits
 * @param openMetrics whether {@code GET /metrics} answers without a key; off by default (a read or admin
 *                    key is needed: the figures name no person, but they say how big and how busy the
 *                    installation is), on in {@code portrait demo}. {@code /health} is always open.
 * @param perimeter TLS, rate limits and the read deadline ({@link Perimeter#DEFAULT}: plain HTTP, limits on
 *                  admin calls and unauthenticated callers only, 30 s)
 */
public record HttpConfig(String host, int port, ApiKeys keys, Limits limits, boolean openMetrics,
                         Perimeter perimeter) {
    public HttpConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("http.host is blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("http.port must be 0-65535, got " + port);
        }
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(perimeter, "perimeter");
    }

    /** With the default perimeter. */
    public HttpConfig(String host, int port, ApiKeys keys, Limits limits, boolean openMetrics) {
        this(host, port, keys, limits, openMetrics, Perimeter.DEFAULT);
    }

    /** With {@code /metrics} behind a read or admin key. */
    public HttpConfig(String host, int port, ApiKeys keys, Limits limits) {
        this(host, port, keys, limits, false);
    }

    /** Listens on every interface at {@code port} with the default limits. */
    public static HttpConfig of(int port, ApiKeys keys) {
        return new HttpConfig("0.0.0.0", port, keys, Limits.DEFAULT);
    }

    public HttpConfig withLimits(Limits newLimits) {
        return new HttpConfig(host, port, keys, newLimits, openMetrics, perimeter);
    }

    public HttpConfig withHost(String newHost) {
        return new HttpConfig(newHost, port, keys, limits, openMetrics, perimeter);
    }

    /** Whether {@code /metrics} answers without a key (demo mode, or a scraper on a private network). */
    public HttpConfig withOpenMetrics(boolean open) {
        return new HttpConfig(host, port, keys, limits, open, perimeter);
    }

    public HttpConfig withPerimeter(Perimeter newPerimeter) {
        return new HttpConfig(host, port, keys, limits, openMetrics, newPerimeter);
    }

    /**
     * The API keys. Write keys may only ingest; read keys may only query; admin keys may query and
     * administer (forget people, list and re-drive the quarantine). A key listed in two sets has both
     * scopes. An empty set means nobody has that scope: there is no "open" mode.
     *
     * <p>An entry {@code sha256:HEX} stands for the key whose SHA-256 digest (of its UTF-8 bytes) is
     * {@code HEX}, so a config file need not hold the key itself; since a key cannot hold a {@code ':'}, the
     * two forms never collide. Keys given here may be of any length (tests use short ones); whoever reads
     * the operator's settings enforces {@link #MIN_LENGTH}.
     */
    public record ApiKeys(Set<String> write, Set<String> read, Set<String> admin) {
        /** The prefix of a key given by its SHA-256 digest. */
        public static final String HASHED = "sha256:";
        /**
         * The shortest key an operator may configure: 24 characters of base64 are 144 bits, out of reach of
         * guessing even without rate limits.
         */
        public static final int MIN_LENGTH = 24;

        public ApiKeys {
            write = checked(write, "write");
            read = checked(read, "read");
            admin = checked(admin, "admin");
        }

        private static Set<String> checked(Set<String> keys, String scope) {
            Objects.requireNonNull(keys, scope + " keys");
            for (String key : keys) {
                if (key == null || key.isBlank()) {
                    throw new IllegalArgumentException("a " + scope + " key is blank");
                }
                if (key.startsWith(HASHED)) {
                    String hex = key.substring(HASHED.length());
                    if (!hex.matches("[0-9a-fA-F]{64}")) {
                        throw new IllegalArgumentException("a hashed " + scope + " key must be sha256: and 64 hex "
                                + "digits, got " + hex.length() + " characters after sha256:");
                    }
                    continue;
                }
                // HTTP Basic cannot carry a ':' in the user name, and white space would not survive headers
                for (int i = 0; i < key.length(); i++) {
                    char c = key.charAt(i);
                    if (c == ':' || c <= ' ' || c >= 0x7f) {
                        throw new IllegalArgumentException("a " + scope + " key may hold only visible ASCII "
                                + "characters other than ':', got one with " + describe(c) + " at index " + i);
                    }
                }
            }
            return Set.copyOf(keys);
        }

        // the key itself is a secret, so messages name the offending character, never the key
        private static String describe(char c) {
            return c == ':' ? "':'" : String.format("U+%04X", (int) c);
        }

        @Override
        public String toString() {
            return "ApiKeys[" + write.size() + " write, " + read.size() + " read, " + admin.size() + " admin]";
        }
    }

    /**
     * What one request may carry, each counted where it costs. Over {@code maxRequestBytes},
     * {@code maxBatchEvents} or {@code maxMergedBytes} the request is answered 413 naming the limit and
     * nothing from it is stored. Over {@code maxEventBytes}, a single call is answered 413 (the request
     * is the event), while a batch's event is quarantined alone as {@code event_too_large} and the rest of
     * the batch is stored: {@link dev.portrait.server.port.SegmentBatch} has the order of the checks.
     *
     * @param maxEventBytes   bytes of one event as it would be stored: its own bytes in the decompressed
     *                        body plus the batch's {@code context}, {@code integrations} and {@code sentAt}
     *                        entries merged into it
     * @param maxRequestBytes bytes of a whole body after decompression (and before it, for gzip): a gzip
     *                        bomb is refused after inflating at most this much
     * @param maxBatchEvents  events in one batch
     * @param maxMergedBytes  bytes of all of a batch's events, each counted as for {@code maxEventBytes}:
     *                        what one request may make the server store, however small it was on the wire
     */
    public record Limits(int maxEventBytes, int maxRequestBytes, int maxBatchEvents, long maxMergedBytes) {
        /**
         * Segment's per-event and per-batch-count limits; a request limit well above Segment's 500 KB; a
         * batch may store four times its request limit (a context shared by many events is normal).
         */
        public static final Limits DEFAULT = new Limits(32 * 1024, 4 * 1024 * 1024, 2_500);

        public Limits {
            if (maxEventBytes < 1) {
                throw new IllegalArgumentException("http.limits.maxEventBytes must be positive, got " + maxEventBytes);
            }
            if (maxRequestBytes < maxEventBytes) {
                throw new IllegalArgumentException("http.limits.maxRequestBytes " + maxRequestBytes
                        + " is below maxEventBytes " + maxEventBytes);
            }
            // readNBytes(limit + 1) tells "over the limit" from "exactly at it"
            if (maxRequestBytes == Integer.MAX_VALUE) {
                throw new IllegalArgumentException("http.limits.maxRequestBytes must be below " + Integer.MAX_VALUE);
            }
            if (maxBatchEvents < 1) {
                throw new IllegalArgumentException("http.limits.maxBatchEvents must be positive, got " + maxBatchEvents);
            }
            if (maxMergedBytes < maxEventBytes) {
                throw new IllegalArgumentException("http.limits.maxMergedBytes " + maxMergedBytes
                        + " is below maxEventBytes " + maxEventBytes);
            }
        }

        /** With {@code maxMergedBytes} four times {@code maxRequestBytes}, as {@link #DEFAULT} has it. */
        public Limits(int maxEventBytes, int maxRequestBytes, int maxBatchEvents) {
            this(maxEventBytes, maxRequestBytes, maxBatchEvents, 4L * maxRequestBytes);
        }

        public Limits withMaxMergedBytes(long bytes) {
            return new Limits(maxEventBytes, maxRequestBytes, maxBatchEvents, bytes);
        }

        /** The limits a batch body (or a batch line of an import) is read under. */
        public SegmentBatch.Limits batch() {
            return new SegmentBatch.Limits(maxEventBytes, maxMergedBytes, maxBatchEvents);
        }
    }

    /**
     * What guards the edge: TLS, rate limits, and how long a request may take to arrive.
     *
     * @param tls         the certificate to serve HTTPS with, or {@code null} for plain HTTP (behind a reverse
     *                    proxy that terminates TLS, docs/SECURITY.md)
     * @param rates       the rate limits
     * @param readTimeout how long a request body may take to arrive, whatever its pace (a body trickled byte by
     *                    byte is answered 408 once it is spent), and how long a connection may stay silent
     */
    public record Perimeter(Tls tls, Rates rates, Duration readTimeout) {
        public static final Perimeter DEFAULT = new Perimeter(null, Rates.DEFAULT, Duration.ofSeconds(30));

        public Perimeter {
            Objects.requireNonNull(rates, "rates");
            Objects.requireNonNull(readTimeout, "readTimeout");
            if (readTimeout.isNegative() || readTimeout.isZero()) {
                throw new IllegalArgumentException("http.readTimeout must be positive, got " + readTimeout);
            }
        }

        public Perimeter withTls(Tls newTls) {
            return new Perimeter(newTls, rates, readTimeout);
        }

        public Perimeter withRates(Rates newRates) {
            return new Perimeter(tls, newRates, readTimeout);
        }

        public Perimeter withReadTimeout(Duration newTimeout) {
            return new Perimeter(tls, rates, newTimeout);
        }
    }

    /**
     * The server's certificate and private key: a PKCS#12 file and its password, or a PEM certificate chain
     * and a PEM private key (PKCS#8, {@code BEGIN PRIVATE KEY}, as Let's Encrypt's certbot and
     * {@code openssl pkcs8 -topk8 -nocrypt} write it). Exactly one of the two forms is set.
     */
    public record Tls(Path pkcs12, String password, Path certificatePem, Path privateKeyPem) {
        public Tls {
            boolean store = pkcs12 != null;
            boolean pem = certificatePem != null || privateKeyPem != null;
            if (store == pem) {
                throw new IllegalArgumentException("http.tls needs either a PKCS#12 file (keyStore + password) or "
                        + "a PEM certificate and private key (certificate + privateKey), not "
                        + (store ? "both" : "neither"));
            }
            if (pem && (certificatePem == null || privateKeyPem == null)) {
                throw new IllegalArgumentException("http.tls: a PEM " + (certificatePem == null ? "certificate"
                        : "private key") + " is missing; give both certificate and privateKey");
            }
            if (store && password == null) {
                throw new IllegalArgumentException("http.tls: the PKCS#12 file " + pkcs12 + " needs its password "
                        + "(an empty one is \"\")");
            }
        }

        public static Tls pkcs12(Path file, String password) {
            return new Tls(file, password, null, null);
        }

        public static Tls pem(Path certificate, Path privateKey) {
            return new Tls(null, null, certificate, privateKey);
        }

        /** Without the password. */
        @Override
        public String toString() {
            return pkcs12 != null ? "Tls[pkcs12=" + pkcs12 + "]"
                    : "Tls[certificate=" + certificatePem + ", privateKey=" + privateKeyPem + "]";
        }
    }

    /**
     * Token buckets, one per key and route class, and one per remote address for callers without a known key
     * (no key, a wrong key, the open routes). Ingest and query are off by default: a backend may read or send
     * thousands of calls a second with one key, and a limit there would only slow the product down; admin
     * calls (forget, re-drive) are rare and costly, and unauthenticated callers are either probes or someone
     * guessing keys.
     */
    public record Rates(Rate ingest, Rate query, Rate admin, Rate unauthenticated) {
        public static final Rates DEFAULT = new Rates(Rate.OFF, Rate.OFF, new Rate(20, 40), new Rate(50, 100));
        /** No limit at all. */
        public static final Rates OFF = new Rates(Rate.OFF, Rate.OFF, Rate.OFF, Rate.OFF);

        public Rates {
            Objects.requireNonNull(ingest, "ingest rate");
            Objects.requireNonNull(query, "query rate");
            Objects.requireNonNull(admin, "admin rate");
            Objects.requireNonNull(unauthenticated, "unauthenticated rate");
        }
    }

    /**
     * A sustained rate and the burst allowed on top of an idle period: {@code burst} calls at once, then one
     * every {@code 1/perSecond} seconds. {@code perSecond} 0 is no limit.
     */
    public record Rate(double perSecond, int burst) {
        public static final Rate OFF = new Rate(0, 0);

        public Rate {
            if (!(perSecond >= 0) || Double.isInfinite(perSecond)) {
                throw new IllegalArgumentException("a rate must be 0 (off) or a positive number per second, got "
                        + perSecond);
            }
            if (perSecond > 0 && burst < 1) {
                throw new IllegalArgumentException("a rate's burst must be at least 1, got " + burst);
            }
            if (perSecond > 1e9) {
                throw new IllegalArgumentException("a rate over 10^9 per second is no limit: use 0, got " + perSecond);
            }
        }

        public boolean off() {
            return perSecond == 0;
        }
    }
}
