package dev.portrait.core.model;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** A frozen copy scores exactly as the live model did when it was frozen, and not as it learns afterwards. */
class ScoringModelsTest {
    private static Map<String, Double> features(SplittableRandom random) {
        Map<String, Double> out = new HashMap<>();
        int n = 1 + random.nextInt(12);
        for (int i = 0; i < n; i++) {
            // a small vocabulary so that coordinates repeat, with zeros and NaNs that count as missing
            double v = switch (random.nextInt(10)) {
                case 0 -> 0.0;
                case 1 -> Double.NaN;
                default -> random.nextDouble(-3, 3);
            };
            out.put("f" + random.nextInt(40), v);
        }
        return out;
    }

    @Test
    void theFrozenPropensityPredictsBitForBitAsTheLiveModelDidAndIgnoresLaterLearning() {
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            // few coordinates, so names collide and share weights as they do at 2^18 with many names
            OnlineLogisticRegression live = new OnlineLogisticRegression(new OnlineLogisticRegression.Config(0.1, 1, 0.1, 1, 5));
            for (int round = 0; round < 20; round++) {
                for (int i = 0; i < 50; i++) {
                    live.update(features(random), random.nextDouble() < 0.3);
                }
                OnlineLogisticRegression.Frozen frozen = live.frozen();
                Map<String, Double>[] probes = new Map[30];
                double[] expected = new double[probes.length];
                for (int i = 0; i < probes.length; i++) {
                    probes[i] = features(random);
                    expected[i] = live.predict(probes[i]);
                    assertThat(frozen.predict(probes[i])).as("seed %d round %d probe %s", seed, round, probes[i])
                            .isEqualTo(expected[i]);
                }
                for (int i = 0; i < 50; i++) {
                    live.update(features(random), random.nextDouble() < 0.7);
                }
                for (int i = 0; i < probes.length; i++) {
                    assertThat(frozen.predict(probes[i])).as("seed %d: frozen before the later learning", seed)
                            .isEqualTo(expected[i]);
                }
            }
        }
    }
}
