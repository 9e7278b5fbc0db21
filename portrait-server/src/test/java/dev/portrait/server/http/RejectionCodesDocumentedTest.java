package dev.portrait.server.http;

import dev.portrait.core.clean.RejectionCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/openapi.yaml lists every code an ingest answer's {@code rejected[]} can carry, and no other. */
class RejectionCodesDocumentedTest {
    private static final Path DOC = Path.of("..", "docs", "openapi.yaml");

    @Test
    void theRejectionCodeTableIsTheCleanersCodesAndTheSizeLimits() throws IOException {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("## Rejection codes");
        assertThat(start).as("a Rejection codes section").isPositive();
        String section = doc.substring(start, doc.indexOf("\n    ## ", start + 1));
        Set<String> documented = new HashSet<>();
        Matcher row = Pattern.compile("\\n\\s*\\| `([a-z_]+)` \\| ").matcher(section);
        while (row.find()) {
            documented.add(row.group(1));
        }
        Set<String> expected = Arrays.stream(RejectionCode.values()).map(RejectionCode::code)
                .collect(Collectors.toCollection(HashSet::new));
        expected.add("event_too_large");
        assertThat(documented).isEqualTo(expected);
    }
}
