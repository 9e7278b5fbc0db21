package dev.portrait.server.console;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleSessionsTest {
    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovingClock clock = new MovingClock();
    private final ConsoleSessions sessions = new ConsoleSessions(clock, Duration.ofMinutes(30));

    @Test
    void aSessionEndsAfterItsIdleTimeWithoutARequest() {
        ConsoleSessions.Session s = sessions.open(ConsoleRole.READ);
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.touch(s.id())).isPresent();
        clock.advance(Duration.ofMinutes(29)); // 58 minutes old, but used 29 minutes ago
        assertThat(sessions.touch(s.id())).isPresent();
        clock.advance(Duration.ofMinutes(31));
        assertThat(sessions.touch(s.id())).isEmpty();
        assertThat(sessions.size()).isZero();
    }

    @Test
    void idsAndTokensAre256RandomBitsAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            ConsoleSessions.Session s = sessions.open(ConsoleRole.ADMIN);
            assertThat(s.id()).matches("[A-Za-z0-9_-]{43}");
            assertThat(s.csrf()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(s.id());
            assertThat(seen.add(s.id())).isTrue();
            assertThat(seen.add(s.csrf())).isTrue();
        }
    }

    @Test
    void unknownOrMissingIdsFindNoSession() {
        sessions.open(ConsoleRole.READ);
        assertThat(sessions.touch(null)).isEmpty();
        assertThat(sessions.touch("")).isEmpty();
        assertThat(sessions.touch("not-a-session")).isEmpty();
    }

    @Test
    void theCsrfTokenMatchesOnlyItself() {
        ConsoleSessions.Session s = sessions.open(ConsoleRole.READ);
        assertThat(ConsoleSessions.csrfMatches(s, s.csrf())).isTrue();
        assertThat(ConsoleSessions.csrfMatches(s, null)).isFalse();
        assertThat(ConsoleSessions.csrfMatches(s, "")).isFalse();
        assertThat(ConsoleSessions.csrfMatches(s, s.csrf().substring(1))).isFalse();
        assertThat(ConsoleSessions.csrfMatches(s, sessions.open(ConsoleRole.READ).csrf())).isFalse();
    }

    @Test
    void signingOutEndsOnlyThatSession() {
        ConsoleSessions.Session a = sessions.open(ConsoleRole.READ);
        ConsoleSessions.Session b = sessions.open(ConsoleRole.READ);
        sessions.close(a.id());
        assertThat(sessions.touch(a.id())).isEmpty();
        assertThat(sessions.touch(b.id())).isPresent();
    }

    @Test
    void theSessionCookieIsSecureOnlyOverTls() {
        assertThat(Console.cookie("abc", true, false))
                .isEqualTo("portrait_console=abc; Path=/console; HttpOnly; SameSite=Strict; Secure");
        assertThat(Console.cookie("abc", false, false)).isEqualTo("portrait_console=abc; Path=/console; HttpOnly; SameSite=Strict");
        assertThat(Console.cookie("", false, true)).endsWith("; Max-Age=0");
    }
}
