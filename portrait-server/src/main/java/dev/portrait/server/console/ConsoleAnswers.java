package dev.portrait.server.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The console's own answers: JSON bodies and errors in the API's shape {@code {"error":{"code","message","path"}}},
 * with the headers every console answer carries.
 *
 * <p>Errors are written here rather than thrown to the API's error mapping because that mapping adds
 * {@code WWW-Authenticate: Basic} to a 401 (right for SDKs), which makes a browser pop up its own password
 * dialog over the console when a session has expired.
 */
final class ConsoleAnswers {
    /** Scripts, styles and data only from this server; no framing (clickjacking an admin's re-drive button). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
            + "style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'; form-action 'self'";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConsoleAnswers() {
    }

    /** Headers for every console answer: nothing cached by a shared cache, nothing sniffed, no framing. */
    static void secure(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        // not no-referrer: with it Chromium sends "Origin: null" on the sign-in form post, which the origin check refuses
        ctx.header("Referrer-Policy", "same-origin");
    }

    static void json(Context ctx, int status, Object body) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("console answer is not serialisable as JSON: " + e.getOriginalMessage(), e);
        }
        secure(ctx);
        ctx.header("Cache-Control", "no-store");
        // marks the request answered for the API's status-based error handlers (http.Json.ANSWERED)
        ctx.attribute("portrait.answered", Boolean.TRUE);
        ctx.status(status).contentType("application/json; charset=utf-8").result(bytes);
    }

    static void error(Context ctx, int status, String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("path", null);
        json(ctx, status, Map.of("error", error));
    }
}
