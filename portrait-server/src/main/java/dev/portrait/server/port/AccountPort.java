package dev.portrait.server.port;

import dev.portrait.core.account.AccountView;

import java.util.Optional;

/**
 * Account profiles: what Segment's {@code group} calls and the members' events made of each group
 * (the definition's {@code accounts:} section). Kept apart from {@link QueryPort} so a runtime without
 * accounts (or a test double) need not pretend to have them.
 */
public interface AccountPort {
    /** Whether the definition declares accounts at all. */
    boolean keepsAccounts();

    /** The account of this group id as read now; empty when no group call named it. */
    Optional<AccountView> account(String groupId);
}
