package dev.portrait.server.http;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written by hand on a socket, for requests no well-behaved client would send (a bad request line,
 * bytes that are not UTF-8, a body trickled a byte at a time) and for reading exactly what came back.
 */
final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;

    RawHttp(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(20_000);
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends these bytes as they are (ISO-8859-1, so every char is one byte) and reads the one answer. */
    static Answer exchange(int port, String request) {
        try (RawHttp raw = new RawHttp(port)) {
            raw.send(request.getBytes(StandardCharsets.ISO_8859_1));
            return raw.answer();
        }
    }

    void send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one byte; false once the server has closed the connection. */
    boolean trickle(byte b) {
        try {
            out.write(b);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether an answer has started to arrive, without blocking. */
    boolean answered() {
        try {
            return socket.getInputStream().available() > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** Reads one answer: the status line, headers, and a body of Content-Length bytes or up to the close. */
    Answer answer() {
        try {
            InputStream in = socket.getInputStream();
            String statusLine = line(in);
            if (statusLine == null) {
                throw new AssertionError("the server closed the connection without an answer");
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
            byte[] body;
            String length = headers.get("content-length");
            if (length != null) {
                body = in.readNBytes(Integer.parseInt(length));
            } else {
                body = readToClose(in);
            }
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readToClose(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                b.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            // kept open: what arrived is the body
        }
        return b.toByteArray();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a test socket
        }
    }

    record Answer(int status, Map<String, String> headers, String body) {
        /** The error object, checked to be our shape: exactly {@code {"error":{"code","message","path"}}}. */
        JsonNode error() {
            JsonNode root;
            try {
                root = ApiHarness.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + ", " + headers + "): " + body, e);
            }
            if (root == null || root.size() != 1 || !root.has("error") || root.get("error").size() != 3) {
                throw new AssertionError("not the error shape: " + body);
            }
            return root.get("error");
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }
}
