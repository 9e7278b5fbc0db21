package dev.portrait.server.http;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;

/**
 * The answers Jetty gives by itself, before a request reaches Javalin, in our JSON error shape rather than
 * Jetty's HTML pages: a request line or header block its parser refuses (400, 431), a URI too long (414) or
 * one it will not decode (bad UTF-8, {@code %00}, ambiguous segments: 400), an HTTP version it does not
 * speak (505), a connection gone silent (408).
 *
 * <p>Jetty reaches an error handler two ways: a bad message found while parsing goes through
 * {@link #badMessageError}, which hands back the body to write; an error once a request exists goes through
 * {@link #generateResponse}. Both end here. The server and the servlet context each get one, since Jetty asks
 * the context's handler first.
 */
final class JettyErrors extends ErrorHandler {
    private static final Logger LOG = LoggerFactory.getLogger(JettyErrors.class);

    @Override
    public boolean errorPageForMethod(String method) {
        // every method gets the JSON body: a DELETE with a bad path deserves the same answer as a GET
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
                                    Callback callback) {
        byte[] body = body(status, message, cause, request.getMethod());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Json.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Json.CONTENT_TYPE);
        return ByteBuffer.wrap(body(status, reason, null, "?"));
    }

    static byte[] body(int status, String reason, Throwable cause, String method) {
        String detail = reason == null || reason.isBlank() ? "" : " (" + shown(reason) + ")";
        switch (status) {
            case 408:
                return ErrorAnswers.body("request_timeout", "the request did not arrive in time" + detail, "$");
            case 413:
                return ErrorAnswers.body("request_too_large", "the request is too large" + detail, "$");
            case 414:
                return ErrorAnswers.body("uri_too_long", "the request URI is too long" + detail, null);
            case 431:
                return ErrorAnswers.body("headers_too_large", "the request headers are too large" + detail, null);
            case 404:
                return ErrorAnswers.body("not_found", "no such resource" + detail, null);
            case 505:
                return ErrorAnswers.body("http_version_not_supported", "only HTTP/1.0 and HTTP/1.1 are spoken here"
                        + detail, null);
            case 405:
                return ErrorAnswers.body("method_not_allowed", method + " is not allowed here" + detail, null);
            default:
                if (status >= 500) {
                    LOG.error("{} from the HTTP server: {}", status, reason, cause);
                    return ErrorAnswers.body("internal_error",
                            "the server failed on this request; its log has the details", null);
                }
                return ErrorAnswers.body("invalid_request", "the request is not valid HTTP" + detail, null);
        }
    }

    private static String shown(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
