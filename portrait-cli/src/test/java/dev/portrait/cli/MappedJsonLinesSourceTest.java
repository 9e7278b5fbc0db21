package dev.portrait.cli;

import dev.portrait.core.mapping.RowMapping;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MappedJsonLinesSourceTest {
    private static List<ImportItem> read(String mapping, String lines) throws IOException {
        List<ImportItem> items = new ArrayList<>();
        try (MappedJsonLinesSource s = new MappedJsonLinesSource("log.jsonl",
                new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)), RowMapping.parse(mapping, "m.yaml"))) {
            while (s.read(items, 2)) {
                // drain
            }
        }
        return items;
    }

    @Test
    void dottedNamesReachIntoObjectsScalarsAreTextAndMissingKeysAreEmpty() throws IOException {
        List<ImportItem> items = read("""
                columns: {userId: user.id, event: {value: Logged In}}
                properties: {n: {column: n, type: integer}, ok: {column: ok, type: boolean}, "a.b": a.b, tags: tags}
                """, """
                {"user": {"id": 7}, "n": 3, "ok": true, "a.b": "literal", "tags": ["x"]}

                {"user": {"id": "u2"}, "n": null}
                """);
        assertThat(items).hasSize(2);
        Map<String, Object> first = ((ImportItem.Event) items.get(0)).json();
        assertThat(first).containsEntry("userId", "7").containsEntry("event", "Logged In")
                .containsEntry("properties", Map.of("n", 3L, "ok", true, "a.b", "literal", "tags", "[\"x\"]"));
        assertThat(((ImportItem.Event) items.get(1)).json()).doesNotContainKey("properties");
        assertThat(items.get(1).where()).isEqualTo("log.jsonl:3");
    }

    @Test
    void aLineThatIsNoObjectIsMalformedJsonAndACellThatDoesNotConvertIsWrongType() throws IOException {
        List<ImportItem> items = read("columns: {userId: u}\nproperties: {n: {column: n, type: integer}}\n",
                "[1, 2]\n{\"u\": \"a\", \"n\": \"many\"}\nnot json\n");
        assertThat(items).extracting(i -> ((ImportItem.Unreadable) i).code())
                .containsExactly("malformed_json", "wrong_type", "malformed_json");
        assertThat(((ImportItem.Unreadable) items.get(1)).message())
                .isEqualTo("log.jsonl:2: column \"n\" (n): \"many\" is not an integer");
        assertThat(new String(((ImportItem.Unreadable) items.get(1)).raw(), StandardCharsets.UTF_8))
                .isEqualTo("{\"u\": \"a\", \"n\": \"many\"}");
    }
}
