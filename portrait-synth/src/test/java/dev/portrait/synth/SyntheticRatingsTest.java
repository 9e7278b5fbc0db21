package dev.portrait.synth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticRatingsTest {
    private static final SyntheticRatings.Shape SHAPE = new SyntheticRatings.Shape(5, 2_000, 500, 10, 1.0);

    @Test
    void theSameSeedGivesTheSameRatingsAndAnotherSeedOthers() {
        List<int[]> a = SyntheticRatings.userItems(SHAPE);
        List<int[]> b = SyntheticRatings.userItems(SHAPE);
        List<int[]> c = SyntheticRatings.userItems(new SyntheticRatings.Shape(6, 2_000, 500, 10, 1.0));
        assertThat(a).hasSize(2_000);
        for (int u = 0; u < a.size(); u++) {
            assertThat(b.get(u)).isEqualTo(a.get(u));
        }
        assertThat(Arrays.deepEquals(a.toArray(), c.toArray())).isFalse();
    }

    @Test
    void everyUserRatesAtLeastThreeDistinctItemsAndTheHeadIsPopular() {
        long[] counts = new long[SHAPE.items()];
        long ratings = 0;
        for (int[] items : SyntheticRatings.userItems(SHAPE)) {
            assertThat(items.length).isBetween(3, 17);
            Set<Integer> distinct = new HashSet<>();
            for (int i : items) {
                assertThat(i).isBetween(0, SHAPE.items() - 1);
                distinct.add(i);
                counts[i]++;
            }
            assertThat(distinct).hasSize(items.length);
            ratings += items.length;
        }
        assertThat((double) ratings / SHAPE.users()).isBetween(9.0, 11.0);
        assertThat(counts[0]).as("the most popular item").isGreaterThan(10 * counts[SHAPE.items() - 1]);
    }

    @Test
    void theFileHoldsEveryRatingInUDataLayoutInTimeOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("u.data");
        SyntheticRatings.write(SHAPE, file);
        List<String> lines = Files.readAllLines(file);
        long expected = SyntheticRatings.userItems(SHAPE).stream().mapToInt(items -> items.length).sum();
        assertThat(lines).hasSize((int) expected);
        long previous = 0;
        for (String line : lines) {
            String[] f = line.split("\t");
            assertThat(f).hasSize(4);
            assertThat(Integer.parseInt(f[2])).isBetween(1, 5);
            long t = Long.parseLong(f[3]);
            assertThat(t).isGreaterThan(previous);
            previous = t;
        }
    }

    @Test
    void aShapeThatCannotBeMadeIsRefused() {
        assertThatThrownBy(() -> new SyntheticRatings.Shape(1, 10, 2, 10, 1.0)).hasMessageContaining("not 2");
        assertThatThrownBy(() -> new SyntheticRatings.Shape(1, 10, 100, 10, 0)).hasMessageContaining("not 0.0");
    }
}
