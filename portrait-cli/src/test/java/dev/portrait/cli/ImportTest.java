package dev.portrait.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The import command end to end in this JVM: a real data directory, the real runtime, the summary as
 * printed. Slower than a unit test (each command opens RocksDB), still a few seconds.
 */
class ImportTest {
    @TempDir
    Path tmp;

    @Test
    void everyEventOfTheFileIsCountedOnceAndASecondImportFindsOnlyDuplicates() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        SyntheticFile.Truth truth = SyntheticFile.write(file, 7, 2_000, 0.03, 0.03, 300);
        Path data = tmp.resolve("data");

        Cli.Run first = Cli.run("import", file.toString(), "--data", data.toString());
        assertThat(first.exit()).as(first.toString()).isZero();
        ImportSummaryText s = ImportSummaryText.parse(first.out());
        assertThat(s.events()).as("every line is one event").isEqualTo(truth.lines());
        assertThat(s.accepted() + s.duplicates() + s.quarantined()).isEqualTo(s.events());
        assertThat(s.accepted()).isEqualTo(truth.wellFormed());
        assertThat(s.duplicates()).isEqualTo(truth.duplicates());
        Map<String, Long> expected = new TreeMap<>();
        truth.expectedCodes().forEach((code, n) -> expected.put(code, (long) n));
        assertThat(s.byCode()).isEqualTo(expected);
        assertThat(truth.garbageLines()).hasSize(6);
        assertThat(s.placesByCode().get("malformed_json"))
                .startsWith(file + ":" + truth.garbageLines().get(0) + ", " + file + ":" + truth.garbageLines().get(1));

        Cli.Run profile = Cli.run("profile", "user_id", truth.someUser(), "--data", data.toString());
        assertThat(profile.exit()).as(profile.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(profile.out());
        assertThat(json.path("version").asLong()).isPositive();
        assertThat(json.path("identities").path("user_id").get(0).asText()).isEqualTo(truth.someUser());
        assertThat(json.path("features").has("views_24h")).isTrue();

        Cli.Run second = Cli.run("import", file.toString(), "--data", data.toString());
        assertThat(second.exit()).as(second.toString()).isZero();
        ImportSummaryText again = ImportSummaryText.parse(second.out());
        assertThat(again.events()).isEqualTo(truth.lines());
        assertThat(again.accepted()).as("nothing is logged twice").isZero();
        assertThat(again.duplicates()).isEqualTo(s.accepted() + s.duplicates());
        assertThat(again.byCode()).as("rejected events are judged again, the same way").isEqualTo(s.byCode());

        Cli.Run after = Cli.run("profile", "user_id", truth.someUser(), "--data", data.toString());
        assertThat(new ObjectMapper().readTree(after.out()).path("version").asLong())
                .as("the second import changed no profile").isEqualTo(json.path("version").asLong());
    }

    @Test
    void aUserWithoutAProfileExitsWithOne() throws Exception {
        Path file = Files.writeString(tmp.resolve("one.jsonl"), "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"Signed Up\"}\n");
        Path data = tmp.resolve("data");
        assertThat(Cli.run("import", file.toString(), "--data", data.toString()).exit()).isZero();
        Cli.Run r = Cli.run("profile", "user_id", "u2", "--data", data.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no profile for user_id \"u2\"");
        assertThat(r.out()).isEmpty();
        assertThat(Cli.run("profile", "user_id", "u1", "--data", data.toString()).exit()).isZero();
    }

    @Test
    void aCsvFileImportsThroughItsMapping() throws Exception {
        Path rows = Files.writeString(tmp.resolve("orders.csv"), """
                order,customer,when,total,action
                o1,c1,%1$s,120.5,Order Completed
                o2,c1,%1$s,80,Order Completed
                o3,c2,%1$s,not a number,Order Completed
                """.formatted(java.time.Instant.now().minusSeconds(60)));
        Path mapping = Files.writeString(tmp.resolve("orders.yaml"), """
                columns: {userId: customer, timestamp: when, messageId: order, event: action}
                properties:
                  order_id: order
                  revenue: {column: total, type: number}
                """);
        Path data = tmp.resolve("data");
        Cli.Run r = Cli.run("import", rows.toString(), "--mapping", mapping.toString(), "--data", data.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        ImportSummaryText s = ImportSummaryText.parse(r.out());
        assertThat(s.accepted()).isEqualTo(2);
        assertThat(s.byCode()).containsExactly(Map.entry("wrong_type", 1L));
        assertThat(s.placesByCode().get("wrong_type")).isEqualTo(rows + ":4");
        JsonNode c1 = new ObjectMapper().readTree(Cli.run("profile", "user_id", "c1", "--data", data.toString()).out());
        assertThat(c1.path("features").path("orders_lifetime").asLong()).isEqualTo(2);
        assertThat(c1.path("features").path("revenue_lifetime").asDouble()).isEqualTo(200.5);
    }
}
