package dev.portrait.core.experiment;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ExperimentSpecs;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExperimentResultsTest {
    static final String DEFINITION = """
            name: shop
            events:
              Recommendation Shown: {}
              Recommendation Clicked: {}
              Order Completed:
                properties:
                  revenue: {type: number}
            features:
              - {name: orders, kind: count, events: [Order Completed]}
            segments:
              - {name: everyone, when: "features.orders >= 0"}
            models:
              recommender: {interactions: {Order Completed: 1}, item: product_id}
            experiments:
              key: a-secret-of-sixteen-or-more
              list:
                - name: ranking
                  population: everyone
                  varies: recommender
                  variants:
                    control: {weight: 50}
                    social: {weight: 30, settings: {categoryWeight: 0.5}}
                    popular: {weight: 20, settings: {popularityWeight: 2.0}}
                  conversions: [Order Completed]
                  revenue: {event: Order Completed, property: revenue}
                - name: aa
                  variants:
                    a: {weight: 1}
                    b: {weight: 1}
                  conversions: [Order Completed]
                  revenue: {event: Order Completed, property: revenue}
                  alpha: 0.05
            """;

    static ExperimentSpecs specs() {
        return DefinitionLoader.parse(DEFINITION, "shop.yaml").experiments();
    }

    @Test
    void assignmentFollowsTheWeightsWithinChiSquareTolerance() {
        ExperimentSpecs specs = specs();
        ExperimentAssignment assignment = new ExperimentAssignment(specs.key());
        ExperimentSpecs.Experiment ranking = specs.byName("ranking");
        long seed = 20261203L;
        SplittableRandom random = new SplittableRandom(seed);
        int n = 60_000;
        long[] counts = new long[3];
        for (int i = 0; i < n; i++) {
            counts[assignment.variant(ranking, "p_" + Long.toHexString(random.nextLong()))]++;
        }
        double[] expected = {0.5 * n, 0.3 * n, 0.2 * n};
        double chi2 = 0;
        for (int i = 0; i < 3; i++) {
            chi2 += Math.pow(counts[i] - expected[i], 2) / expected[i];
        }
        // 13.82 is the 0.999 quantile of chi-square with 2 degrees of freedom
        assertThat(chi2).as("seed %d: counts %s", seed, java.util.Arrays.toString(counts)).isLessThan(13.82);
    }

    @Test
    void theSameKeyGivesTheSameVariantsAfterARestartAndAnotherKeyOthers() {
        ExperimentSpecs specs = specs();
        ExperimentSpecs.Experiment ranking = specs.byName("ranking");
        ExperimentAssignment first = new ExperimentAssignment(specs.key());
        ExperimentAssignment again = new ExperimentAssignment(specs.key());
        ExperimentAssignment other = new ExperimentAssignment("another-key-of-sixteen-chars");
        int differ = 0;
        for (int i = 0; i < 1000; i++) {
            String id = "p_" + i;
            assertThat(again.variant(ranking, id)).isEqualTo(first.variant(ranking, id));
            differ += other.variant(ranking, id) == first.variant(ranking, id) ? 0 : 1;
        }
        // two independent assignments agree with probability .5² + .3² + .2² = .38
        assertThat(differ).isBetween(550, 690);
    }

    @Test
    void twoExperimentsAssignIndependently() {
        ExperimentSpecs specs = specs();
        ExperimentAssignment assignment = new ExperimentAssignment(specs.key());
        long[][] table = new long[3][2];
        for (int i = 0; i < 30_000; i++) {
            String id = "p_" + i;
            table[assignment.variant(specs.byName("ranking"), id)][assignment.variant(specs.byName("aa"), id)]++;
        }
        for (long[] row : table) {
            double share = (double) row[1] / (row[0] + row[1]);
            assertThat(share).isBetween(0.47, 0.53);
        }
    }

    /**
     * A/A tests: both variants have the same behaviour, people arrive over 30 days and someone reads
     * the results every evening, stopping at the first significant answer. The sequential test's
     * false-positive rate stays at or below α on every metric; a fixed-horizon z-test read the same
     * way does not, which shows the simulation can tell the two apart.
     */
    @Test
    void aaSimulationsLookedAtEveryDayRejectAtMostAlphaOfTheTime() {
        ExperimentSpecs specs = specs();
        ExperimentSpecs.Experiment aa = specs.byName("aa");
        ExperimentAssignment assignment = new ExperimentAssignment(specs.key());
        int simulations = 300;
        int[] sequentialRejections = new int[3];
        int naiveRejections = 0;
        long seed = 42;
        SplittableRandom random = new SplittableRandom(seed);
        for (int s = 0; s < simulations; s++) {
            ExperimentResults results = new ExperimentResults(specs);
            boolean naiveRejected = false;
            for (int day = 0; day < 30; day++) {
                for (int i = 0; i < 60; i++) {
                    String id = "p_" + s + "_" + day + "_" + i;
                    int variant = assignment.variant(aa, id);
                    long t = day * 86_400_000L + i;
                    int shown = random.nextInt(1, 6);
                    for (int k = 0; k < shown; k++) {
                        results.absorb(observed(id, variant, t, true, false, false, 0));
                        if (random.nextDouble() < 0.05) {
                            results.absorb(observed(id, variant, t, false, true, false, 0));
                        }
                    }
                    if (random.nextDouble() < 0.1) {
                        results.absorb(observed(id, variant, t, false, false, true, -50 * Math.log(1 - random.nextDouble())));
                    }
                }
                // the evening look, fixed-horizon: a two-proportion z-test on conversion
                ExperimentReport r = results.report("aa");
                naiveRejected |= naiveConversionTestRejects(r, 0.05);
            }
            ExperimentReport end = results.report("aa");
            for (int m = 0; m < 3; m++) {
                if (end.variants().get(1).comparisons().get(m).significant()) {
                    sequentialRejections[m]++;
                }
            }
            naiveRejections += naiveRejected ? 1 : 0;
        }
        System.out.printf("A/A, %d simulations, seed %d: sequential rejections (ctr, conversion, revenue) %s, "
                + "daily-peeking z-test on conversion %d%n", simulations, seed,
                java.util.Arrays.toString(sequentialRejections), naiveRejections);
        for (int m = 0; m < 3; m++) {
            assertThat((double) sequentialRejections[m] / simulations)
                    .as("seed %d: sequential false-positive rate of metric %d (rejections %s)", seed, m,
                            java.util.Arrays.toString(sequentialRejections))
                    .isLessThanOrEqualTo(0.05);
        }
        assertThat((double) naiveRejections / simulations).as("seed %d: daily-peeking z-test", seed).isGreaterThan(0.05);
    }

    @Test
    void aRealDifferenceInConversionIsFound() {
        ExperimentSpecs specs = specs();
        ExperimentSpecs.Experiment aa = specs.byName("aa");
        ExperimentAssignment assignment = new ExperimentAssignment(specs.key());
        long seed = 7;
        SplittableRandom random = new SplittableRandom(seed);
        int found = 0;
        int simulations = 40;
        for (int s = 0; s < simulations; s++) {
            ExperimentResults results = new ExperimentResults(specs);
            for (int i = 0; i < 4000; i++) {
                String id = "p_" + s + "_" + i;
                int variant = assignment.variant(aa, id);
                results.absorb(observed(id, variant, i, true, false, false, 0));
                if (random.nextDouble() < (variant == 0 ? 0.10 : 0.15)) {
                    results.absorb(observed(id, variant, i, false, false, true, 10));
                }
            }
            ExperimentReport.Comparison c = results.report("aa").variants().get(1).comparisons().get(1);
            assertThat(c.metric()).isEqualTo("conversion");
            found += c.significant() ? 1 : 0;
            assertThat(c.difference().lower()).as("seed %d", seed).isLessThan(0.05);
        }
        System.out.printf("10%% vs 15%% conversion, 4000 people, seed %d: found in %d of %d%n", seed, found, simulations);
        assertThat(found).as("seed %d: of %d", seed, simulations).isGreaterThanOrEqualTo(36);
    }

    private static ExperimentUpdate.Observed observed(String id, int variant, long t, boolean exposure, boolean click,
                                                      boolean conversion, double revenue) {
        return new ExperimentUpdate.Observed("aa", id, variant, true, t, exposure, click, conversion, revenue);
    }

    private static boolean naiveConversionTestRejects(ExperimentReport r, double alpha) {
        ExperimentReport.VariantResult a = r.variants().get(0);
        ExperimentReport.VariantResult b = r.variants().get(1);
        if (a.participants() < 30 || b.participants() < 30) {
            return false;
        }
        double pa = (double) a.converted() / a.participants();
        double pb = (double) b.converted() / b.participants();
        double pooled = (double) (a.converted() + b.converted()) / (a.participants() + b.participants());
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / a.participants() + 1.0 / b.participants()));
        return se > 0 && Math.abs(pb - pa) / se > 1.959963984540054;
    }

    @Test
    void resultsComeBackFromTheirBinaryForm() {
        ExperimentSpecs specs = specs();
        ExperimentResults results = new ExperimentResults(specs);
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 500; i++) {
            results.absorb(new ExperimentUpdate.Observed("aa", "p_" + random.nextInt(200), random.nextInt(2), true, i,
                    random.nextBoolean(), random.nextBoolean(), random.nextInt(4) == 0, random.nextInt(3) * 9.5));
        }
        BinaryOut out = new BinaryOut();
        results.encode(out);
        ExperimentResults restored = new ExperimentResults(specs);
        restored.restore(new BinaryIn(out.toByteArray()));
        BinaryOut again = new BinaryOut();
        restored.encode(again);

        assertThat(again.toByteArray()).isEqualTo(out.toByteArray());
        assertThat(restored.report("aa")).isEqualTo(results.report("aa"));
    }

    @Test
    void anExperimentsPopulationMustBeADeclaredSegment() {
        String bad = DEFINITION.replace("population: everyone", "population: nobody");
        assertThatThrownBy(() -> DefinitionLoader.parse(bad, "bad.yaml"))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith("experiments.list[0].population: \"nobody\" is not a declared segment");
    }
}
