package dev.portrait.core.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class ItemRecordTest {
    /** The top-M rule written the slow, obvious way: add, then drop the lowest while over capacity. */
    private static void referenceAdd(TreeMap<String, Double> kept, String other, double contribution, int capacity) {
        if (kept.containsKey(other)) {
            kept.merge(other, contribution, Double::sum);
            return;
        }
        if (kept.size() < capacity) {
            kept.put(other, contribution);
            return;
        }
        String weakest = null;
        for (var e : kept.entrySet()) {
            if (weakest == null || ItemRecord.ranksBelow(e.getValue(), e.getKey(), kept.get(weakest), weakest)) {
                weakest = e.getKey();
            }
        }
        if (ItemRecord.ranksBelow(kept.get(weakest), weakest, contribution, other)) {
            kept.remove(weakest);
            kept.put(other, contribution);
        }
    }

    @Test
    void keepsExactlyTheNeighboursTheObviousTopMRuleKeeps() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        for (int round = 0; round < 200; round++) {
            int capacity = 1 + r.nextInt(12);
            int universe = capacity + r.nextInt(30);
            ItemRecord record = new ItemRecord("self", 0);
            TreeMap<String, Double> reference = new TreeMap<>();
            double growth = 1.0;
            for (int step = 0; step < 400; step++) {
                String other = "i" + r.nextInt(universe);
                // later contributions grow, as forward-decayed ones do; ties on purpose now and then
                double contribution = r.nextInt(5) == 0 ? 1.0 : growth * (0.5 + r.nextDouble());
                growth *= 1.01;
                record.addPair(other, contribution, capacity);
                referenceAdd(reference, other, contribution, capacity);
            }
            TreeMap<String, Double> kept = new TreeMap<>();
            for (int i = 0; i < record.size; i++) {
                kept.put(record.neighbours[i], record.weights[i]);
            }
            assertThat(kept).as("seed %d, round %d", seed, round).isEqualTo(reference);
            List<String> found = new ArrayList<>();
            for (String id : reference.keySet()) {
                if (record.indexOf(id) >= 0) {
                    found.add(id);
                }
            }
            assertThat(found).as("seed %d, round %d", seed, round).hasSize(reference.size());
        }
    }
}
