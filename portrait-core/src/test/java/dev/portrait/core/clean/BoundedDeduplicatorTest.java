package dev.portrait.core.clean;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BoundedDeduplicatorTest {
    private static final long MINUTE = 60_000;

    @Test
    void aDuplicateWithinTheWindowIsDetected() {
        BoundedDeduplicator dedup = new BoundedDeduplicator(100, Duration.ofMinutes(10));

        assertThat(dedup.firstSeen("m-1", 0)).isTrue();
        assertThat(dedup.firstSeen("m-2", MINUTE)).isTrue();
        assertThat(dedup.firstSeen("m-1", 9 * MINUTE)).isFalse();
        assertThat(dedup.firstSeen("m-2", 5 * MINUTE)).isFalse();
    }

    @Test
    void aRetryCarryingTheOriginalEventTimeIsADuplicate() {
        BoundedDeduplicator dedup = new BoundedDeduplicator(100, Duration.ofMinutes(10));

        dedup.firstSeen("m-1", 5 * MINUTE);
        dedup.firstSeen("m-2", 7 * MINUTE);

        assertThat(dedup.firstSeen("m-1", 5 * MINUTE)).isFalse();
    }

    @Test
    void idsOlderThanTheWindowAreForgotten() {
        BoundedDeduplicator dedup = new BoundedDeduplicator(100, Duration.ofMinutes(10));
        dedup.firstSeen("m-1", 0);
        dedup.firstSeen("m-2", 5 * MINUTE);

        dedup.firstSeen("m-3", 11 * MINUTE);

        assertThat(dedup.size()).isEqualTo(2);
        assertThat(dedup.firstSeen("m-1", 11 * MINUTE)).as("forgotten, so it passes").isTrue();
        assertThat(dedup.firstSeen("m-2", 11 * MINUTE)).isFalse();
    }

    @Test
    void anIdExactlyAtTheEdgeOfTheWindowIsStillRemembered() {
        BoundedDeduplicator dedup = new BoundedDeduplicator(100, Duration.ofMinutes(10));
        dedup.firstSeen("m-1", 0);

        assertThat(dedup.firstSeen("m-2", 10 * MINUTE)).isTrue();
        assertThat(dedup.firstSeen("m-1", 10 * MINUTE)).isFalse();
        assertThat(dedup.firstSeen("m-1", 10 * MINUTE + 1)).isTrue();
    }

    @Test
    void theOldestIdsAreEvictedPastTheCount() {
        BoundedDeduplicator dedup = new BoundedDeduplicator(3, Duration.ofDays(1));
        for (int i = 0; i < 5; i++) {
            dedup.firstSeen("m-" + i, i);
        }

        assertThat(dedup.size()).isEqualTo(3);
        assertThat(dedup.firstSeen("m-4", 5)).isFalse();
        assertThat(dedup.firstSeen("m-2", 5)).isFalse();
        assertThat(dedup.firstSeen("m-0", 5)).as("evicted, so a very old duplicate passes").isTrue();
    }

    @Test
    void anIdArrivingAlreadyOutsideTheWindowPassesAndIsNotRemembered() {
        BoundedDeduplicator dedup = new BoundedDeduplicator(100, Duration.ofMinutes(10));
        dedup.firstSeen("m-now", 60 * MINUTE);

        assertThat(dedup.firstSeen("m-late", 0)).isTrue();
        assertThat(dedup.size()).isEqualTo(1);
        assertThat(dedup.firstSeen("m-late", 0)).isTrue();
    }

    @Test
    void anOutOfOrderIdIsKeptAtLeastForItsWindow() {
        BoundedDeduplicator dedup = new BoundedDeduplicator(100, Duration.ofMinutes(10));
        dedup.firstSeen("m-new", 20 * MINUTE);
        dedup.firstSeen("m-older", 15 * MINUTE);

        assertThat(dedup.firstSeen("m-older", 24 * MINUTE)).isFalse();
        assertThat(dedup.firstSeen("m-x", 26 * MINUTE)).isTrue();
        assertThat(dedup.firstSeen("m-older", 26 * MINUTE)).as("15 min is now outside the window").isTrue();
    }

    @Test
    void extremeTimesDoNotWrapTheWindow() {
        // watermark − window would wrap around to a huge positive horizon and forget everything
        BoundedDeduplicator dedup = new BoundedDeduplicator(10, Duration.ofSeconds(Long.MAX_VALUE));

        assertThat(dedup.firstSeen("a", -5)).isTrue();
        assertThat(dedup.firstSeen("a", -5)).isFalse();
        assertThat(dedup.firstSeen("z", 5)).isTrue();
        assertThat(dedup.firstSeen("b", Long.MAX_VALUE)).isTrue();
        assertThat(dedup.firstSeen("z", Long.MAX_VALUE)).as("5 is within Long.MAX_VALUE ms of the end of time")
                .isFalse();
        assertThat(dedup.firstSeen("a", Long.MAX_VALUE)).as("-5 is not").isTrue();
    }

    /**
     * With times that never go backwards, what is remembered is exactly the newest {@code max} ids
     * inside the window: a plain list scanned linearly says the same.
     */
    @Test
    void onAnOrderedStreamItAnswersLikeTheSimplestModelAndStaysWithinItsBound() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom rnd = new SplittableRandom(seed);
        int max = 50;
        long window = 1000;
        BoundedDeduplicator dedup = new BoundedDeduplicator(max, Duration.ofMillis(window));
        java.util.ArrayDeque<Object[]> model = new java.util.ArrayDeque<>();
        long now = 0;
        int duplicates = 0;
        try {
            for (int i = 0; i < 20_000; i++) {
                now += rnd.nextInt(25);
                String id = "m-" + rnd.nextInt(rnd.nextBoolean() ? 60 : 5_000);
                long horizon = now - window;
                model.removeIf(e -> (long) e[1] < horizon);
                final String probe = id;
                boolean expected = model.stream().noneMatch(e -> e[0].equals(probe));
                if (expected) {
                    model.addLast(new Object[] {id, now});
                    if (model.size() > max) {
                        model.removeFirst();
                    }
                } else {
                    duplicates++;
                }

                assertThat(dedup.firstSeen(id, now)).as("case %d, id %s at %d", i, id, now).isEqualTo(expected);
                assertThat(dedup.size()).isEqualTo(model.size()).isLessThanOrEqualTo(max);
            }
            assertThat(duplicates).as("the stream must hold duplicates to test anything").isGreaterThan(1000);
        } catch (AssertionError e) {
            throw new AssertionError("failed with seed " + seed + ": " + e.getMessage(), e);
        }
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> new BoundedDeduplicator(0, Duration.ofMinutes(1)))
                .hasMessageContaining("maxEntries must be at least 1, got 0");
        assertThatThrownBy(() -> new BoundedDeduplicator(1, Duration.ZERO))
                .hasMessageContaining("window must be positive, got PT0S");
        assertThatThrownBy(() -> new BoundedDeduplicator(1, Duration.ofMinutes(1)).firstSeen(null, 0))
                .isInstanceOf(NullPointerException.class);
    }
}
