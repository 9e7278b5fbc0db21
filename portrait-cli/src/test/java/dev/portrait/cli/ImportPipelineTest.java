package dev.portrait.cli;

import dev.portrait.store.LogCursor;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.QuarantinedEvent;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The import pipeline (chunks cleaned on several threads, joined into groups, committed in file order)
 * leaves the same data directory as one thread cleaning the whole file as one piece: the same log, in
 * the same order, and the same quarantine.
 */
class ImportPipelineTest {
    @TempDir
    Path tmp;

    @Test
    void chunksCleanedOnManyThreadsReachTheLogInFileOrder() throws Exception {
        long seed = 11;
        Path file = tmp.resolve("events.jsonl");
        SyntheticFile.Truth truth = SyntheticFile.write(file, seed, 3_000, 0.03, 0.03, 97);

        Path serial = tmp.resolve("serial");
        Cli.Run one = Cli.run("import", file.toString(), "--data", serial.toString(), "--cleaners", "1",
                "--batch-size", "100000", "--group-events", "1000000");
        assertThat(one.exit()).as("seed %d: %s", seed, one).isZero();
        Path piped = tmp.resolve("piped");
        Cli.Run many = Cli.run("import", file.toString(), "--data", piped.toString(), "--cleaners", "4",
                "--batch-size", "7", "--group-events", "500");
        assertThat(many.exit()).as("seed %d: %s", seed, many).isZero();

        ImportSummaryText a = ImportSummaryText.parse(one.out());
        ImportSummaryText b = ImportSummaryText.parse(many.out());
        assertThat(b.events()).as("seed %d", seed).isEqualTo(truth.lines());
        assertThat(b.accepted()).as("seed %d", seed).isEqualTo(truth.wellFormed()).isEqualTo(a.accepted());
        assertThat(b.duplicates()).as("seed %d", seed).isEqualTo(a.duplicates());
        assertThat(b.byCode()).as("seed %d", seed).isEqualTo(a.byCode());
        assertThat(b.placesByCode().get("malformed_json")).as("seed %d: garbage lines named in file order", seed)
                .startsWith(file + ":" + truth.garbageLines().get(0) + ", " + file + ":" + truth.garbageLines().get(1));

        List<String> serialLog = messageIds(serial);
        assertThat(serialLog).hasSize(truth.wellFormed());
        assertThat(messageIds(piped)).as("seed %d: the log in file order", seed).isEqualTo(serialLog);
        List<String> serialQuarantine = quarantine(serial);
        assertThat(serialQuarantine).hasSize((int) a.quarantined());
        assertThat(quarantine(piped)).as("seed %d: every rejected event and unreadable line, with its bytes", seed)
                .isEqualTo(serialQuarantine);
        assertThat(quarantine(piped)).anyMatch(q -> q.startsWith("malformed_json {\"type\":\"track\",\"event\":\"Cut off at 97"));
    }

    private static List<String> messageIds(Path data) {
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            List<String> ids = new ArrayList<>();
            LogCursor cursor = store.events().replay(1);
            while (cursor.hasNext()) {
                ids.add(cursor.next().decode().messageId());
            }
            return ids;
        }
    }

    /** Code and bytes of every quarantined item, sorted (an unreadable line follows the events of its chunk). */
    private static List<String> quarantine(Path data) {
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            List<String> items = new ArrayList<>();
            String cursor = null;
            do {
                var page = store.quarantine().list(cursor, 500);
                for (QuarantinedEvent q : page.items()) {
                    items.add(q.code() + " " + new String(q.rawEvent(), StandardCharsets.UTF_8));
                }
                cursor = page.nextCursor();
            } while (cursor != null);
            Collections.sort(items);
            return items;
        }
    }

    @Test
    void outOfRangeSettingsAreUsageProblems() throws Exception {
        Path file = Files.writeString(tmp.resolve("one.jsonl"), "{\"type\":\"track\",\"userId\":\"u1\",\"event\":\"A\"}\n");
        Cli.Run r = Cli.run("import", file.toString(), "--data", tmp.resolve("d").toString(), "--group-events", "0");
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.err()).contains("--group-events 0 is outside 1-1000000");
        Cli.Run c = Cli.run("import", file.toString(), "--data", tmp.resolve("d").toString(), "--cleaners", "0");
        assertThat(c.err()).contains("--cleaners 0 is outside 1-64");
    }
}
