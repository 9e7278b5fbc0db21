package dev.portrait.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code portrait eval} on tiny hand-made files in the MovieLens, Wikipedia-edits and Online Retail layouts. */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The hand-made fixtures belong to portrait-eval's tests; the command is tested on the same files,
     * read from that module's source tree (tests run in their module's folder).
     */
    private static Path fixture(String name) {
        Path p = Path.of("..", "portrait-eval", "src", "test", "resources", "eval", name).toAbsolutePath().normalize();
        assertThat(p).as("portrait-eval's fixture").exists();
        return p;
    }

    private static double metric(JsonNode out, String protocol, String model, String metric) {
        for (JsonNode row : out.get("table")) {
            if (row.get("protocol").asText().equals(protocol) && row.get("model").asText().equals(model)) {
                return row.get(metric).asDouble();
            }
        }
        throw new AssertionError("no row " + protocol + "/" + model + " in " + out);
    }

    @Test
    void movielensReportsEveryModelOnBothProtocolsAndTheStreamingRecommenderFindsTheTasteGroup() throws Exception {
        Path fixture = fixture("movielens-like");
        Cli.Run run = Cli.run("eval", "movielens", fixture.resolve("ratings.tsv").toString(),
                "--items", fixture.resolve("movies.psv").toString(), "--genres", fixture.resolve("genres.psv").toString(),
                "--lambdas", "5,50");
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode out = JSON.readTree(run.out());
        assertThat(out.at("/facts/evaluatedUsers").asInt()).isEqualTo(12);
        for (String model : new String[] {"streaming", "streaming-untuned", "popularity", "itemknn", "ease"}) {
            for (String metric : new String[] {"HR@10", "NDCG@10", "Recall@20"}) {
                assertThat(metric(out, "temporal", model, metric)).as(model + " " + metric).isBetween(0.0, 1.0);
            }
            assertThat(metric(out, "sampled", model, "HR@10")).as(model).isBetween(0.0, 1.0);
        }
        // two taste groups that never mix: anything that learns from co-occurrence beats raw popularity
        assertThat(metric(out, "temporal", "streaming", "HR@10")).isGreaterThan(metric(out, "temporal", "popularity", "HR@10"));
        assertThat(metric(out, "temporal", "ease", "HR@10")).isGreaterThan(metric(out, "temporal", "popularity", "HR@10"));
    }

    @Test
    void socialNeedsNoDataSetAndComparesTheRecommenderWithAndWithoutItsSocialPart(@TempDir Path dir) throws Exception {
        Path floors = dir.resolve("floors.properties");
        Files.writeString(floors, "social.lastday.with-vs-without.HR@10gain = 0.0\n");
        Cli.Run run = Cli.run("eval", "social", "--people", "300", "--communities", "6", "--days", "8",
                "--floors", floors.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode out = JSON.readTree(run.out());
        assertThat(out.at("/facts/echo").asDouble()).isEqualTo(0.5);
        assertThat(out.at("/facts/social/weight").asDouble()).as("the shipped definition's").isEqualTo(2.0);
        for (String model : new String[] {"with-social", "without-social"}) {
            for (String metric : new String[] {"HR@10", "NDCG@10", "Recall@10"}) {
                assertThat(metric(out, "lastday", model, metric)).as(model + " " + metric).isBetween(0.0, 1.0);
            }
        }
        assertThat(metric(out, "lastday", "with-social", "HR@10")).isGreaterThan(metric(out, "lastday", "without-social",
                "HR@10"));
        Cli.Run heavier = Cli.run("eval", "social", "--people", "300", "--communities", "6", "--days", "8",
                "--social-weight", "8");
        assertThat(JSON.readTree(heavier.out()).at("/facts/social/weight").asDouble()).isEqualTo(8.0);
        Cli.Run bad = Cli.run("eval", "social", "--days", "1");
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err()).contains("days must be at least 2");
    }

    @Test
    void wikitickerSeparatesMetronomeBotsFromPeopleWithoutReadingNames() throws Exception {
        Cli.Run run = Cli.run("eval", "wikiticker", fixture("wikiticker").toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode out = JSON.readTree(run.out());
        assertThat(out.at("/facts/botUsers").asInt()).isEqualTo(6);
        assertThat(metric(out, "users", "behaviour-logistic-cv", "AUC")).isGreaterThanOrEqualTo(0.9);
        assertThat(metric(out, "users", "botscore-default", "AUC")).isGreaterThanOrEqualTo(0.9);
        assertThat(out.at("/facts/notRead").toString()).contains("user", "comment");
    }

    @Test
    void retailReadsThroughTheImportMappingCountsRefundsAndGuestsAndScoresBothPropensityModels() throws Exception {
        Cli.Run run = Cli.run("eval", "retail", fixture("retail-like").resolve("purchases.csv").toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        JsonNode out = JSON.readTree(run.out());
        assertThat(metric(out, "cleaning", "rows", "read")).isEqualTo(492.0);
        assertThat(metric(out, "cleaning", "events", "refunds")).as("the C invoice").isEqualTo(1.0);
        assertThat(metric(out, "cleaning", "quarantined", "missing_id")).as("the guest's invoice").isEqualTo(1.0);
        assertThat(metric(out, "cleaning", "purchases", "customers")).isEqualTo(40.0);
        Cli.Run same = Cli.run("eval", "retail", fixture("retail-like").resolve("purchases.csv").toString(), "--mapping",
                "../docs/examples/online-retail.yaml");
        assertThat(same.out()).as("the shipped mapping is the one in the jar").isEqualTo(run.out());
        // loyal customers buy monthly, the others once: both models see it
        assertThat(metric(out, "repeat30d", "online-ftrl", "AUC")).isGreaterThan(0.6);
        assertThat(metric(out, "repeat30d", "offline-logistic", "AUC")).isGreaterThan(0.6);
    }

    @Test
    void aMetricBelowItsFloorFailsTheRunAndSaysWhich(@TempDir Path dir) throws Exception {
        Path floors = dir.resolve("floors.properties");
        Files.writeString(floors, "wikiticker.users.behaviour-logistic-cv.AUC = 0.5\nmovielens.temporal.ease.HR@10 = 2\n");
        Cli.Run ok = Cli.run("eval", "wikiticker", fixture("wikiticker").toString(), "--floors", floors.toString());
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.out()).contains("\"ok\" : true").doesNotContain("movielens.temporal");

        Files.writeString(floors, "wikiticker.users.behaviour-logistic-cv.AUC = 1.01\n");
        Cli.Run below = Cli.run("eval", "wikiticker", fixture("wikiticker").toString(), "--floors", floors.toString());
        assertThat(below.exit()).isEqualTo(1);
        assertThat(below.out()).contains("\"ok\" : false");
        assertThat(below.err()).contains("below its floor");
    }

    @Test
    void aFloorForAMetricTheRunDidNotProduceFailsRatherThanPassingSilently(@TempDir Path dir) throws Exception {
        Path floors = dir.resolve("floors.properties");
        Files.writeString(floors, "wikiticker.users.renamed-model.AUC = 0.5\n");
        Cli.Run run = Cli.run("eval", "wikiticker", fixture("wikiticker").toString(), "--floors", floors.toString());
        assertThat(run.exit()).isEqualTo(1);
    }

    @Test
    void aMissingDataSetIsAUsageErrorThatNamesThePath(@TempDir Path dir) {
        Cli.Run run = Cli.run("eval", "movielens", dir.resolve("nowhere").toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("nowhere");
    }
}
