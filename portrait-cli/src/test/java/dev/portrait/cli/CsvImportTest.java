package dev.portrait.cli;

import dev.portrait.cli.PortraitCli.UsageProblem;
import dev.portrait.core.mapping.RowMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvImportTest {
    private static final String MAPPING = """
            type: track
            columns:
              userId: customer
              event: action
              timestamp: at
              messageId: row
            properties:
              product_id: sku
              price: {column: amount, type: number}
              quantity: {column: qty, type: integer}
              gift: {column: gift, type: boolean}
            traits:
              age: {column: age, type: integer}
            """;

    private static List<ImportItem> read(String mapping, String csv) throws IOException {
        List<ImportItem> items = new ArrayList<>();
        try (CsvSource s = new CsvSource("rows.csv", new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                RowMapping.parse(mapping, "map.yaml"))) {
            while (s.read(items, 3)) {
                // drain
            }
        }
        return items;
    }

    @Test
    @SuppressWarnings("unchecked")
    void columnsBecomeSegmentFieldsPropertiesAndTraitsWithTheirTypes() throws IOException {
        List<ImportItem> items = read(MAPPING, """
                row,customer,action,at,sku,amount,qty,gift,age
                r1,u1,Product Added,2025-01-01T10:00:00Z,p9,19.5,2,yes,41
                r2,u2,Product Viewed,1735725600000,p7,,,,
                """);
        assertThat(items).hasSize(2).allMatch(i -> i instanceof ImportItem.Event);
        Map<String, Object> first = ((ImportItem.Event) items.get(0)).json();
        assertThat(first).containsEntry("type", "track").containsEntry("userId", "u1").containsEntry("event", "Product Added")
                .containsEntry("timestamp", "2025-01-01T10:00:00Z").containsEntry("messageId", "r1");
        assertThat((Map<String, Object>) first.get("properties")).containsEntry("product_id", "p9")
                .containsEntry("price", 19.5).containsEntry("quantity", 2L).containsEntry("gift", true);
        // a track call carries traits in context.traits
        assertThat((Map<String, Object>) ((Map<String, Object>) first.get("context")).get("traits")).containsEntry("age", 41L);
        Map<String, Object> second = ((ImportItem.Event) items.get(1)).json();
        assertThat(second).containsEntry("timestamp", 1_735_725_600_000L).doesNotContainKey("context");
        assertThat((Map<String, Object>) second.get("properties")).as("empty cells are left out").containsOnlyKeys("product_id");
        assertThat(items.get(1).where()).isEqualTo("rows.csv:3");
    }

    @Test
    void identifyRowsCarryTraitsAtTheTop() throws IOException {
        List<ImportItem> items = read("""
                type: identify
                columns: {userId: id}
                traits: {plan: plan}
                """, "id,plan\nu1,gold\n");
        assertThat(((ImportItem.Event) items.get(0)).json()).containsEntry("type", "identify")
                .containsEntry("traits", Map.of("plan", "gold"));
    }

    @Test
    void aCellThatDoesNotConvertMakesTheRowAWrongTypeRejectionNamingRowColumnAndValue() throws IOException {
        List<ImportItem> items = read(MAPPING, """
                row,customer,action,at,sku,amount,qty,gift,age
                r1,u1,Product Added,2025-01-01T10:00:00Z,p9,$19.99,2,yes,41
                r2,u1,Product Added,2025-01-01T10:00:00Z,p9,1,2.5,yes,41
                r3,u1,Product Added,2025-01-01T10:00:00Z,p9,1,2,maybe,41
                r4,u1,Product Added,2025-01-01T10:00:00Z,p9,NaN,2,no,41
                """);
        assertThat(items).hasSize(4).allMatch(i -> i instanceof ImportItem.Unreadable u && u.code().equals("wrong_type"));
        assertThat(((ImportItem.Unreadable) items.get(0)).message())
                .isEqualTo("rows.csv:2: column \"amount\" (price): \"$19.99\" is not a number");
        assertThat(((ImportItem.Unreadable) items.get(1)).message()).contains("\"2.5\" is not an integer");
        assertThat(((ImportItem.Unreadable) items.get(2)).message()).contains("\"maybe\" is not a boolean");
        assertThat(((ImportItem.Unreadable) items.get(3)).message()).contains("\"NaN\" is not a number");
    }

    @Test
    void aRowWithTheWrongNumberOfCellsIsMalformedCsv() throws IOException {
        List<ImportItem> items = read("columns: {userId: u}\n", "u,e\nu1,a,extra\nu2,b\n");
        assertThat(items.get(0)).isInstanceOfSatisfying(ImportItem.Unreadable.class, u -> {
            assertThat(u.code()).isEqualTo("malformed_csv");
            assertThat(u.message()).isEqualTo("rows.csv:2: the row has 3 cells, the header 2");
            assertThat(new String(u.raw(), StandardCharsets.UTF_8)).isEqualTo("u1,a,extra");
        });
        assertThat(items.get(1)).isInstanceOf(ImportItem.Event.class);
    }

    @Test
    void aMappedColumnMissingFromTheHeaderFailsBeforeAnyRowIsRead() {
        assertThatThrownBy(() -> read(MAPPING, "row,customer,action\nr1,u1,A\n"))
                .isInstanceOf(UsageProblem.class)
                .hasMessageContaining("rows.csv has no column \"at\" (the mapping map.yaml reads it)")
                .hasMessageContaining("[row, customer, action]");
    }

    @Test
    void quotedCellsHoldDelimitersQuotesAndLineBreaksAndAByteOrderMarkIsIgnored() throws IOException {
        List<ImportItem> items = read("columns: {userId: u, event: e}\nproperties: {note: n}\n",
                "\uFEFFu,e,n\r\n\"u,1\",\"Said \"\"hi\"\"\",\"two\nlines\"\r\nu2,b,c\r\n");
        assertThat(items).hasSize(2);
        Map<String, Object> first = ((ImportItem.Event) items.get(0)).json();
        assertThat(first).containsEntry("userId", "u,1").containsEntry("event", "Said \"hi\"")
                .containsEntry("properties", Map.of("note", "two\nlines"));
        assertThat(items.get(1).where()).as("line numbers count the line break inside the quotes").isEqualTo("rows.csv:4");
    }

    @Test
    void anUnclosedQuoteFailsTheFileWithItsLine() {
        assertThatThrownBy(() -> read("columns: {userId: u}\n", "u\n\"open\n"))
                .isInstanceOf(IOException.class).hasMessageContaining("rows.csv:2").hasMessageContaining("not closed");
    }

    @Test
    void mappingErrorsReachTheUserNamingTheFileAndThePath(@TempDir Path dir) throws IOException {
        Path m = dir.resolve("m.yaml");
        Files.writeString(m, "columns: {userId: u}\nproperties: {price: {column: p, type: money}}\n");
        assertThatThrownBy(() -> ImportCommand.loadMapping(m)).isInstanceOf(UsageProblem.class)
                .hasMessage(m + ": properties.price.type: \"money\" is not one of string, integer, number, boolean, "
                        + "timestamp");
        assertThatThrownBy(() -> ImportCommand.loadMapping(dir.resolve("none.yaml")))
                .hasMessageContaining("does not exist");
    }

    @Test
    void aTabDelimiterCanBeWrittenAsBackslashT() throws IOException {
        List<ImportItem> items = read("delimiter: \"\\\\t\"\ncolumns: {userId: u, event: e}\n", "u\te\nu1\tA,B\n");
        assertThat(((ImportItem.Event) items.get(0)).json()).containsEntry("event", "A,B");
    }
}
