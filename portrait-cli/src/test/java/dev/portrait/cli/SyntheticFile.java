package dev.portrait.cli;

import dev.portrait.synth.Flaw;
import dev.portrait.synth.SyntheticConfig;
import dev.portrait.synth.SyntheticEvent;
import dev.portrait.synth.SyntheticStream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A JSON-lines file of synthetic shop events and the truth about it. */
final class SyntheticFile {
    /** What the file holds: the codes the generator expects, the lines that are not JSON, a user with events. */
    record Truth(int lines, int wellFormed, int duplicates, Map<String, Integer> expectedCodes,
                 List<Integer> garbageLines, String someUser) {
    }

    private SyntheticFile() {
    }

    /**
     * Writes {@code events} synthetic events starting an hour ago, and after every {@code garbageEvery}-th event
     * (when positive) one line that is not JSON.
     */
    static Truth write(Path file, long seed, int events, double duplicateRate, double malformedRate, int garbageEvery)
            throws IOException {
        SyntheticConfig config = SyntheticConfig.defaults(seed).withUsers(300)
                .withStart(Instant.now().minus(Duration.ofHours(1))).withFlaws(duplicateRate, malformedRate);
        SyntheticStream stream = SyntheticStream.of(config).limit(events);
        int line = 0;
        int wellFormed = 0;
        int duplicates = 0;
        Map<String, Integer> codes = new TreeMap<>();
        List<Integer> garbage = new ArrayList<>();
        Map<String, Integer> eventsByUser = new TreeMap<>();
        try (OutputStream out = Files.newOutputStream(file)) {
            int n = 0;
            while (stream.hasNext()) {
                SyntheticEvent e = stream.next();
                out.write(e.toJsonLine());
                out.write('\n');
                line++;
                n++;
                if (e.flaw() == Flaw.NONE) {
                    wellFormed++;
                    if (e.json().get("userId") instanceof String u) {
                        eventsByUser.merge(u, 1, Integer::sum);
                    }
                } else if (e.flaw() == Flaw.DUPLICATE) {
                    duplicates++;
                } else {
                    codes.merge(e.expectedCode(), 1, Integer::sum);
                }
                if (garbageEvery > 0 && n % garbageEvery == 0) {
                    out.write(("{\"type\":\"track\",\"event\":\"Cut off at " + n).getBytes(StandardCharsets.UTF_8));
                    out.write('\n');
                    line++;
                    garbage.add(line);
                }
            }
        }
        if (!garbage.isEmpty()) {
            codes.merge("malformed_json", garbage.size(), Integer::sum);
        }
        String busiest = eventsByUser.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElseThrow(() -> new IllegalStateException("no identified user in " + events + " events"));
        return new Truth(line, wellFormed, duplicates, codes, garbage, busiest);
    }
}
