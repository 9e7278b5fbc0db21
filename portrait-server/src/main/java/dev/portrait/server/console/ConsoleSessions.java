package dev.portrait.server.console;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's signed-in sessions, in memory: a restart signs everyone out, which is the price of never
 * writing a session (or the key behind it) to disk.
 *
 * <p>A session id is 256 random bits from {@link SecureRandom}, so it cannot be guessed; it lives only in an
 * HttpOnly cookie. Each session carries its own CSRF token (the synchronizer pattern): the pages read it from
 * {@code /console/data/session} and send it back in {@link Console#CSRF_HEADER} on every state-changing
 * request, which a page of another origin cannot do because it cannot read that answer. A session ends after
 * {@link #idle} without a request, or when signed out; the key itself is not kept, only the role it had.
 */
final class ConsoleSessions {
    /** A signed-in browser. {@code lastSeen} moves on every request; the rest never changes. */
    record Session(String id, ConsoleRole role, String csrf, long lastSeen, String actor) {
        Session {
            if (id == null || role == null || csrf == null || actor == null) {
                throw new IllegalArgumentException("a session needs an id, a role, a CSRF token and an actor");
            }
        }
    }

    /** Past this many live sessions the oldest-idle are not kept: a bound on memory, not a feature. */
    static final int MAX_SESSIONS = 10_000;

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration idle;

    ConsoleSessions(Clock clock, Duration idle) {
        if (idle.isNegative() || idle.isZero()) {
            throw new IllegalArgumentException("the idle expiry must be positive, got " + idle);
        }
        this.clock = clock;
        this.idle = idle;
    }

    Duration idle() {
        return idle;
    }

    /** Starts a session for a key of this role. */
    Session open(ConsoleRole role) {
        return open(role, "console");
    }

    /**
     * Starts a session for a key of this role; {@code actor} names the key in the audit log the way the API does
     * ({@code key:} and 8 hex digits of its SHA-256), never the key.
     */
    Session open(ConsoleRole role, String actor) {
        long now = clock.millis();
        if (sessions.size() >= MAX_SESSIONS) {
            expire(now);
            if (sessions.size() >= MAX_SESSIONS) {
                sessions.values().stream().min((a, b) -> Long.compare(a.lastSeen(), b.lastSeen()))
                        .ifPresent(oldest -> sessions.remove(oldest.id()));
            }
        }
        Session s = new Session(token(), role, token(), now, actor);
        sessions.put(s.id(), s);
        return s;
    }

    /** The live session with this id, its idle clock restarted; empty for an unknown or expired id. */
    Optional<Session> touch(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        long now = clock.millis();
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (now - s.lastSeen() > idle.toMillis()) {
            sessions.remove(id, s);
            return Optional.empty();
        }
        Session touched = new Session(s.id(), s.role(), s.csrf(), now, s.actor());
        sessions.replace(id, s, touched);
        return Optional.of(touched);
    }

    void close(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    int size() {
        return sessions.size();
    }

    /** Whether {@code presented} is this session's CSRF token, compared in constant time. */
    static boolean csrfMatches(Session s, String presented) {
        return presented != null && MessageDigest.isEqual(s.csrf().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                presented.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private void expire(long now) {
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            if (now - it.next().lastSeen() > idle.toMillis()) {
                it.remove();
            }
        }
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
