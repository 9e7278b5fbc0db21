package dev.portrait.core.identity;

/**
 * Something the graph declined to do while resolving an event. The event is still attributed (unless
 * the code is {@link #NO_IDENTIFIER}); notices exist so that operators can see why two profiles did
 * not merge or why an identifier is missing from a profile.
 *
 * <p>Messages name identifier types, paths and profile ids but never identifier values (emails, user
 * ids), because notices end up in logs and quarantine records that must not outlive a forgotten user.
 * Blocked values are the exception: they identify no one by definition.
 *
 * @param code    one of the constants below
 * @param message a sentence for a person
 */
public record IdentityNotice(String code, String message) {
    /** A value was empty or on the rule's blocked list ({@code "null"}, {@code "0"}, …). */
    public static final String BLOCKED_IDENTIFIER = "blocked_identifier";
    /** A value was not a string or an integer, or was implausibly long. */
    public static final String INVALID_IDENTIFIER = "invalid_identifier";
    /** A new identifier was not attached because the profile holds as many of its type as allowed. */
    public static final String CAP_PER_PROFILE = "cap_per_profile";
    /** A new identifier was not attached because the profile gained enough of its type in this window. */
    public static final String CAP_PER_WINDOW = "cap_per_window";
    /** Two profiles that share an identifier were not merged because the result would break a cap. */
    public static final String MERGE_REFUSED = "merge_refused";
    /** An identifier of a type that never merges belongs to another profile and was left there. */
    public static final String CONFLICTING_IDENTIFIER = "conflicting_identifier";
    /** The event carried no usable identifier, so it belongs to no profile. */
    public static final String NO_IDENTIFIER = "no_identifier";

    public IdentityNotice {
        if (code == null || code.isEmpty()) {
            throw new IllegalArgumentException("notice code must not be empty, got " + code);
        }
        if (message == null) {
            throw new IllegalArgumentException("notice " + code + " needs a message");
        }
    }
}
