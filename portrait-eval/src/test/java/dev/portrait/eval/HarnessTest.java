package dev.portrait.eval;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.portrait.eval.Fixtures.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The three evaluations called as a library (the CLI's EvalCommandTest runs them through {@code portrait eval}). */
class HarnessTest {
    @Test
    void movielensFillsEveryModelOnBothProtocolsAndLearnersBeatPopularity() {
        Path dir = fixture("movielens-like");
        List<String> progress = new ArrayList<>();
        MetricTable table = new MovieLensEval(new MovieLensEval.Settings(dir.resolve("ratings.tsv"), dir.resolve("movies.psv"),
                dir.resolve("genres.psv"), 100, new double[] {5, 50}, 100, false, 42), progress::add).run();
        for (String model : new String[] {"streaming", "streaming-untuned", "popularity", "itemknn", "ease"}) {
            assertThat(table.flat()).containsKeys("movielens.temporal." + model + ".HR@10",
                    "movielens.temporal." + model + ".NDCG@10", "movielens.temporal." + model + ".Recall@20",
                    "movielens.sampled." + model + ".HR@10");
        }
        double popularity = table.flat().get("movielens.temporal.popularity.HR@10");
        assertThat(table.flat().get("movielens.temporal.ease.HR@10")).isGreaterThan(popularity);
        assertThat(table.flat().get("movielens.temporal.streaming.HR@10")).isGreaterThan(popularity);
        assertThat(progress).anyMatch(line -> line.contains("EASE λ = 50.0"));
        assertThat(table.toJson()).contains("\"evaluatedUsers\" : 12");
    }

    @Test
    void wikitickerSeparatesBotsByBehaviour() {
        MetricTable table = new WikitickerEval(new WikitickerEval.Settings(fixture("wikiticker"), 5, 42)).run();
        assertThat(table.flat().get("wikiticker.users.behaviour-logistic-cv.AUC")).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void retailReadsTheFileThroughTheShippedMappingAndCountsWhatCleaningQuarantines() {
        MetricTable table = new RetailEval(new RetailEval.Settings(fixture("retail-like").resolve("purchases.csv"), 30, 0.7,
                0.1)).run();
        assertThat(table.flat()).containsEntry("retail.cleaning.events.refunds", 1.0)
                .containsEntry("retail.cleaning.quarantined.missing_id", 1.0)
                .containsEntry("retail.cleaning.purchases.customers", 40.0);
    }

    @Test
    void retailComparesTheOnlineRegressionAndPcaWithTheirBatchReferences() {
        MetricTable table = new RetailEval(new RetailEval.Settings(fixture("retail-like").resolve("purchases.csv"), 30, 0.7,
                0.1)).run();
        var flat = table.flat();
        assertThat(flat).containsKeys("retail.spend30d.online-regression.RMSE", "retail.spend30d.batch-least-squares.RMSE",
                "retail.spend30d.online-vs-batch.batchOverOnlineRMSE");
        assertThat(flat.get("retail.spend30d.online-regression.RMSE")).isFinite().isGreaterThanOrEqualTo(0.0);
        // the streaming covariance is exact: the incremental components explain what the batch ones do
        for (int k = 1; k <= 3; k++) {
            assertThat(flat.get("retail.pca.incremental.explained@" + k))
                    .isCloseTo(flat.get("retail.pca.batch.explained@" + k), org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(flat).containsEntry("retail.pca.incremental-vs-batch.withinTarget", 1.0);
    }

    @Test
    void settingsThatCannotRunAreRefusedWithTheBadValue() {
        assertThatThrownBy(() -> new MovieLensEval.Settings(Path.of("r"), null, null, 100, new double[] {50, -1}, 100, false, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> new WikitickerEval.Settings(Path.of("w"), 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1");
        assertThatThrownBy(() -> new RetailEval.Settings(Path.of("r"), 30, 1.5, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
    }
}
