package dev.portrait.eval;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static dev.portrait.eval.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * EASE through EJML's Cholesky gives the model the hand-written Gauss–Jordan gave, to 1e-9 of each
 * row's largest weight (an entry near zero has no meaningful relative error of its own).
 */
class EaseTest {
    private static final double TOLERANCE = 1e-9;

    /** The implementation EASE had before EJML, kept as the reference: Gauss–Jordan on row arrays. */
    private static double[][] gaussJordanEase(int items, List<int[]> userItems, double lambda) {
        double[][] a = new double[items][items];
        for (int[] row : userItems) {
            for (int x : row) {
                for (int y : row) {
                    a[x][y] += 1;
                }
            }
        }
        for (int i = 0; i < items; i++) {
            a[i][i] += lambda;
        }
        for (int k = 0; k < items; k++) {
            double[] rk = a[k];
            double inv = 1.0 / rk[k];
            rk[k] = 1.0;
            for (int j = 0; j < items; j++) {
                rk[j] *= inv;
            }
            for (int i = 0; i < items; i++) {
                if (i == k) {
                    continue;
                }
                double[] ri = a[i];
                double f = ri[k];
                if (f == 0) {
                    continue;
                }
                ri[k] = 0.0;
                for (int j = 0; j < items; j++) {
                    ri[j] -= f * rk[j];
                }
            }
        }
        double[] diag = new double[items];
        for (int j = 0; j < items; j++) {
            diag[j] = a[j][j];
        }
        for (int i = 0; i < items; i++) {
            for (int j = 0; j < items; j++) {
                a[i][j] = i == j ? 0.0 : -a[i][j] / diag[j];
            }
        }
        return a;
    }

    /** The largest relative difference between the two models' rows (a one-item user's scores are that item's row). */
    private static double worstRowDifference(Ease ease, double[][] reference) {
        int items = reference.length;
        double worst = 0;
        for (int i = 0; i < items; i++) {
            double[] row = ease.scores(new int[] {i}, items);
            double scale = 0;
            for (double v : reference[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int j = 0; j < items; j++) {
                double d = Math.abs(row[j] - reference[i][j]);
                worst = Math.max(worst, scale == 0 ? d : d / scale);
            }
        }
        return worst;
    }

    private static List<int[]> randomUsers(long seed, int users, int items) {
        SplittableRandom random = new SplittableRandom(seed);
        List<int[]> out = new ArrayList<>(users);
        for (int u = 0; u < users; u++) {
            TreeSet<Integer> picked = new TreeSet<>();
            int count = 1 + random.nextInt(25);
            while (picked.size() < Math.min(count, items)) {
                // squared uniform: a head of popular items and a long tail, as ratings have
                double x = random.nextDouble();
                picked.add((int) (x * x * items));
            }
            out.add(picked.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    @Test
    void onTheMovieLensFixtureTheCholeskyModelEqualsTheGaussJordanOne() {
        MovieLensData data = MovieLensData.read(fixture("movielens-like").resolve("ratings.tsv"), null, null);
        List<int[]> userItems = new ArrayList<>();
        for (int[] ratings : data.ratingsByUser()) {
            TreeSet<Integer> items = new TreeSet<>();
            for (int idx : ratings) {
                items.add(data.ratings.get(idx).item());
            }
            userItems.add(items.stream().mapToInt(Integer::intValue).toArray());
        }
        for (double lambda : new double[] {5, 50}) {
            double worst = worstRowDifference(new Ease(data.items, userItems, lambda),
                    gaussJordanEase(data.items, userItems, lambda));
            assertThat(worst).as("λ %s", lambda).isLessThan(TOLERANCE);
        }
    }

    @Test
    void onSeededRandomRatingsTheCholeskyModelEqualsTheGaussJordanOne() {
        // 257 items: several of EJML's blocks and a ragged last one
        for (long seed : new long[] {1, 2, 3}) {
            List<int[]> users = randomUsers(seed, 2_000, 257);
            double worst = worstRowDifference(new Ease(257, users, 20), gaussJordanEase(257, users, 20));
            assertThat(worst).as("seed %d", seed).isLessThan(TOLERANCE);
        }
    }

    @Test
    void catalogueSmallerThanOneBlockAndASingleItemWork() {
        for (int items : new int[] {1, 2, 7}) {
            List<int[]> users = randomUsers(items, 50, items);
            assertThat(worstRowDifference(new Ease(items, users, 3), gaussJordanEase(items, users, 3)))
                    .as("%d items", items).isLessThan(TOLERANCE);
        }
    }

    @Test
    void theInverseTimesTheMatrixIsTheIdentity() {
        long seed = 17;
        SplittableRandom random = new SplittableRandom(seed);
        int n = 130;
        double[] a = new double[n * n];
        // B Bᵀ + I is symmetric positive definite
        double[] b = new double[n * n];
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextDouble() - 0.5;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = i == j ? 1 : 0;
                for (int k = 0; k < n; k++) {
                    s += b[i * n + k] * b[j * n + k];
                }
                a[i * n + j] = s;
            }
        }
        double[] inverse = a.clone();
        Gram.invertSymmetricPositiveDefinite(inverse, n);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += a[i * n + k] * inverse[k * n + j];
                }
                worst = Math.max(worst, Math.abs(s - (i == j ? 1 : 0)));
                assertThat(inverse[i * n + j]).as("seed %d symmetric at %d,%d", seed, i, j).isEqualTo(inverse[j * n + i]);
            }
        }
        assertThat(worst).as("seed %d", seed).isLessThan(1e-10);
    }

    @Test
    void aMatrixThatIsNotPositiveDefiniteIsRefused() {
        double[] a = {1, 2, 2, 1};
        assertThatThrownBy(() -> Gram.invertSymmetricPositiveDefinite(a, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not positive definite");
    }

    @Test
    void aNonPositiveLambdaIsRefused() {
        assertThatThrownBy(() -> new Ease(3, List.of(new int[] {0, 1}), 0)).hasMessageContaining("λ must be positive, not 0.0");
    }
}
