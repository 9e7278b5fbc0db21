package dev.portrait.core.definition;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The definition's {@code accounts:} section: how Segment's {@code group} calls make account profiles
 * (a company, a household, a team) out of the people who belong to them.
 *
 * @param membership      the {@code memberships} feature that keeps each person's groups
 * @param activeWindow    a member is active when one of their events is within this window
 * @param revenueEvents   events whose {@code revenueProperty} counts as the account's revenue
 * @param revenueProperty the property holding the amount
 * @param revenueWindow   the window revenue is summed over (in whole UTC days)
 * @param maxMembers      members kept per account; later joiners beyond it are counted, not kept
 * @param segments        account segments: CEL over {@code account.members}, {@code account.active_members},
 *                        {@code account.revenue} and {@code account.traits}
 * @param path            where the section sits ({@code accounts})
 */
public record AccountSpecs(String membership, Duration activeWindow, Set<String> revenueEvents, String revenueProperty,
                           Duration revenueWindow, int maxMembers, List<SegmentSpec> segments, String path) {
    private static final AccountSpecs NONE = new AccountSpecs(null, Duration.ofDays(7), Set.of(), "revenue",
            Duration.ofDays(30), 1, List.of(), "accounts");

    public AccountSpecs {
        Objects.requireNonNull(activeWindow, "activeWindow");
        Objects.requireNonNull(revenueWindow, "revenueWindow");
        Objects.requireNonNull(revenueProperty, "revenueProperty");
        revenueEvents = Set.copyOf(revenueEvents);
        segments = List.copyOf(segments);
        if (activeWindow.isNegative() || activeWindow.isZero()) {
            throw new IllegalArgumentException("accounts.activeWindow must be positive, not " + activeWindow);
        }
        if (revenueWindow.toDays() < 1) {
            throw new IllegalArgumentException("accounts.revenueWindow must be at least a day, not " + revenueWindow);
        }
        if (maxMembers < 1) {
            throw new IllegalArgumentException("accounts.maxMembers must be at least 1, not " + maxMembers);
        }
    }

    /** A definition without accounts. */
    public static AccountSpecs none() {
        return NONE;
    }

    /** Whether the definition keeps accounts. */
    public boolean declared() {
        return membership != null;
    }
}
