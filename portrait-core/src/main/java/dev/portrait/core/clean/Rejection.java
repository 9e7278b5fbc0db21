package dev.portrait.core.clean;

/**
 * The cleaner's way out of a deep walk at the first problem. Rejections are common on hostile
 * traffic and carry everything in their fields, so they skip the stack trace that would dominate
 * their cost.
 */
final class Rejection extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final RejectionCode reason;
    private final String path;

    Rejection(RejectionCode reason, String path, String reasonText) {
        super(path + ": " + reasonText, null, false, false);
        this.reason = reason;
        this.path = path;
    }

    Rejection(RejectionCode reason, FieldPath path, String reasonText) {
        this(reason, path.toString(), reasonText);
    }

    RejectionCode reason() {
        return reason;
    }

    CleanResult.Rejected toResult() {
        return new CleanResult.Rejected(reason.code(), getMessage(), path);
    }
}
