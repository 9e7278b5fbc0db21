package dev.portrait.server.http;

import dev.portrait.server.port.SegmentBatch;

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
 */
public record HttpConfig(String host, int port, ApiKeys keys, Limits limits, boolean openMetrics) {
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
        return new HttpConfig(host, port, keys, newLimits, openMetrics);
    }

    public HttpConfig withHost(String newHost) {
        return new HttpConfig(newHost, port, keys, limits, openMetrics);
    }

    /** Whether {@code /metrics} answers without a key (demo mode, or a scraper on a private network). */
    public HttpConfig withOpenMetrics(boolean open) {
        return new HttpConfig(host, port, keys, limits, open);
    }

    /**
     * The API keys. Write keys may only ingest; read keys may only query; admin keys may query and
     * administer (forget people, list and re-drive the quarantine). A key listed in two sets has both
     * scopes. An empty set means nobody has that scope: there is no "open" mode.
     */
    public record ApiKeys(Set<String> write, Set<String> read, Set<String> admin) {
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
}
