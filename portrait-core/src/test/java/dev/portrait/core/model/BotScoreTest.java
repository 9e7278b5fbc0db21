package dev.portrait.core.model;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.portrait.core.model.Seeds.HOUR;
import static dev.portrait.core.model.Seeds.SECOND;
import static dev.portrait.core.model.Seeds.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BotScoreTest {
    private static final BotScore BOT_SCORE = new BotScore(BotScore.Config.defaults());
    private static final String[] KEYS = {"page", "Product Viewed", "Products Searched", "Product Added",
            "Product Clicked", "Order Completed"};

    /** A person over five days: sessions of 3 to 30 events, log-normal think times around 20 s, hours apart. */
    private static BotScore.Activity human(SplittableRandom random) {
        BotScore.Activity a = BOT_SCORE.empty();
        long t = T0;
        while (t < T0 + 5 * 24 * HOUR) {
            for (int e = random.nextInt(3, 31); e > 0; e--) {
                t += (long) Math.exp(Math.log(20 * SECOND) + random.nextGaussian());
                int roll = random.nextInt(100);
                String key = KEYS[roll < 40 ? 0 : roll < 75 ? 1 : roll < 85 ? 2 : roll < 93 ? 3 : roll < 98 ? 4 : 5];
                BOT_SCORE.observe(a, t, key);
            }
            t += random.nextLong(HOUR, 20 * HOUR);
        }
        return a;
    }

    /** A script clicking the same thing every 2 s, give or take 2%. */
    private static BotScore.Activity clicker(SplittableRandom random, int events) {
        BotScore.Activity a = BOT_SCORE.empty();
        long t = T0;
        for (int e = 0; e < events; e++) {
            t += 2 * SECOND + random.nextLong(-40, 41);
            BOT_SCORE.observe(a, t, "Product Viewed");
        }
        return a;
    }

    @Test
    void aScriptedRegularClickerScoresHighAndAHumanLikeStreamLow() {
        Seeds.forEach("bot against human", 20, random -> {
            BotScore.Assessment bot = BOT_SCORE.assess(clicker(random, 500));
            BotScore.Assessment person = BOT_SCORE.assess(human(random));
            assertThat(bot.score()).as("clicker %s", bot).isGreaterThan(0.85);
            assertThat(person.score()).as("human %s", person).isLessThan(0.3);
            assertThat(bot.burstiness()).isLessThan(-0.9);
            assertThat(person.burstiness()).isGreaterThan(0.2);
            assertThat(person.distinctKeys()).isGreaterThanOrEqualTo(4);
        });
    }

    @Test
    void aMetronomeHasBurstinessMinusOneAndAPoissonStreamAboutZero() {
        BotScore.Activity metronome = BOT_SCORE.empty();
        for (int e = 0; e < 100; e++) {
            BOT_SCORE.observe(metronome, T0 + e * 5 * SECOND, "page");
        }
        BotScore.Assessment m = BOT_SCORE.assess(metronome);
        assertThat(m.burstiness()).isEqualTo(-1.0);
        assertThat(m.localVariation()).isZero();
        assertThat(m.gapVariation()).isZero();
        // a steady 12 per minute, with a 15-minute memory: 12 (1 − 2^(−99·5/900)), the count still filling up
        assertThat(m.eventsPerMinute()).isCloseTo(12 * (1 - Math.pow(2, -99 * 5.0 / 900)), within(0.3));

        Seeds.forEach("poisson", 5, random -> {
            // slow smoothing (memory ≈ 1,000 gaps) so the estimate settles
            BotScore slow = new BotScore(new BotScore.Config(15 * 60_000L, 0.002, 2, 5, 5, 0.35, 0.2, 0.3, 0.15));
            BotScore.Activity poisson = slow.empty();
            long t = T0;
            for (int e = 0; e < 5_000; e++) {
                t += (long) (-Math.log(1 - random.nextDouble()) * 10 * SECOND);
                slow.observe(poisson, t, "page");
            }
            BotScore.Assessment p = slow.assess(poisson);
            assertThat(p.burstiness()).isCloseTo(0.0, within(0.1));
            assertThat(p.gapVariation()).isCloseTo(1.0, within(0.2));
            assertThat(p.localVariation()).isCloseTo(1.0, within(0.2));
        });
    }

    @Test
    void aScriptThatSleepsBetweenRunsIsBurstyButStillRegular() {
        BotScore.Activity a = BOT_SCORE.empty();
        long t = T0;
        for (int run = 0; run < 10; run++) {
            for (int e = 0; e < 50; e++) {
                BOT_SCORE.observe(a, t += 2 * SECOND, "Product Viewed");
            }
            t += HOUR;
        }
        BotScore.Assessment s = BOT_SCORE.assess(a);
        assertThat(s.gapVariation()).as("the pauses make the gaps vary globally").isGreaterThan(1.0);
        assertThat(s.localVariation()).as("but neighbouring gaps agree").isLessThan(0.2);
        assertThat(s.score()).isGreaterThan(0.6);
    }

    @Test
    void aHandfulOfEventsCannotScoreHigh() {
        BotScore.Activity a = BOT_SCORE.empty();
        assertThat(BOT_SCORE.score(a)).isZero();
        BOT_SCORE.observe(a, T0, "page");
        assertThat(BOT_SCORE.score(a)).isZero();
        for (int e = 1; e < 4; e++) {
            BOT_SCORE.observe(a, T0 + e * SECOND, "page");
        }
        assertThat(BOT_SCORE.score(a)).isLessThan(0.5);
    }

    @Test
    void lateEventsAddToTheRateButMakeNoGap() {
        BotScore.Activity a = BOT_SCORE.empty();
        BOT_SCORE.observe(a, T0, "a");
        BOT_SCORE.observe(a, T0 + 10 * SECOND, "b");
        BOT_SCORE.observe(a, T0 + 5 * SECOND, "c");
        BotScore.Assessment s = BOT_SCORE.assess(a);
        assertThat(s.events()).isEqualTo(3);
        assertThat(s.distinctKeys()).isEqualTo(3);
        assertThat(a.gaps).isEqualTo(1);
        assertThat(a.gapMean).isEqualTo(10_000.0);
        BOT_SCORE.observe(a, T0 + 20 * SECOND, null);
        assertThat(a.gaps).isEqualTo(2);
        assertThat(a.gapMean).isEqualTo(10_000.0);
    }

    @Test
    void theStateStaysAFewDozenBytesHoweverManyEventsAndKeys() {
        BotScore.Activity a = BOT_SCORE.empty();
        SplittableRandom random = new SplittableRandom(9);
        long t = T0;
        for (int e = 0; e < 50_000; e++) {
            BOT_SCORE.observe(a, t += random.nextLong(0, HOUR), "key" + e);
        }
        assertThat(BOT_SCORE.assess(a).distinctKeys()).isEqualTo(8);
        assertThat(Seeds.bytes(a::encode).length).isLessThanOrEqualTo(1 + 10 + 10 + 8 + 10 + 8 * 3 + 10 + 8 + 1 + 8 * 10);
    }

    @Test
    void anActivityRoundTripsAndScoresAlikeAfter() {
        SplittableRandom random = new SplittableRandom(10);
        BotScore.Activity a = human(random);
        byte[] bytes = Seeds.bytes(a::encode);
        BotScore.Activity decoded = Seeds.decode(bytes, BotScore.Activity::decode);
        assertThat(Seeds.bytes(decoded::encode)).isEqualTo(bytes);
        assertThat(BOT_SCORE.assess(decoded)).isEqualTo(BOT_SCORE.assess(a));
        BOT_SCORE.observe(a, T0 + 10 * 24 * HOUR, "page");
        BOT_SCORE.observe(decoded, T0 + 10 * 24 * HOUR, "page");
        assertThat(BOT_SCORE.assess(decoded)).isEqualTo(BOT_SCORE.assess(a));
        BotScore.Activity empty = BOT_SCORE.empty();
        assertThat(Seeds.decode(Seeds.bytes(empty::encode), BotScore.Activity::decode).events()).isZero();
    }

    @Test
    void mergingTwoActivitiesAddsRatesAndKeysAndKeepsTheBusierRhythmInEitherOrder() {
        SplittableRandom random = new SplittableRandom(12);
        BotScore.Activity bot = clicker(random, 300);
        BotScore.Activity person = human(random);
        BotScore.Activity ab = BOT_SCORE.merge(bot, person);
        assertThat(Seeds.bytes(ab::encode)).isEqualTo(Seeds.bytes(BOT_SCORE.merge(person, bot)::encode));
        BotScore.Assessment merged = BOT_SCORE.assess(ab);
        assertThat(merged.events()).isEqualTo(bot.events() + person.events());
        assertThat(merged.distinctKeys()).isEqualTo(BOT_SCORE.assess(person).distinctKeys());
        assertThat(merged.burstiness()).isEqualTo(BOT_SCORE.assess(bot).burstiness());
        // the clicker stopped days before the person's last event: its count has decayed to nothing
        assertThat(merged.eventsPerMinute()).isCloseTo(BOT_SCORE.assess(person).eventsPerMinute(), within(1e-9));
        assertThat(BOT_SCORE.merge(BOT_SCORE.empty(), person).events()).isEqualTo(person.events());
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> new BotScore.Config(60_000, 0.05, 2, 9, 5, 1, 1, 1, 1))
                .hasMessage("breadthSaturation must be in [2, 8], got 9");
        assertThatThrownBy(() -> new BotScore.Config(60_000, 0.05, 2, 5, 5, 0, 0, 0, 0))
                .hasMessage("at least one weight must be positive");
    }
}
