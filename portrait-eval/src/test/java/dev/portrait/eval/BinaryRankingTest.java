package dev.portrait.eval;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BinaryRankingTest {
    @Test
    void aucIsThePairwiseShareOfPositivesAboveNegativesWithTiesCountingHalf() {
        double[] scores = {0.1, 0.4, 0.35, 0.8, 0.4};
        boolean[] labels = {false, false, true, true, true};
        // pairs (pos, neg): 0.35>0.1 yes, 0.35>0.4 no, 0.8 beats both, 0.4 vs 0.1 yes, 0.4 vs 0.4 half
        assertThat(BinaryRanking.auc(scores, labels)).isCloseTo(4.5 / 6, within(1e-12));
    }

    @Test
    void precisionAtNinetyPercentRecallFlagsDownToTheThresholdThatReachesIt() {
        double[] scores = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05};
        boolean[] labels = {true, true, false, true, true, true, true, true, true, true};
        // 9 positives: recall 0.9 needs 8.1, so 9 true positives: everything down to 0.05 gives 9 / 10
        assertThat(BinaryRanking.precisionAtRecall(scores, labels, 0.9)).isCloseTo(0.9, within(1e-12));
        assertThat(BinaryRanking.precisionAtRecall(scores, labels, 0.2)).isEqualTo(1.0);
    }

    @Test
    void theGramInverseInvertsABinaryGramMatrixPlusARidge() {
        long seed = 11;
        SplittableRandom random = new SplittableRandom(seed);
        int n = 40;
        double[][] x = new double[60][n];
        for (double[] row : x) {
            for (int j = 0; j < n; j++) {
                row[j] = random.nextDouble() < 0.2 ? 1 : 0;
            }
        }
        double[][] a = new double[n][n];
        for (double[] row : x) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    a[i][j] += row[i] * row[j];
                }
            }
        }
        for (int i = 0; i < n; i++) {
            a[i][i] += 3;
        }
        double[] inv = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, inv, i * n, n);
        }
        Gram.invertSymmetricPositiveDefinite(inv, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += a[i][k] * inv[k * n + j];
                }
                assertThat(s).as("seed " + seed + ", (A A⁻¹)[" + i + "][" + j + "]").isCloseTo(i == j ? 1 : 0, within(1e-9));
            }
        }
    }
}
