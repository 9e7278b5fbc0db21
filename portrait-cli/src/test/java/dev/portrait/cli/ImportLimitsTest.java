package dev.portrait.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code portrait import} holds a batch line to the HTTP API's rules: a number no field can hold rejects
 * its own event, an event too large with its batch's context is quarantined alone, and the batch's other
 * events are imported.
 */
class ImportLimitsTest {
    @TempDir
    Path tmp;

    @Test
    void aBatchLineWithUnrepresentableNumbersAndAnOversizedEventImportsItsGoodEventsAndNamesTheBadOnes()
            throws Exception {
        // an hour ago by the import's clock, well inside the definition's time limits
        String at = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            events.add("{\"type\":\"track\",\"messageId\":\"m" + i + "\",\"userId\":\"u" + (i % 17) + "\",\"event\":"
                    + "\"Product Viewed\",\"properties\":{\"product_id\":\"p" + i + "\"},\"timestamp\":\"" + at + "\"}");
        }
        events.set(10, events.get(10).replace("\"product_id\"", "\"qty\":18446744073709551616,\"product_id\""));
        events.set(500, events.get(500).replace("\"product_id\"", "\"sku\":" + "3".repeat(1_001) + ",\"product_id\""));
        StringBuilder notes = new StringBuilder();
        for (int n = 0; n < 4; n++) {
            notes.append("\"note").append(n).append("\":\"").append("n".repeat(7_900)).append("\",");
        }
        events.set(999, events.get(999).replace("\"product_id\"", notes + "\"product_id\""));
        String line = "{\"context\":{\"pad\":\"" + "c".repeat(2_000) + "\"},\"batch\":[" + String.join(",", events) + "]}";
        Path file = Files.writeString(tmp.resolve("batch.jsonl"), line + "\n");

        Cli.Run run = Cli.run("import", file.toString(), "--data", tmp.resolve("data").toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        ImportSummaryText s = ImportSummaryText.parse(run.out());
        assertThat(s.events()).isEqualTo(1_000);
        assertThat(s.accepted()).as(run.out()).isEqualTo(997);
        assertThat(s.byCode()).isEqualTo(Map.of("invalid_number", 2L, "event_too_large", 1L));
        assertThat(s.placesByCode().get("invalid_number")).isEqualTo(file + ":1 batch[10], " + file + ":1 batch[500]");
        assertThat(s.placesByCode().get("event_too_large")).isEqualTo(file + ":1 batch[999]");
    }
}
