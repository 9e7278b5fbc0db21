package dev.portrait.server.http;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/openapi.yaml is the published contract: a real OpenAPI parser (swagger-parser, what code
 * generators and most linters build on) reads it without a single complaint, and it names every route
 * the server has, with its method, and every error code with its status.
 */
class OpenApiContractTest {
    private static final Path DOC = Path.of("..", "docs", "openapi.yaml");
    private static String text;
    private static SwaggerParseResult parsed;

    @BeforeAll
    static void parse() throws IOException {
        text = Files.readString(DOC);
        ParseOptions options = new ParseOptions();
        // every $ref must lead somewhere; a dangling one is a message
        options.setResolve(true);
        options.setValidateInternalRefs(true);
        parsed = new OpenAPIV3Parser().readContents(text, null, options);
    }

    @Test
    void theReferenceParserReadsTheFileWithoutAnyMessage() {
        assertThat(parsed.getMessages()).as("swagger-parser's messages about docs/openapi.yaml").isEmpty();
        assertThat(parsed.getOpenAPI()).isNotNull();
    }

    @Test
    void everyRouteTheServerDeclaresIsInTheOpenApiFileWithItsMethod() {
        OpenAPI api = parsed.getOpenAPI();
        try (ApiHarness harness = new ApiHarness()) {
            assertThat(harness.api.routes()).hasSize(46); // 32 + accounts, experiments, recommendation feedback (issue 15), propensity calibration (issue 12) + audiences/stats, forget status, suppressions, backups (issue 13) + saved audiences (PUT, GET, DELETE) and a profile's segment stays + a profile's merges and their reversal (issue 12)
            for (String route : harness.api.routes()) {
                String method = route.substring(0, route.indexOf(' '));
                String path = route.substring(route.indexOf(' ') + 1);
                PathItem item = api.getPaths().get(path);
                assertThat(item).as(route + " in openapi.yaml").isNotNull();
                assertThat(item.readOperationsMap()).as(route + " has its method")
                        .containsKey(PathItem.HttpMethod.valueOf(method.toUpperCase(Locale.ROOT)));
            }
            assertThat(api.getPaths()).as("and nothing the server does not have").hasSameSizeAs(
                    harness.api.routes().stream().map(r -> r.substring(r.indexOf(' ') + 1)).distinct().toList());
        }
    }

    @Test
    void theStatusTableOfTheOpenApiFileIsTheOneTheServerAnswersWith() {
        Map<String, Integer> documented = new HashMap<>();
        Matcher row = Pattern.compile("\\n\\s*\\| (\\d{3}) \\| ([^\\n]*) \\|").matcher(text);
        while (row.find()) {
            Matcher code = Pattern.compile("`([a-z_]+)`").matcher(row.group(2));
            while (code.find()) {
                documented.put(code.group(1), Integer.parseInt(row.group(1)));
            }
        }
        assertThat(documented).isEqualTo(ErrorAnswers.STATUS);
    }
}
