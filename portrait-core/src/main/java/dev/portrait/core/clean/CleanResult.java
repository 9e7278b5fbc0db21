package dev.portrait.core.clean;

import dev.portrait.core.event.Event;

import java.util.List;
import java.util.Objects;

/**
 * What the {@link Cleaner} made of one raw event: either a valid {@link Event} (with notes on what
 * was changed on the way) or the first reason it cannot be one.
 */
public sealed interface CleanResult permits CleanResult.Accepted, CleanResult.Rejected {

    /**
     * A clean event.
     *
     * @param event the event, ready for the log
     * @param notes human-readable changes made while cleaning ({@code "properties.card redacted: looks
     *              like a card number"}), in the order they were made; empty on the usual path
     */
    record Accepted(Event event, List<String> notes) implements CleanResult {
        public Accepted {
            Objects.requireNonNull(event, "event");
            notes = notes == null ? List.of() : List.copyOf(notes);
        }
    }

    /**
     * A quarantined event.
     *
     * @param code    a stable lower_snake_case reason, one of {@link RejectionCode}'s codes
     * @param message what was wrong, naming the value and where it was
     * @param path    where inside the event ({@code properties.price}, {@code context.device.id});
     *                {@code $} for the event as a whole. Runtimes that clean batches prefix the item's
     *                index themselves.
     */
    record Rejected(String code, String message, String path) implements CleanResult {
        public Rejected {
            if (code == null || code.isEmpty() || !isSnakeCase(code)) {
                throw new IllegalArgumentException("rejection code must be lower_snake_case, got " + code);
            }
            if (message == null || message.isEmpty()) {
                throw new IllegalArgumentException("rejection " + code + " needs a message");
            }
            path = path == null || path.isEmpty() ? "$" : path;
        }

        /** The code as a constant, or {@code null} for a code some runtime made up itself. */
        public RejectionCode reason() {
            return RejectionCode.fromCode(code);
        }

        private static boolean isSnakeCase(String code) {
            for (int i = 0; i < code.length(); i++) {
                char c = code.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' && i > 0)) {
                    return false;
                }
            }
            return true;
        }
    }
}
