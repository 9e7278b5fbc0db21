package dev.portrait.core.clean;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cleaner remembers key instances it has scanned (the parser hands out one instance per key name);
 * what it remembers must never let an unscanned key through.
 */
class CheckedKeysTest {
    private static final Instant NOW = Instant.parse("2024-01-01T00:00:01Z");
    private final Cleaner cleaner = new Cleaner(Fixtures.shop());

    @Test
    void aKeyWithAControlCharacterIsRejectedEveryTimeEvenInTheSlotOfAGoodKey() {
        String good = "A?";
        String bad = "C\u0001";
        assertThat(bad.hashCode()).as("the two keys share a slot").isEqualTo(good.hashCode());

        assertThat(cleaner.clean(Fixtures.withProperty(Fixtures.track("Signed Up"), good, 1L), NOW))
                .isInstanceOf(CleanResult.Accepted.class);
        for (int i = 0; i < 3; i++) {
            CleanResult r = cleaner.clean(Fixtures.withProperty(Fixtures.track("Signed Up"), bad, 1L), NOW);
            assertThat(r).as("attempt %d", i).isInstanceOfSatisfying(CleanResult.Rejected.class,
                    x -> assertThat(x.code()).isEqualTo("invalid_string"));
        }
    }

    @Test
    void anEqualKeyThatIsAnotherInstanceIsScannedAndPasses() {
        String key = "plan";
        String same = new String(key.toCharArray());
        assertThat(cleaner.clean(Fixtures.withProperty(Fixtures.track("Signed Up"), key, "free"), NOW))
                .isInstanceOf(CleanResult.Accepted.class);
        assertThat(cleaner.clean(Fixtures.withProperty(Fixtures.track("Signed Up"), same, "free"), NOW))
                .isInstanceOf(CleanResult.Accepted.class);
    }
}
