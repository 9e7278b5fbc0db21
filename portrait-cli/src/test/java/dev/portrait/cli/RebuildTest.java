package dev.portrait.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portrait.core.definition.DefinitionLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RebuildTest {
    @TempDir
    Path tmp;

    /** The shipped definition plus one feature: every product view ever. */
    private Path extendedDefinition() throws Exception {
        String text = DefinitionLoader.defaultEcommerceText().replace("features:\n",
                "features:\n  - {name: views_lifetime, kind: count, events: [Product Viewed]}\n");
        assertThat(text).contains("views_lifetime");
        return Files.writeString(tmp.resolve("extended.yaml"), text);
    }

    @Test
    void aRebuildUnderADefinitionWithAnExtraFeatureGivesProfilesThatFeature() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        SyntheticFile.Truth truth = SyntheticFile.write(file, 11, 1_500, 0, 0, 0);
        Path data = tmp.resolve("data");
        Cli.Run imported = Cli.run("import", file.toString(), "--data", data.toString());
        assertThat(imported.exit()).as(imported.toString()).isZero();
        long accepted = ImportSummaryText.parse(imported.out()).accepted();

        JsonNode before = profile(data, truth.someUser());
        assertThat(before.path("features").has("views_lifetime")).isFalse();

        Cli.Run rebuilt = Cli.run("rebuild", "--data", data.toString(), "--definition", extendedDefinition().toString());
        assertThat(rebuilt.exit()).as(rebuilt.toString()).isZero();
        assertThat(rebuilt.out()).contains(String.format(java.util.Locale.ROOT, "%,d events replayed", accepted));

        // no --definition: the data directory remembers the one it was rebuilt with
        JsonNode after = profile(data, truth.someUser());
        JsonNode features = after.path("features");
        assertThat(features.has("views_lifetime")).isTrue();
        // every event is from the last hour, so a lifetime count equals the 30-day window
        assertThat(features.path("views_lifetime").asLong()).isEqualTo(features.path("views_30d").asLong());
        assertThat(features.path("views_lifetime").asLong()).isEqualTo(before.path("features").path("views_30d").asLong());
        assertThat(after.path("version").asLong()).as("the same events, folded again").isEqualTo(before.path("version").asLong());
        assertThat(after.path("profileId").asText()).isEqualTo(before.path("profileId").asText());
    }

    @Test
    void anotherDefinitionWithoutARebuildIsRefusedWithAMessageSayingToRebuild() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        SyntheticFile.write(file, 12, 300, 0, 0, 0);
        Path data = tmp.resolve("data");
        assertThat(Cli.run("import", file.toString(), "--data", data.toString()).exit()).isZero();

        Path extended = extendedDefinition();
        Cli.Run r = Cli.run("import", file.toString(), "--data", data.toString(), "--definition", extended.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("were built under another definition")
                .contains("portrait rebuild --data " + data + " --definition " + extended);
        assertThat(data.resolve(DataDirectory.DEFINITION_FILE)).as("the refused definition is not recorded").doesNotExist();
    }

    @Test
    void aDefinitionWithAnErrorIsAUsageErrorNamingItsPath() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        SyntheticFile.Truth truth = SyntheticFile.write(file, 13, 300, 0, 0, 0);
        Path data = tmp.resolve("data");
        assertThat(Cli.run("import", file.toString(), "--data", data.toString()).exit()).isZero();
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), DefinitionLoader.defaultEcommerceText()
                .replace("window: 1h}", "window: 1x}"));
        Cli.Run r = Cli.run("rebuild", "--data", data.toString(), "--definition", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(bad.toString()).contains("1x");
        assertThat(profile(data, truth.someUser()).path("version").asLong()).as("the profiles were not cleared").isPositive();
    }

    private static JsonNode profile(Path data, String user) throws Exception {
        Cli.Run r = Cli.run("profile", "user_id", user, "--data", data.toString());
        if (r.exit() == 1) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        assertThat(r.exit()).as(r.toString()).isZero();
        return new ObjectMapper().readTree(r.out());
    }
}
