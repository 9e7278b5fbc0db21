package dev.portrait.server.http;

import dev.portrait.core.PortraitException;

/**
 * The problems the HTTP layer itself finds, as {@link PortraitException}s with the codes
 * {@link ErrorAnswers} maps to statuses. Factories rather than subclasses: the code decides the
 * status, so a runtime throwing the same code gets the same answer.
 */
final class ApiError {
    private ApiError() {
    }

    static PortraitException unauthorized(String message) {
        return new PortraitException("unauthorized", message, null);
    }

    static PortraitException forbidden(String message) {
        return new PortraitException("forbidden", message, null);
    }

    static PortraitException invalidParameter(String name, String message) {
        return new PortraitException("invalid_parameter", message, name);
    }

    static PortraitException invalidRequest(String path, String message) {
        return new PortraitException("invalid_request", message, path);
    }

    static PortraitException unsupportedMediaType(String header, String message) {
        return new PortraitException("unsupported_media_type", message, header);
    }

    static PortraitException requestTooLarge(String message) {
        return new PortraitException("request_too_large", message, "$");
    }

    static PortraitException eventTooLarge(String path, String message) {
        return new PortraitException("event_too_large", message, path);
    }

    static PortraitException tooManyEvents(String message) {
        return new PortraitException("too_many_events", message, "batch");
    }

    static PortraitException notFound(String code, String message) {
        return new PortraitException(code, message, null);
    }

    static RateLimited rateLimited(String message, long retryAfterSeconds) {
        return new RateLimited(message, retryAfterSeconds);
    }

    static PortraitException requestTimeout(String message) {
        return new PortraitException("request_timeout", message, "$");
    }

    /** A 429 that says when to come back: {@link ErrorAnswers} sends {@link #retryAfterSeconds()} as Retry-After. */
    static final class RateLimited extends PortraitException {
        private static final long serialVersionUID = 1L;
        private final long retryAfterSeconds;

        RateLimited(String message, long retryAfterSeconds) {
            super("rate_limited", message, null);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        long retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
