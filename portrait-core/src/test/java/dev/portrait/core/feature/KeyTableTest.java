package dev.portrait.core.feature;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class KeyTableTest {
    @Test
    void behavesLikeAMapOfSlotsThroughAddsAndRemovalsOnBothSidesOfTheScanLimit() {
        for (long seed = 0; seed < 200; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            KeyTable table = new KeyTable(random.nextInt(1, 6));
            // key -> a value stored beside the table's slots, moved the way removeAt says
            List<String> values = new ArrayList<>();
            Map<String, String> expected = new HashMap<>();
            int universe = random.nextInt(4, 400);
            int target = random.nextInt(1, 200);
            for (int op = 0; op < 2_000; op++) {
                // colliding hash codes too: "Aa" and "BB" hash alike
                String key = random.nextInt(10) == 0 ? (random.nextBoolean() ? "Aa" : "BB") + random.nextInt(3)
                        : "k" + random.nextInt(universe);
                int slot = table.indexOf(key);
                assertThat(slot >= 0).as("seed %d: %s is in the table", seed, key).isEqualTo(expected.containsKey(key));
                if (slot >= 0) {
                    assertThat(values.get(slot)).as("seed %d: value of %s", seed, key).isEqualTo(expected.get(key));
                }
                if (expected.size() < target || random.nextInt(3) == 0) {
                    if (slot < 0) {
                        int added = table.add(key);
                        assertThat(added).as("seed %d: new slot", seed).isEqualTo(table.size() - 1);
                        values.add("v" + key + op);
                        expected.put(key, "v" + key + op);
                    }
                } else if (slot >= 0) {
                    int moved = table.removeAt(slot);
                    assertThat(moved).as("seed %d: the moved slot is the last", seed).isEqualTo(table.size());
                    values.set(slot, values.get(moved));
                    values.remove(moved);
                    expected.remove(key);
                }
                if (random.nextInt(200) == 0) {
                    table = new KeyTable(table);
                }
            }
            assertThat(table.size()).as("seed %d", seed).isEqualTo(expected.size());
            for (int slot = 0; slot < table.size(); slot++) {
                String key = table.key(slot);
                assertThat(table.indexOf(key)).as("seed %d: slot of %s", seed, key).isEqualTo(slot);
                assertThat(values.get(slot)).as("seed %d", seed).isEqualTo(expected.get(key));
            }
        }
    }

    @Test
    void aCopyIsIndependentOfItsOriginal() {
        KeyTable table = new KeyTable(2);
        for (int i = 0; i < 40; i++) {
            table.add("k" + i);
        }
        KeyTable copy = new KeyTable(table);
        copy.removeAt(copy.indexOf("k3"));
        copy.add("new");
        assertThat(table.indexOf("k3")).isEqualTo(3);
        assertThat(table.indexOf("new")).isEqualTo(-1);
        assertThat(copy.indexOf("k3")).isEqualTo(-1);
        assertThat(copy.indexOf("new")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void sortedOrdersSlotsByTheComparatorOnBothSidesOfTheScanLimit() {
        for (int n : new int[] {0, 1, 5, KeyTable.SCAN_LIMIT, KeyTable.SCAN_LIMIT + 1, 300}) {
            SplittableRandom random = new SplittableRandom(n);
            int[] weight = new int[n];
            for (int i = 0; i < n; i++) {
                weight[i] = random.nextInt(20);
            }
            int[] order = KeyTable.sorted(n, (x, y) -> weight[x] != weight[y] ? Integer.compare(weight[x], weight[y])
                    : Integer.compare(x, y));
            assertThat(order).as("n %d", n).hasSize(n);
            for (int i = 1; i < n; i++) {
                int a = order[i - 1];
                int b = order[i];
                assertThat(weight[a] < weight[b] || (weight[a] == weight[b] && a < b)).as("n %d at %d", n, i).isTrue();
            }
        }
    }
}
