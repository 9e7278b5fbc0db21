package dev.portrait.server.http;

import dev.portrait.core.PortraitException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where exceptions become HTTP answers, all in the shape
 * {@code {"error":{"code","message","path"}}}.
 *
 * <p>A {@link PortraitException}'s code decides the status through {@link #STATUS}; the runtime
 * behind the ports throws codes from the same table ({@code unavailable}, {@code unknown_segment},
 * {@code unknown_identifier_type}, {@code invalid_cursor}). A code missing from the table, like any
 * other exception, is a bug somewhere: it is logged with its stack and answered 500 with a message
 * that reveals nothing of the inside.
 */
final class ErrorAnswers {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorAnswers.class);

    /** Code → status. Documented in docs/openapi.yaml; a code once listed keeps its status. */
    static final Map<String, Integer> STATUS = Map.ofEntries(
            Map.entry("malformed_json", 400),
            Map.entry("nesting_too_deep", 400),
            Map.entry("invalid_gzip", 400),
            Map.entry("invalid_request", 400),
            Map.entry("invalid_parameter", 400),
            Map.entry("invalid_cursor", 400),
            Map.entry("wrong_type", 400),
            Map.entry("unknown_identifier_type", 400),
            Map.entry("invalid_audience", 400),
            Map.entry("audience_cycle", 400),
            Map.entry("unknown_feature", 400),
            Map.entry("unauthorized", 401),
            Map.entry("forbidden", 403),
            Map.entry("not_found", 404),
            Map.entry("profile_not_found", 404),
            Map.entry("account_not_found", 404),
            Map.entry("unknown_experiment", 404),
            Map.entry("unknown_segment", 404),
            Map.entry("unknown_audience", 404),
            Map.entry("merge_not_found", 404),
            Map.entry("method_not_allowed", 405),
            Map.entry("backup_target", 409),
            Map.entry("segment_exists", 409),
            Map.entry("audience_exists", 409),
            Map.entry("audience_in_use", 409),
            Map.entry("merge_not_latest", 409),
            Map.entry("merge_not_reversible", 409),
            Map.entry("request_timeout", 408),
            Map.entry("request_too_large", 413),
            Map.entry("event_too_large", 413),
            Map.entry("too_many_events", 413),
            Map.entry("uri_too_long", 414),
            Map.entry("unsupported_media_type", 415),
            Map.entry("rate_limited", 429),
            Map.entry("privacy_budget_exhausted", 429),
            Map.entry("headers_too_large", 431),
            Map.entry("not_supported", 501),
            Map.entry("unavailable", 503),
            Map.entry("http_version_not_supported", 505),
            Map.entry("overloaded", 503),
            Map.entry("internal_error", 500));

    private ErrorAnswers() {
    }

    static void answer(Exception e, Context ctx) {
        if (e instanceof ApiError.RateLimited r) {
            ctx.header("Retry-After", Long.toString(r.retryAfterSeconds()));
            write(ctx, 429, r.code(), r.getMessage(), r.path());
        } else if (e instanceof PortraitException p && STATUS.containsKey(p.code())) {
            write(ctx, STATUS.get(p.code()), p.code(), p.getMessage(), p.path());
        } else if (e instanceof HttpResponseException h) {
            // thrown by Javalin itself (our routes throw PortraitException)
            answerJavalin(ctx, h.getStatus(), h);
        } else if (e instanceof IOException) {
            // the client hung up or sent a broken stream while we read the body; it will rarely see this
            write(ctx, 400, "invalid_request", "the request body could not be read: " + e.getMessage(), "$");
        } else {
            LOG.error("500 for {} {}", ctx.method(), ctx.path(), e);
            write(ctx, 500, "internal_error", "the server failed on this request; its log has the details", null);
        }
    }

    /**
     * Javalin answers "no such route" (404) and "not this method" (405) itself, in plain text and
     * without passing through the exception mapping; these error handlers put those answers in our
     * shape. An answer one of our routes already gave (a 404 for an unknown profile) is left alone.
     */
    static void answerStatus(Context ctx) {
        if (ctx.attribute(Json.ANSWERED) == null) {
            answerJavalin(ctx, ctx.statusCode(), null);
        }
    }

    /** An answer Javalin chose by status, in our shape with the code our table gives that status. */
    private static void answerJavalin(Context ctx, int status, Exception cause) {
        String where = ctx.method() + " " + shown(ctx.path());
        switch (status) {
            case 404 -> write(ctx, 404, "not_found", "no route " + where, null);
            case 405 -> write(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + shown(ctx.path()),
                    null);
            case 413 -> write(ctx, 413, "request_too_large", "the request body is too large", "$");
            case 415 -> write(ctx, 415, "unsupported_media_type", "the request's media type is not accepted", null);
            default -> {
                if (status >= 500) {
                    LOG.error("{} for {}", status, where, cause);
                    write(ctx, status, "internal_error", "the server failed on this request; its log has the details",
                            null);
                } else {
                    write(ctx, status, "invalid_request", "the request failed with status " + status, null);
                }
            }
        }
    }

    private static String shown(String path) {
        return path.length() > 100 ? path.substring(0, 100) + "…" : path;
    }

    static void write(Context ctx, int status, String code, String message, String path) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message == null || message.isEmpty() ? code : message);
        error.put("path", path);
        if (status == 401) {
            // RFC 9110 requires a challenge with 401; Basic is what the Segment and RudderStack SDKs answer
            ctx.header("WWW-Authenticate", "Basic realm=\"portrait\", Bearer realm=\"portrait\"");
        }
        if (status == 503) {
            ctx.header("Retry-After", "1");
        }
        Json.write(ctx, status, Map.of("error", error));
    }

    /** The answer body in our shape, for the answers Jetty writes itself ({@link JettyErrors}). */
    static byte[] body(String code, String message, String path) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message == null || message.isEmpty() ? code : message);
        error.put("path", path);
        return Json.bytes(Map.of("error", error));
    }
}
