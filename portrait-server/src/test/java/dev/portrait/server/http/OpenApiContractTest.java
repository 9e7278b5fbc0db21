package dev.portrait.server.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/openapi.yaml is the published contract: it must name every route the server has and every error code. */
class OpenApiContractTest {
    private static final Path DOC = Path.of("..", "docs", "openapi.yaml");

    @Test
    void everyRouteTheServerDeclaresIsInTheOpenApiFileWithItsMethod() throws IOException {
        String doc = Files.readString(DOC);
        try (ApiHarness api = new ApiHarness()) {
            assertThat(api.api.routes()).hasSize(20);
            for (String route : api.api.routes()) {
                String method = route.substring(0, route.indexOf(' ')).toLowerCase();
                String path = route.substring(route.indexOf(' ') + 1);
                int at = doc.indexOf("\n  " + path + ":\n");
                assertThat(at).as(route + " in openapi.yaml").isPositive();
                int end = doc.indexOf("\n  /", at + 1);
                String block = doc.substring(at, end < 0 ? doc.indexOf("\ncomponents:") : end);
                assertThat(block).as(route + " has its method").contains("\n    " + method + ":\n");
            }
        }
    }

    @Test
    void theStatusTableOfTheOpenApiFileIsTheOneTheServerAnswersWith() throws IOException {
        String doc = Files.readString(DOC);
        Map<String, Integer> documented = new HashMap<>();
        Matcher row = Pattern.compile("\\n\\s*\\| (\\d{3}) \\| ([^\\n]*) \\|").matcher(doc);
        while (row.find()) {
            Matcher code = Pattern.compile("`([a-z_]+)`").matcher(row.group(2));
            while (code.find()) {
                documented.put(code.group(1), Integer.parseInt(row.group(1)));
            }
        }
        assertThat(documented).isEqualTo(ErrorAnswers.STATUS);
    }
}
