package dev.portrait.server.console;

/** What a console session may do: the scope of the key it signed in with. */
public enum ConsoleRole {
    /** A read key: profiles, segments, audiences, models. */
    READ,
    /** An admin key: everything a read key may, and the quarantine, re-drive and forgetting. */
    ADMIN
}
