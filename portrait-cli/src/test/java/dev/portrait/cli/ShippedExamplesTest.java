package dev.portrait.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The mappings in docs/examples, each imported with its sample file exactly as its opening comment says. */
class ShippedExamplesTest {
    private static final Path EXAMPLES = Path.of("../docs/examples");

    @TempDir
    Path tmp;

    private static JsonNode profile(Path data, String type, String id) throws Exception {
        Cli.Run r = Cli.run("profile", type, id, "--data", data.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void theContactsExampleMakesIdentifyCallsWithCleanedTraits() throws Exception {
        Path data = tmp.resolve("contacts");
        Cli.Run run = Cli.run("import", EXAMPLES.resolve("contacts.csv").toString(), "--mapping",
                EXAMPLES.resolve("contacts.yaml").toString(), "--data", data.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        ImportSummaryText s = ImportSummaryText.parse(run.out());
        assertThat(s.accepted()).as(run.out()).isEqualTo(3);
        assertThat(s.byCode()).isEmpty();
        JsonNode ann = profile(data, "email", "ann.lee@example.com");
        assertThat(ann.path("identities").path("user_id").get(0).asText()).isEqualTo("1001");
        JsonNode traits = ann.path("traits");
        assertThat(traits.path("country").path("value").asText()).isEqualTo("GB");
        assertThat(traits.path("plan").path("value").asText()).isEqualTo("gold");
        assertThat(traits.path("first_name").path("value").asText()).isEqualTo("Ann");
        assertThat(profile(data, "user_id", "1002").path("traits").path("plan").path("value").asText()).isEqualTo("gold");
        assertThat(profile(data, "user_id", "1003").path("traits").path("plan").path("value").asText()).isEqualTo("basic");
    }

    @Test
    void theAppLogExampleReadsJsonLinesAsRows() throws Exception {
        Path data = tmp.resolve("app");
        Cli.Run run = Cli.run("import", EXAMPLES.resolve("app-log.jsonl").toString(), "--mapping",
                EXAMPLES.resolve("app-log.yaml").toString(), "--data", data.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        ImportSummaryText s = ImportSummaryText.parse(run.out());
        assertThat(s.accepted()).as(run.out()).isEqualTo(4);
        assertThat(s.byCode()).isEqualTo(Map.of());
        JsonNode u7 = profile(data, "user_id", "u-7");
        // features without a window: the log's dates are read at the wall clock (no historical.now)
        assertThat(u7.path("features").path("distinct_products_viewed").asLong()).isEqualTo(1);
        assertThat(u7.path("features").path("recently_viewed").toString()).contains("p-3");
        assertThat(u7.path("version").asLong()).as("search, view, cart add").isEqualTo(3);
        assertThat(u7.path("identities").path("anonymous_id").get(0).asText()).isEqualTo("d-19");
        assertThat(profile(data, "anonymous_id", "d-20").path("version").asLong()).isEqualTo(1);
    }
}
