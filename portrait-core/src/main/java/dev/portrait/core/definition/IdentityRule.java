package dev.portrait.core.definition;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How one type of identifier behaves.
 *
 * @param type           the identifier type ({@code user_id}, {@code anonymous_id}, {@code email},
 *                       {@code device_id}, or any declared name)
 * @param from           where in an event to find values, as paths: {@code userId}, {@code anonymousId},
 *                       {@code traits.email}, {@code context.traits.email}, {@code context.device.id},
 *                       {@code properties.x}; the first present wins
 * @param merge          whether two profiles that share a value of this type become one
 * @param maxPerProfile  how many values of this type one profile may hold; past it, new values are
 *                       not attached (and cannot merge) and the event is still applied
 * @param maxPerWindow   how many new values of this type one profile may gain within {@code window};
 *                       0 for no limit
 * @param window         the window of {@code maxPerWindow}
 * @param blocked        values that never identify anyone ({@code "0"}, {@code "null"}, …), compared
 *                       case-insensitively after trimming; the empty string is always blocked
 * @param priority       the order of types when choosing which identifier names a new profile (lower
 *                       first)
 */
public record IdentityRule(String type, List<String> from, boolean merge, int maxPerProfile, int maxPerWindow,
                           Duration window, Set<String> blocked, int priority) {
    /** Blocked for every type unless a rule says otherwise. */
    public static final Set<String> DEFAULT_BLOCKED = Set.of("0", "-1", "null", "undefined", "unknown", "none",
            "nan", "anonymous", "guest", "n/a", "test", "[object object]", "00000000-0000-0000-0000-000000000000");

    public IdentityRule {
        Objects.requireNonNull(type, "type");
        from = List.copyOf(from);
        if (from.isEmpty()) {
            throw new IllegalArgumentException("identity type " + type + " needs at least one 'from' path");
        }
        if (maxPerProfile < 1) {
            throw new IllegalArgumentException("identity type " + type + ": maxPerProfile must be at least 1");
        }
        window = window == null ? Duration.ofDays(1) : window;
        blocked = Set.copyOf(blocked);
    }
}
