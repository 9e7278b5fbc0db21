package dev.portrait.core.model;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SymmetricEigenTest {
    static double[][] randomSymmetric(SplittableRandom random, int n, double scale) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                a[i][j] = scale * random.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        return a;
    }

    private static double norm(double[][] a) {
        double sum = 0;
        for (double[] row : a) {
            for (double v : row) {
                sum += v * v;
            }
        }
        return Math.sqrt(sum);
    }

    @Test
    void everyEigenpairOfARandomSymmetricMatrixSatisfiesAvEqualsLambdaV() {
        Seeds.forEach("random symmetric", 40, random -> {
            int n = 1 + random.nextInt(32);
            double scale = Math.pow(10, random.nextInt(7) - 3);
            double[][] a = randomSymmetric(random, n, scale);
            SymmetricEigen e = SymmetricEigen.of(a);
            double tolerance = 1e-9 * Math.max(1, norm(a));
            double trace = 0;
            double sum = 0;
            for (int k = 0; k < n; k++) {
                double[] v = e.vector(k);
                for (int i = 0; i < n; i++) {
                    double av = 0;
                    for (int j = 0; j < n; j++) {
                        av += a[i][j] * v[j];
                    }
                    assertThat(av).as("(A v - λ v)[%d] of pair %d, n %d", i, k, n).isCloseTo(e.value(k) * v[i],
                            within(tolerance));
                }
                for (int l = 0; l < n; l++) {
                    double dot = 0;
                    double[] u = e.vector(l);
                    for (int i = 0; i < n; i++) {
                        dot += v[i] * u[i];
                    }
                    assertThat(dot).as("v%d · v%d", k, l).isCloseTo(k == l ? 1 : 0, within(1e-12));
                }
                if (k > 0) {
                    assertThat(e.value(k)).as("sorted largest first").isLessThanOrEqualTo(e.value(k - 1));
                }
                trace += a[k][k];
                sum += e.value(k);
            }
            assertThat(sum).as("the eigenvalues sum to the trace").isCloseTo(trace, within(tolerance));
        });
    }

    @Test
    void aDiagonalMatrixIsItsOwnDecompositionSortedLargestFirst() {
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{1, 0, 0}, {0, 3, 0}, {0, 0, -2}});
        assertThat(new double[] {e.value(0), e.value(1), e.value(2)}).containsExactly(3, 1, -2);
        assertThat(e.vector(0)).containsExactly(0, 1, 0);
        assertThat(e.vector(2)).containsExactly(0, 0, 1);
    }

    @Test
    void aKnownTwoByTwoHasItsTextbookEigenpairsWithTheLargestEntryPositive() {
        // [[2, 1], [1, 2]]: 3 along (1, 1)/√2, 1 along (1, −1)/√2
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
        double r = Math.sqrt(0.5);
        assertThat(e.value(0)).isCloseTo(3, within(1e-15));
        assertThat(e.value(1)).isCloseTo(1, within(1e-15));
        assertThat(e.vector(0)).containsExactly(new double[] {r, r}, within(1e-15));
        assertThat(e.vector(1)).containsExactly(new double[] {r, -r}, within(1e-15));
    }

    @Test
    void repeatedEigenvaluesAndTheZeroMatrixStillGiveAnOrthonormalBasis() {
        for (double[][] a : new double[][][] {new double[4][4], {{5, 0}, {0, 5}}}) {
            SymmetricEigen e = SymmetricEigen.of(a);
            for (int k = 0; k < a.length; k++) {
                assertThat(e.value(k)).isEqualTo(a[0][0]);
                double[] v = e.vector(k);
                double len = 0;
                for (double x : v) {
                    len += x * x;
                }
                assertThat(len).isCloseTo(1, within(1e-15));
            }
        }
    }

    @Test
    void theSameMatrixGivesBitIdenticalResults() {
        double[][] a = randomSymmetric(new SplittableRandom(7), 20, 1);
        SymmetricEigen x = SymmetricEigen.of(a);
        SymmetricEigen y = SymmetricEigen.of(a);
        for (int k = 0; k < 20; k++) {
            assertThat(y.value(k)).isEqualTo(x.value(k));
            assertThat(y.vector(k)).isEqualTo(x.vector(k));
        }
    }

    @Test
    void anAsymmetricOrNonFiniteMatrixIsRefused() {
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][] {{1, 2}, {3, 1}}))
                .hasMessage("the matrix must be finite and symmetric, got 2.0 at (0, 1) and 3.0 at (1, 0)");
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][] {{Double.NaN}}))
                .hasMessageStartingWith("the matrix must be finite and symmetric, got NaN");
        assertThatThrownBy(() -> SymmetricEigen.of(new double[][] {{1, 2}, {2}}))
                .hasMessage("a symmetric matrix must be square, row 1 has 1 entries, not 2");
    }
}
