package dev.portrait.synth;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The small parts the stream is built from. */
class GeneratorPartsTest {

    @Test
    void rejectionInversionDrawsRanksWithZipfProbabilities() {
        for (double exponent : new double[] {0.7, 1.1}) {
            int n = 1_000;
            ZipfSampler sampler = new ZipfSampler(n, exponent);
            SeededRandom random = new SeededRandom(99);
            int draws = 400_000;
            int[] counts = new int[n + 1];
            for (int i = 0; i < draws; i++) {
                counts[sampler.sample(random)]++;
            }
            double harmonic = 0;
            for (int k = 1; k <= n; k++) {
                harmonic += Math.pow(k, -exponent);
            }
            assertThat(counts[0]).isZero();
            for (int k : new int[] {1, 2, 3, 10, 100}) {
                double expected = draws * Math.pow(k, -exponent) / harmonic;
                assertThat((double) counts[k]).as("rank %d at exponent %s", k, exponent)
                        .isCloseTo(expected, within(5 * Math.sqrt(expected) + 1));
            }
        }
    }

    @Test
    void theNormalQuantileFunctionMatchesKnownValues() {
        assertThat(SeededRandom.inverseNormal(0.5)).isCloseTo(0, within(1e-9));
        assertThat(SeededRandom.inverseNormal(0.975)).isCloseTo(1.959963985, within(1e-7));
        assertThat(SeededRandom.inverseNormal(0.001)).isCloseTo(-3.090232306, within(1e-7));
        assertThat(SeededRandom.inverseNormal(0.8413447461)).isCloseTo(1, within(1e-7));
        assertThatThrownBy(() -> SeededRandom.inverseNormal(1)).hasMessageContaining("1.0");
    }

    @Test
    void logNormalFactorsHaveMedianOneAndTheRightSpread() {
        SeededRandom random = new SeededRandom(5);
        int n = 200_000;
        int belowOne = 0;
        int belowE = 0;
        for (int i = 0; i < n; i++) {
            double f = random.nextLogNormal();
            belowOne += f < 1 ? 1 : 0;
            belowE += f < Math.E ? 1 : 0;
        }
        assertThat(belowOne / (double) n).isCloseTo(0.5, within(0.01));
        assertThat(belowE / (double) n).isCloseTo(0.8413, within(0.01));
    }

    @Test
    void permute62GivesDistinctIdsForDistinctInputs() {
        Set<Long> seen = new HashSet<>();
        for (long i = 0; i < 200_000; i++) {
            assertThat(seen.add(SeededRandom.permute62(i))).as("input %d", i).isTrue();
        }
        assertThat(SeededRandom.permute62(-1L)).isBetween(0L, (1L << 62) - 1);
    }

    @Test
    void uuidsCarryTheirUniqueBitsAndTheVersion4Shape() {
        String id = Ids.uuid(-1L, 0x2AB);
        assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(id).endsWith("0000000002ab");
        assertThat(Ids.uuid(0, 1)).isNotEqualTo(Ids.uuid(0, 2));
    }

    @Test
    void isoMillisFormatsLikeTheJdkWithAlwaysThreeFractionDigits() {
        DateTimeFormatter reference = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(java.time.ZoneOffset.UTC);
        IsoMillis iso = new IsoMillis();
        SeededRandom random = new SeededRandom(17);
        long base = Instant.parse("2024-02-28T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 20_000; i++) {
            long t = i < 10 ? base + i : base + (random.nextLong() % (400L * 86_400_000L));
            assertThat(iso.format(t)).as("epoch millis %d", t).isEqualTo(reference.format(Instant.ofEpochMilli(t)));
        }
        assertThat(iso.format(0)).isEqualTo("1970-01-01T00:00:00.000Z");
    }

    @Test
    void jsonObjectsBehaveAsOrderedMapsAndRefuseChangesFromOutside() {
        JsonObject object = JsonObject.of("b", 1L, "a", "x", "skipped", null, "c", List.of(1L));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("b", 1L);
        expected.put("a", "x");
        expected.put("c", List.of(1L));
        assertThat(object).isEqualTo(expected).hasSameHashCodeAs(expected);
        assertThat(object.keySet()).containsExactly("b", "a", "c");
        assertThat(object.get(new String("a"))).isEqualTo("x");
        assertThat(object.get("skipped")).isNull();
        assertThat(object.containsKey("skipped")).isFalse();
        assertThatThrownBy(() -> object.put("d", 1)).isInstanceOf(UnsupportedOperationException.class);
        JsonObject bigger = object.copyWithRoom(1).add("d", 2L);
        assertThat(bigger).hasSize(4);
        assertThat(object).hasSize(3);
        Map<String, Object> copy = new HashMap<>(bigger);
        assertThat(copy).containsEntry("d", 2L);
    }

    @Test
    void aPriceAsDisplayTextKeepsItsCents() {
        assertThat(Malformation.display(19.99)).isEqualTo("$19.99");
        assertThat(Malformation.display(5.0)).isEqualTo("$5.00");
        assertThat(Malformation.display(0.99)).isEqualTo("$0.99");
        assertThat(Malformation.display(1234.5)).isEqualTo("$1234.50");
        assertThat(Malformation.display(10.07)).isEqualTo("$10.07");
    }

    @Test
    void theGuideTableFindsTheSameIndexAsABinarySearch() {
        for (long seed = 1; seed <= 20; seed++) {
            SeededRandom random = new SeededRandom(seed);
            double[] w = new double[1 + random.nextInt(300)];
            for (int i = 0; i < w.length; i++) {
                w[i] = random.chance(0.2) ? 0 : Math.pow(i + 1, -1.1) * random.nextDouble();
            }
            w[random.nextInt(w.length)] += 1e-3;
            CumulativeWeights weights = new CumulativeWeights(w);
            double[] running = new double[w.length];
            double sum = 0;
            for (int i = 0; i < w.length; i++) {
                sum += w[i];
                running[i] = sum;
            }
            for (int draw = 0; draw < 2_000; draw++) {
                double u = draw < 10 ? draw / 10.0 : random.nextDouble();
                int expected = 0;
                while (expected < w.length - 1 && running[expected] <= u * sum) {
                    expected++;
                }
                assertThat(weights.sample(u)).as("seed %d, u %s", seed, u).isEqualTo(expected);
                assertThat(w[weights.sample(u)]).as("seed %d, u %s never lands on a zero weight", seed, u)
                        .isPositive();
            }
        }
    }

    @Test
    void cumulativeWeightsDrawEachIndexByItsShare() {
        CumulativeWeights weights = new CumulativeWeights(new double[] {1, 0, 3});
        assertThat(weights.sample(0)).isEqualTo(0);
        assertThat(weights.sample(0.2499)).isEqualTo(0);
        assertThat(weights.sample(0.25)).isEqualTo(2);
        assertThat(weights.sample(0.9999)).isEqualTo(2);
        assertThatThrownBy(() -> new CumulativeWeights(new double[] {0, 0})).hasMessageContaining("sum to 0");
        assertThatThrownBy(() -> new CumulativeWeights(new double[] {1, -1})).hasMessageContaining("weight 1");
    }
}
