package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The compact snapshot behaves as the sorted map it replaced, over seeded random feature sets. */
class FeatureSnapshotTest {
    @Test
    void readsIteratesComparesAndPrintsAsASortedMap() {
        Seeds.forEach("snapshot as a TreeMap", 300, random -> {
            TreeMap<String, Double> reference = randomFeatures(random);
            FeatureSnapshot snapshot = FeatureSnapshot.of(reference);

            assertThat(snapshot).isEqualTo(reference);
            assertThat(reference).isEqualTo(snapshot);
            assertThat(snapshot.hashCode()).isEqualTo(reference.hashCode());
            assertThat(snapshot.toString()).isEqualTo(reference.toString());
            assertThat(new ArrayList<>(snapshot.keySet())).containsExactlyElementsOf(reference.keySet());
            List<String> visited = new ArrayList<>();
            snapshot.forEach((k, v) -> {
                visited.add(k);
                assertThat(v).isEqualTo(reference.get(k));
            });
            assertThat(visited).containsExactlyElementsOf(reference.keySet());
            for (String probe : List.of("f0", "f5", "f17", "zz", "")) {
                assertThat(snapshot.get(probe)).isEqualTo(reference.get(probe));
                assertThat(snapshot.containsKey(probe)).isEqualTo(reference.containsKey(probe));
            }
        });
    }

    @Test
    void decodesWhatASortedMapEncoded() {
        Seeds.forEach("snapshot decode", 300, random -> {
            TreeMap<String, Double> reference = randomFeatures(random);
            BinaryOut out = new BinaryOut();
            reference.forEach((k, v) -> out.writeString(k).writeDouble(v));
            FeatureSnapshot decoded = FeatureSnapshot.decode(new BinaryIn(out.toByteArray()), reference.size());
            assertThat(decoded).isEqualTo(reference);
            assertThat(decoded.toString()).isEqualTo(reference.toString());
        });
    }

    @Test
    void decodesUnsortedPairsAsASortedMapWouldHoldThem() {
        BinaryOut out = new BinaryOut();
        out.writeString("b").writeDouble(2).writeString("a").writeDouble(1).writeString("b").writeDouble(3);
        FeatureSnapshot decoded = FeatureSnapshot.decode(new BinaryIn(out.toByteArray()), 3);
        assertThat(decoded).containsExactly(Map.entry("a", 1.0), Map.entry("b", 3.0));
    }

    @Test
    void cannotBeChanged() {
        FeatureSnapshot snapshot = FeatureSnapshot.of(Map.of("a", 1.0));
        assertThatThrownBy(() -> snapshot.put("b", 2.0)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> snapshot.entrySet().iterator().remove()).isInstanceOf(UnsupportedOperationException.class);
    }

    private static TreeMap<String, Double> randomFeatures(SplittableRandom random) {
        TreeMap<String, Double> features = new TreeMap<>();
        int n = random.nextInt(0, 40);
        for (int i = 0; i < n; i++) {
            double v = random.nextInt(10) == 0 ? Double.NaN : random.nextDouble(-1e6, 1e6);
            features.put("f" + random.nextInt(60), v);
        }
        return features;
    }
}
