package dev.portrait.core;

/**
 * The root of every exception Portrait throws on purpose. Each carries a stable machine-readable
 * {@link #code()} and, where the problem sits inside some input, a {@link #path()} into it, so
 * that one place in each runtime can map them to an answer (an HTTP status and the JSON error
 * shape {@code {"error":{"code","message","path"}}}).
 */
public class PortraitException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final String path;

    public PortraitException(String code, String message, String path) {
        super(message);
        this.code = code;
        this.path = path;
    }

    public PortraitException(String code, String message, String path, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.path = path;
    }

    /** A stable, lower_snake_case identifier of the kind of problem. */
    public String code() {
        return code;
    }

    /** Where in the input the problem is ({@code features[3].window}), or {@code null}. */
    public String path() {
        return path;
    }
}
