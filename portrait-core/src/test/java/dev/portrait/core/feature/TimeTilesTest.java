package dev.portrait.core.feature;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static dev.portrait.core.feature.TestEvents.HOUR;
import static dev.portrait.core.feature.TestEvents.MINUTE;
import static dev.portrait.core.feature.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;

class TimeTilesTest {
    /** What countAt must equal: the counts of the kept tiles inside the window, added up one by one. */
    private static long countByScanning(TimeTiles tiles, TimeTiles.Series s, long now) {
        long hi = tiles.tileOf(now);
        long n = 0;
        for (int i = 0; i < s.size; i++) {
            if (s.index(i) > hi - tiles.span && s.index(i) <= hi) {
                n += s.count(i);
            }
        }
        return n;
    }

    @Test
    void theRunningTotalCountsTheWindowAsAScanOfItsTilesWouldAfterAddsMergesCopiesAndDecoding() {
        for (long seed = 0; seed < 300; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            TimeTiles tiles = new TimeTiles(random.nextLong(MINUTE, 3 * HOUR), random.nextInt(1, 30));
            TimeTiles.Series a = tiles.emptySeries();
            TimeTiles.Series b = tiles.emptySeries();
            long newest = T0;
            long spread = tiles.tile * tiles.span * 3;
            for (int i = random.nextInt(60); i > 0; i--) {
                // mostly in time order, some late, some far behind
                long t = random.nextInt(4) == 0 ? newest - random.nextLong(spread) : newest + random.nextLong(tiles.tile);
                newest = Math.max(newest, t);
                tiles.add(random.nextBoolean() ? a : b, t, 1.0);
            }
            BinaryOut out = new BinaryOut();
            TimeTiles.encode(a, out, true, false);
            TimeTiles.Series decoded = TimeTiles.decode(new BinaryIn(out.toByteArray()), true, false);
            for (TimeTiles.Series s : new TimeTiles.Series[] {a, b, tiles.merge(a, b), a.copy(), decoded}) {
                for (int k = 0; k < 6; k++) {
                    // before the newest event too, where tiles lie in the future of now
                    long now = newest + random.nextLong(-spread, spread);
                    assertThat(tiles.countAt(s, now)).as("seed %d, now %d", seed, now)
                            .isEqualTo(countByScanning(tiles, s, now));
                }
            }
        }
    }
}
