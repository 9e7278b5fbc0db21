package dev.portrait.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineParsingTest {
    @TempDir
    Path tmp;

    @Test
    void importWithoutDataIsAUsageErrorThatNamesTheOption() throws IOException {
        Path file = Files.writeString(tmp.resolve("e.jsonl"), "{}\n");
        Cli.Run r = Cli.run("import", file.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required option: '--data=DIR'");
    }

    @Test
    void profileAndRebuildWithoutDataAreUsageErrors() {
        assertThat(Cli.run("profile", "user_id", "u1").exit()).isEqualTo(2);
        Cli.Run r = Cli.run("rebuild");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--data");
    }

    @Test
    void anUnknownFlagIsAUsageErrorThatNamesIt() {
        Cli.Run r = Cli.run("rebuild", "--data", tmp.toString(), "--definitoin", "x.yaml");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown options: '--definitoin'").contains("Possible solutions: --definition");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        Cli.Run r = Cli.run("serv");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("serv");
    }

    @Test
    void importingAFileThatDoesNotExistExitsWithTwoAndSaysWhichFile() {
        Path missing = tmp.resolve("nowhere.jsonl");
        Cli.Run r = Cli.run("import", missing.toString(), "--data", tmp.resolve("data").toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("no such file: " + missing);
        assertThat(tmp.resolve("data")).as("nothing was created").doesNotExist();
    }

    @Test
    void aCsvFileWithoutAMappingIsAUsageError() throws IOException {
        Path csv = Files.writeString(tmp.resolve("rows.csv"), "user,event\nu1,Signed Up\n");
        Cli.Run r = Cli.run("import", csv.toString(), "--data", tmp.resolve("data").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(csv.toString()).contains("--mapping");
    }

    @Test
    void theFormatFlagTakesItsValueInAnyCase() throws IOException {
        Path file = Files.writeString(tmp.resolve("rows.txt"), "user,event\n");
        Cli.Run r = Cli.run("import", file.toString(), "--format", "CSV", "--data", tmp.resolve("d").toString());
        // parsed as csv, so it is the missing mapping that stops it, not the format
        assertThat(r.err()).contains("needs --mapping");
    }

    @Test
    void aBadFormatIsAUsageErrorNamingTheValue() throws IOException {
        Path file = Files.writeString(tmp.resolve("e.jsonl"), "{}\n");
        Cli.Run r = Cli.run("import", file.toString(), "--format", "xml", "--data", tmp.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("xml");
    }

    @Test
    void serveWithoutAnyKeyRefusesToStartAndSaysHowToPassThem() {
        Cli.Run r = Cli.run("serve", "--data", tmp.resolve("data").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--write-key").contains("--read-key").contains("writeKeys:");
        assertThat(tmp.resolve("data")).as("nothing was created").doesNotExist();
    }

    @Test
    void serveWithoutADataDirectoryAnywhereIsAUsageError() {
        Cli.Run r = Cli.run("serve", "--write-key", "wk_0123456789abcdefghijkl");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--data DIR");
    }

    @Test
    void aKeyWithAColonIsRefusedWithoutShowingTheKey() {
        Cli.Run r = Cli.run("serve", "--data", tmp.toString(), "--write-key", "secret:part_0123456789abcdef");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("':'").doesNotContain("secret");
    }

    @Test
    void flagsOverAConfigFileWinForSettingsAndAddToItsKeys() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("etc"));
        Path config = Files.writeString(dir.resolve("portrait.yaml"), """
                data: ./var/portrait
                port: 9000
                host: 127.0.0.1
                writeKeys: [wk_file_0123456789abcdefgh]
                readKeys: [rk_file_0123456789abcdefgh, rk_file_2_0123456789abcdefg]
                """);
        ServeCommand serve = parse("--config", config.toString(), "--port", "9100", "--write-key", "wk_flag_0123456789abcdefgh",
                "--admin-key", "ak_flag_0123456789abcdefgh");
        ServeConfig.Settled s = serve.settings();
        assertThat(s.port()).isEqualTo(9100);
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.data()).isEqualTo(dir.toAbsolutePath().resolve("var/portrait"));
        assertThat(s.keys().write()).containsExactlyInAnyOrder("wk_file_0123456789abcdefgh", "wk_flag_0123456789abcdefgh");
        assertThat(s.keys().read()).containsExactlyInAnyOrder("rk_file_0123456789abcdefgh", "rk_file_2_0123456789abcdefg");
        assertThat(s.keys().admin()).containsExactly("ak_flag_0123456789abcdefgh");
    }

    @Test
    void aDataFlagReplacesTheConfigFilesAndDefaultsFillTheRest() throws IOException {
        Path config = Files.writeString(tmp.resolve("c.yaml"), "data: /srv/a\nadminKeys: [ak_0123456789abcdefghijkl]\n");
        ServeConfig.Settled s = parse("--config", config.toString(), "--data", "/srv/b").settings();
        assertThat(s.data()).isEqualTo(Path.of("/srv/b"));
        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.host()).isEqualTo("0.0.0.0");
    }

    @Test
    void keysInTheConfigFileAloneAreEnough() throws IOException {
        Path config = Files.writeString(tmp.resolve("c.yaml"), "readKeys: [rk_0123456789abcdefghijkl]\n");
        assertThat(parse("--config", config.toString(), "--data", "d").settings().keys().read()).containsExactly("rk_0123456789abcdefghijkl");
    }

    @Test
    void aMisspelledConfigSettingIsNamed() throws IOException {
        Path config = Files.writeString(tmp.resolve("c.yaml"), "wirteKeys: [w1]\n");
        ServeCommand serve = parse("--config", config.toString(), "--data", "d");
        assertThatThrownBy(serve::settings).hasMessageContaining("unknown setting \"wirteKeys\"");
    }

    @Test
    void aConfigKeyListThatIsNotAListIsRefused() throws IOException {
        Path config = Files.writeString(tmp.resolve("c.yaml"), "writeKeys: w1\n");
        assertThatThrownBy(parse("--config", config.toString(), "--data", "d")::settings)
                .hasMessageContaining("writeKeys must be a list of keys");
    }

    @Test
    void aPortOutOfRangeIsNamed() {
        assertThatThrownBy(parse("--data", "d", "--write-key", "wk_0123456789abcdefghijkl", "--port", "70000")::settings)
                .hasMessageContaining("port 70000");
    }

    @Test
    void aMissingConfigFileIsNamed() {
        Cli.Run r = Cli.run("serve", "--config", tmp.resolve("none.yaml").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("config file " + tmp.resolve("none.yaml") + " does not exist");
    }

    @Test
    void profileOnADirectoryWithoutDataSaysSo() {
        Cli.Run r = Cli.run("profile", "user_id", "u1", "--data", tmp.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("holds no Portrait data");
    }

    @Test
    void aTimeThatIsNotIsoIsAUsageErrorNamingTheValue() {
        Cli.Run r = Cli.run("profile", "user_id", "u1", "--data", tmp.toString(), "--at", "last tuesday");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("\"last tuesday\" is not an ISO-8601 time");
    }

    @Test
    void isoTimesTakeInstantsOffsetsAndDates() {
        ProfileCommand.IsoTime iso = new ProfileCommand.IsoTime();
        assertThat(iso.convert("2025-03-01T12:00:00Z")).hasToString("2025-03-01T12:00:00Z");
        assertThat(iso.convert("2025-03-01T20:00:00+08:00")).hasToString("2025-03-01T12:00:00Z");
        assertThat(iso.convert("2025-03-01")).hasToString("2025-03-01T00:00:00Z");
    }

    private static ServeCommand parse(String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        return serve;
    }
}
