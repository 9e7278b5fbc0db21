package dev.portrait.server.http;

/** What a key may do. Each route needs one scope (or none: /health, /metrics). */
enum Scope {
    /** Ingest events: write keys. */
    INGEST,
    /** Read profiles and segments: read keys and admin keys. */
    QUERY,
    /** Forget people, list and re-drive the quarantine: admin keys. */
    ADMIN
}
