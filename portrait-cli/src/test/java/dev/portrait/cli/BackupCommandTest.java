package dev.portrait.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code portrait backup} without a server and {@code portrait restore}, run in this JVM. */
class BackupCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aDirectoryBackedUpAndRestoredElsewhereAnswersTheSameProfile() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        SyntheticFile.Truth truth = SyntheticFile.write(file, 21, 400, 0, 0, 0);
        Path data = tmp.resolve("data");
        Path definition = Files.writeString(tmp.resolve("def.yaml"),
                dev.portrait.core.definition.DefinitionLoader.defaultEcommerceText());
        assertThat(Cli.run("import", file.toString(), "--data", data.toString(), "--definition", definition.toString())
                .exit()).isZero();
        assertThat(data.resolve(DataDirectory.DEFINITION_FILE)).exists();
        Cli.Run before = Cli.run("profile", "user_id", truth.someUser(), "--data", data.toString());
        assertThat(before.exit()).as(before.toString()).isZero();

        Path backup = tmp.resolve("backup");
        Cli.Run backedUp = Cli.run("backup", "--data", data.toString(), "--to", backup.toString());
        assertThat(backedUp.exit()).as(backedUp.toString()).isZero();
        assertThat(backedUp.out()).contains("backed up " + data + " into " + backup).contains("the forget journal stays");
        assertThat(backup.resolve("BACKUP")).exists();
        assertThat(backup.resolve(DataDirectory.DEFINITION_FILE)).as("the definition travels with the backup").exists();

        Path restored = tmp.resolve("restored");
        Cli.Run r = Cli.run("restore", "--from", backup.toString(), "--data", restored.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("restored " + backup).contains("0 entries");
        assertThat(r.err()).contains("warning: there is no forget journal");
        Cli.Run after = Cli.run("profile", "user_id", truth.someUser(), "--data", restored.toString());
        assertThat(after.exit()).as(after.toString()).isZero();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode was = json.readTree(before.out());
        com.fasterxml.jackson.databind.JsonNode is = json.readTree(after.out());
        for (String field : new String[] {"profileId", "version", "identities", "traits", "segments"}) {
            assertThat(is.path(field)).as(field).isEqualTo(was.path(field));
        }
        // decayed interests depend on the moment they are read; counts and item lists do not
        for (String feature : new String[] {"views_30d", "recently_viewed", "first_seen", "last_seen",
                "distinct_products_viewed", "orders_lifetime"}) {
            assertThat(is.path("features").path(feature)).as(feature).isEqualTo(was.path("features").path(feature));
        }
        assertThat(is.path("version").asLong()).isPositive();
    }

    @Test
    void aBackupIntoANonEmptyDirectoryAndARestoreOverDataWithoutForceAreRefusedWithAClearMessage() throws Exception {
        Path file = tmp.resolve("events.jsonl");
        SyntheticFile.write(file, 22, 100, 0, 0, 0);
        Path data = tmp.resolve("data");
        assertThat(Cli.run("import", file.toString(), "--data", data.toString()).exit()).isZero();
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");

        Cli.Run refused = Cli.run("backup", "--data", data.toString(), "--to", full.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("exists and is not empty");
        assertThat(full.resolve("keep.txt")).hasContent("mine");

        Path backup = tmp.resolve("backup");
        assertThat(Cli.run("backup", "--data", data.toString(), "--to", backup.toString()).exit()).isZero();
        Cli.Run noForce = Cli.run("restore", "--from", backup.toString(), "--data", data.toString());
        assertThat(noForce.exit()).isEqualTo(2);
        assertThat(noForce.err()).contains("is not empty").contains("--force");
        Cli.Run forced = Cli.run("restore", "--from", backup.toString(), "--data", data.toString(), "--force");
        assertThat(forced.exit()).as(forced.toString()).isZero();

        Cli.Run notABackup = Cli.run("restore", "--from", full.toString(), "--data", tmp.resolve("x").toString());
        assertThat(notABackup.exit()).isEqualTo(2);
        assertThat(notABackup.err()).contains("is not a Portrait backup");
    }

    @Test
    void aBackupWithoutDataOrServerSaysWhatToGive() {
        BackupCommand command = new BackupCommand();
        Cli.Run r = Cli.run("backup", "--to", tmp.resolve("b").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--data DIR").contains("--url");
        assertThat(BackupCommand.jsonString("/a \"b\"\\c\n")).isEqualTo("\"/a \\\"b\\\"\\\\c\\u000a\"");
        assertThat(command).isNotNull();
    }
}
