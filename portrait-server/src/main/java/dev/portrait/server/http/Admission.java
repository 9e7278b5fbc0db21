package dev.portrait.server.http;

import io.javalin.http.Context;

/**
 * Who may come in, in one order for every route: a known key must have the route's scope and then pass its
 * rate limit; a caller without a known key (none, a wrong one, an unreadable header) is first held to its
 * address's limit, so guessing keys costs time, and then refused.
 */
final class Admission {
    private final Keyring keyring;
    private final RateLimits rateLimits;

    Admission(Keyring keyring, RateLimits rateLimits) {
        this.keyring = keyring;
        this.rateLimits = rateLimits;
    }

    /**
     * The key in the {@code Authorization} header, or {@code null} without one.
     *
     * @throws dev.portrait.core.PortraitException {@code unauthorized} for a header we cannot read (after
     *         counting it against the address), {@code rate_limited} when the address is over its limit
     */
    String headerKey(Context ctx) {
        try {
            return Keyring.keyFromHeader(ctx.header("Authorization"));
        } catch (RuntimeException unreadable) {
            rateLimits.admitUnauthenticated(ctx.ip());
            throw unreadable;
        }
    }

    /**
     * Lets the call on when {@code key} has the scope and its bucket for that scope is not empty.
     *
     * @throws dev.portrait.core.PortraitException {@code unauthorized}, {@code forbidden} or {@code rate_limited}
     */
    void admit(Context ctx, String key, Scope scope) {
        Keyring.Caller caller = keyring.find(key);
        if (caller == null) {
            rateLimits.admitUnauthenticated(ctx.ip());
            keyring.authorize(key, scope); // throws: no key, or an unknown one
            return;
        }
        Keyring.requireScope(caller, scope);
        rateLimits.admit(caller, scope);
    }

    /** Lets a call to an open route on when its address is within the unauthenticated limit. */
    void admitOpen(Context ctx) {
        rateLimits.admitUnauthenticated(ctx.ip());
    }
}
