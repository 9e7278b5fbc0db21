package dev.portrait.server.http;

import dev.portrait.core.PortraitException;
import io.javalin.http.Context;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a JSON request body within the request limit.
 *
 * <p>Accepted media types are {@code application/json} and {@code text/plain}, with no charset or
 * UTF-8: browsers send {@code text/plain} from {@code navigator.sendBeacon} and Segment's
 * analytics.js uses it to avoid a CORS preflight, and the body is JSON either way (RFC 8259 makes
 * JSON UTF-8). Anything else is 415, as is a content coding other than gzip or identity.
 *
 * <p>The limit counts the bytes after decompression, so a small gzip body that inflates past it is
 * answered 413 after reading at most limit + 1 inflated bytes, and never held in memory whole. The
 * compressed bytes are bounded by the same limit, which also stops a stream of empty gzip members
 * that would never inflate to anything.
 */
final class RequestBody {
    /**
     * The context attribute holding the {@link System#nanoTime()} by which the body must have arrived. The
     * connection's idle timeout cuts a client that goes silent; this cuts one that trickles a byte now and
     * then, which would reset an idle timeout forever (slowloris).
     */
    static final String DEADLINE = "portrait.readDeadline";

    private RequestBody() {
    }

    /**
     * The decompressed body.
     *
     * @throws PortraitException {@code unsupported_media_type}, {@code request_too_large},
     *                           {@code invalid_gzip}
     */
    static byte[] read(Context ctx, int maxBytes) throws IOException {
        checkContentType(ctx.header("Content-Type"));
        boolean gzip = gzip(ctx.header("Content-Encoding"));
        Long deadline = ctx.attribute(DEADLINE);
        InputStream wire = deadline == null ? ctx.req().getInputStream()
                : new Deadlined(ctx.req().getInputStream(), deadline);
        long declared = ctx.req().getContentLengthLong();
        if (!gzip && declared > maxBytes) {
            drain(wire, maxBytes);
            throw tooLarge(maxBytes, declared + " bytes declared by Content-Length");
        }
        try {
            InputStream in = new Bounded(wire, maxBytes);
            if (gzip) {
                in = new GZIPInputStream(in);
            }
            byte[] body = declared >= 0 && !gzip ? readDeclared(in, (int) declared, maxBytes) : in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw tooLarge(maxBytes, gzip ? "more after decompression" : "more");
            }
            return body;
        } catch (ZipException | EOFException e) {
            throw invalidGzip(e);
        } catch (PortraitException e) {
            if (!e.code().equals("request_timeout")) {
                drain(wire, maxBytes);
            }
            throw e;
        } catch (IOException e) {
            if (timedOut(e)) {
                throw ApiError.requestTimeout("the connection went silent before the request body arrived");
            }
            throw e;
        }
    }

    /**
     * A body whose length the client declared, read straight into an array of that length: reading an
     * unknown length gathers 8 KB chunks and copies them into the result, which doubled the bytes every
     * ingest request allocated. A body shorter than declared is returned as it came; one longer (the
     * framing never allows it, but a wrapper might) is read on up to the limit like an undeclared one.
     */
    private static byte[] readDeclared(InputStream in, int declared, int maxBytes) throws IOException {
        byte[] body = new byte[declared];
        int n = in.readNBytes(body, 0, declared);
        if (n < declared) {
            return java.util.Arrays.copyOf(body, n);
        }
        int next = in.read();
        if (next < 0) {
            return body;
        }
        byte[] rest = in.readNBytes(maxBytes - declared);
        byte[] all = java.util.Arrays.copyOf(body, declared + 1 + rest.length);
        all[declared] = (byte) next;
        System.arraycopy(rest, 0, all, declared + 1, rest.length);
        return all;
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads and discards what is left of a body we refuse, up to a bound. Answering before the client
     * has finished sending makes the server close a connection with unread bytes, and the TCP reset
     * that follows often destroys the answer before the client reads it: the client would see a
     * broken connection instead of our 413. Past the bound (four limits' worth), we stop caring.
     */
    private static void drain(InputStream wire, int maxBytes) {
        long left = 4L * maxBytes;
        byte[] sink = new byte[64 * 1024];
        try {
            int n;
            while (left > 0 && (n = wire.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException | PortraitException e) {
            // the client went away or ran out of time: nothing left to be polite to
        }
    }

    /** Whether the request carries a body at all (some admin calls take an optional one). */
    static boolean present(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        return length > 0 || length < 0 && ctx.header("Transfer-Encoding") != null;
    }

    private static void checkContentType(String header) {
        if (header == null || header.isBlank()) {
            throw ApiError.unsupportedMediaType("Content-Type", "no Content-Type: send application/json");
        }
        String[] parts = header.split(";");
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        if (!type.equals("application/json") && !type.equals("text/plain")) {
            throw ApiError.unsupportedMediaType("Content-Type", "Content-Type " + shown(type)
                    + " is not accepted: send application/json (text/plain is read as JSON too)");
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].strip();
            int eq = param.indexOf('=');
            if (eq > 0 && param.substring(0, eq).strip().equalsIgnoreCase("charset")) {
                String charset = param.substring(eq + 1).strip().replace("\"", "");
                if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                    throw ApiError.unsupportedMediaType("Content-Type", "charset " + shown(charset)
                            + " is not accepted: JSON bodies are UTF-8");
                }
            }
        }
    }

    private static boolean gzip(String header) {
        if (header == null || header.isBlank()) {
            return false;
        }
        String coding = header.strip().toLowerCase(Locale.ROOT);
        if (coding.equals("gzip") || coding.equals("x-gzip")) {
            return true;
        }
        if (coding.equals("identity")) {
            return false;
        }
        throw ApiError.unsupportedMediaType("Content-Encoding", "Content-Encoding " + shown(coding)
                + " is not accepted: send gzip or no encoding");
    }

    private static PortraitException tooLarge(int maxBytes, String what) {
        return ApiError.requestTooLarge("the request body is over the limit of " + maxBytes + " bytes ("
                + what + "); split the batch");
    }

    private static PortraitException invalidGzip(IOException e) {
        return new PortraitException("invalid_gzip", "the body is not valid gzip: " + e.getMessage(), "$", e);
    }

    private static String shown(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
    }

    /** Fails once more than {@code max} bytes have been read from the wire. */
    private static final class Bounded extends FilterInputStream {
        private final int max;
        private long count;

        Bounded(InputStream in, int max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            counted(skipped);
            return skipped;
        }

        private void counted(long n) {
            count += n;
            if (count > max) {
                // for plain bodies readNBytes(max + 1) stops first; this is the compressed side's bound
                throw tooLarge(max, "more on the wire");
            }
        }
    }

    /** Fails once the deadline has passed, checked after every read (a blocked read ends at the idle timeout). */
    private static final class Deadlined extends FilterInputStream {
        private final long deadline;

        Deadlined(InputStream in, long deadline) {
            super(in);
            this.deadline = deadline;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            check();
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            check();
            return n;
        }

        private void check() {
            if (System.nanoTime() - deadline > 0) {
                throw ApiError.requestTimeout("the request body did not arrive within the read deadline "
                        + "(http.readTimeout); send it at once");
            }
        }
    }
}
