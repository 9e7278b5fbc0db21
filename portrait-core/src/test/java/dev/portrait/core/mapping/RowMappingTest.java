package dev.portrait.core.mapping;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowMappingTest {
    private static final String ORDER_LINES = """
            historical: {now: 2011-12-10T00:00:00Z}
            columns:
              userId: {column: CustomerID, transform: [trim, id]}
              event: {column: InvoiceNo, cases: [{startsWith: C, value: Order Refunded}], otherwise: Order Completed}
              timestamp: {column: InvoiceDate, type: timestamp, pattern: "yyyy-MM-dd HH:mm:ss", zone: Europe/London}
            properties:
              order_id: InvoiceNo
            traits:
              country: Country
            groupBy:
              key: InvoiceNo
              lines: products
              line:
                product_id: StockCode
                quantity: {column: Quantity, type: integer, transform: abs}
                price: {column: UnitPrice, type: number}
              totals:
                revenue: quantity * price
            """;

    /** Reads a CSV text through {@code mapping}: the events and rows that did not convert, in order. */
    static List<MappedItem> mapped(String mapping, String csv) throws IOException {
        RowMapping m = RowMapping.parse(mapping, "m.yaml");
        List<MappedItem> out = new ArrayList<>();
        try (CsvRecords records = new CsvRecords(new StringReader(csv), m.delimiter(), "f.csv")) {
            MappedRows rows = m.bind(records.next().cells(), "f.csv");
            CsvRecords.Row r;
            while ((r = records.next()) != null) {
                CsvRecords.Row row = r;
                rows.add(new SourceRow() {
                    @Override
                    public List<String> cells() {
                        return row.cells();
                    }

                    @Override
                    public String where() {
                        return "f.csv:" + row.line();
                    }

                    @Override
                    public String raw() {
                        return String.join(",", row.cells());
                    }
                }, out::add);
            }
            rows.finish(out::add);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(MappedItem item) {
        return (Map<String, Object>) ((MappedItem.Event) item).json().get("properties");
    }

    @Test
    void aConstantFieldGivesEveryRowTheSameEventName() throws IOException {
        List<MappedItem> items = mapped("columns: {userId: u, event: {value: Order Completed}}\n", "u\na\nb\n");
        assertThat(items).hasSize(2).allSatisfy(i ->
                assertThat(((MappedItem.Event) i).json()).containsEntry("event", "Order Completed"));
    }

    @Test
    void aPrefixTestNamesCancellationsAndTheRestTakeOtherwise() throws IOException {
        List<MappedItem> items = mapped("""
                columns:
                  userId: u
                  event: {column: inv, cases: [{startsWith: C, value: Order Refunded}], otherwise: Order Completed}
                """, "u,inv\na,C536379\na,536380\n");
        assertThat(items).extracting(i -> ((MappedItem.Event) i).json().get("event"))
                .containsExactly("Order Refunded", "Order Completed");
    }

    @Test
    void idsWrittenAsFloatsAreTakenAsTheirDigitsAndOtherIdsStayAsTheyAre() {
        assertThat(FieldRule.asId("12923.0")).isEqualTo("12923");
        assertThat(FieldRule.asId(" 1.2923E4 ")).isEqualTo("12923");
        assertThat(FieldRule.asId("12923")).isEqualTo("12923");
        assertThat(FieldRule.asId("u-17")).isEqualTo("u-17");
        assertThat(FieldRule.asId("0x1F")).isEqualTo("0x1F");
        assertThatThrownBy(() -> FieldRule.asId("12923.5")).hasMessageContaining("\"12923.5\" has a fraction");
    }

    @Test
    void trimAndLowerRunInTheOrderWritten() throws IOException {
        List<MappedItem> items = mapped("columns: {userId: {column: e, transform: [trim, lower]}}\n",
                "e\n\"  Ann@Example.COM \"\n");
        assertThat(((MappedItem.Event) items.get(0)).json()).containsEntry("userId", "ann@example.com");
    }

    @Test
    void aTimestampPatternIsReadInItsZone() throws IOException {
        String mapping = "columns: {userId: u, timestamp: {column: t, type: timestamp, pattern: \"yyyy-MM-dd HH:mm:ss\","
                + " zone: Europe/London}}\n";
        List<MappedItem> items = mapped(mapping, "u,t\na,2011-10-06 16:20:00\na,2011-01-06 16:20:00\n");
        // British Summer Time in October, Greenwich Mean Time in January
        assertThat(items).extracting(i -> ((MappedItem.Event) i).json().get("timestamp"))
                .containsExactly("2011-10-06T15:20:00Z", "2011-01-06T16:20:00Z");
    }

    @Test
    void aCellThatDoesNotConvertNamesRowColumnAndValue() throws IOException {
        List<MappedItem> items = mapped("columns: {userId: u, timestamp: {column: t, type: timestamp, pattern: "
                + "\"yyyy-MM-dd HH:mm:ss\"}}\nproperties: {q: {column: q, type: integer}}\n",
                "u,t,q\na,2011-10-06 16:20:00,2\na,06/10/2011,2\na,2011-10-06 16:20:00,two\n");
        assertThat(items.get(0)).isInstanceOf(MappedItem.Event.class);
        MappedItem.Unconverted time = (MappedItem.Unconverted) items.get(1);
        assertThat(time.code()).isEqualTo("wrong_type");
        assertThat(time.message()).isEqualTo("f.csv:3: column \"t\" (timestamp): \"06/10/2011\" does not fit the "
                + "pattern \"yyyy-MM-dd HH:mm:ss\"");
        assertThat(time.raw()).isEqualTo("a,06/10/2011,2");
        assertThat(((MappedItem.Unconverted) items.get(2)).message())
                .isEqualTo("f.csv:4: column \"q\" (q): \"two\" is not an integer");
    }

    @Test
    void orderLinesAnywhereInTheFileBecomeOneOrderWithProductsAndAnExactRevenue() throws IOException {
        String csv = """
                InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
                569901,23256,2,2011-10-06 16:21:00,4.15,12923.0,United Kingdom
                C569902,23275,-12,2011-10-06 17:00:00,1.25,12923.0,United Kingdom
                569901,21407,3,2011-10-06 16:20:00,0.1,12923.0,United Kingdom
                """;
        List<MappedItem> items = mapped(ORDER_LINES, csv);
        assertThat(items).hasSize(2);
        MappedItem.Event order = (MappedItem.Event) items.get(0);
        assertThat(order.rows()).isEqualTo(2);
        assertThat(order.where()).isEqualTo("f.csv:2");
        assertThat(order.json()).containsEntry("userId", "12923").containsEntry("event", "Order Completed")
                .containsEntry("timestamp", "2011-10-06T15:20:00Z") // the earliest line's time
                .containsEntry("context", Map.of("traits", Map.of("country", "United Kingdom")));
        assertThat(properties(order)).containsEntry("order_id", "569901").containsEntry("revenue", 8.6)
                .containsEntry("products", List.of(Map.of("product_id", "23256", "quantity", 2L, "price", 4.15),
                        Map.of("product_id", "21407", "quantity", 3L, "price", 0.1)));
        MappedItem.Event refund = (MappedItem.Event) items.get(1);
        assertThat(refund.json()).containsEntry("event", "Order Refunded");
        assertThat(properties(refund)).containsEntry("revenue", 15.0);
    }

    @Test
    void consecutiveGroupsEndWhenTheKeyChanges() throws IOException {
        String mapping = """
                columns: {userId: u}
                groupBy: {key: o, rows: consecutive, line: {n: {column: n, type: integer}}, totals: {count: n}}
                """;
        List<MappedItem> items = mapped(mapping, "u,o,n\na,1,1\na,1,2\nb,2,5\na,1,7\n");
        assertThat(items).extracting(i -> properties(i).get("count")).containsExactly(3L, 5L, 7L);
    }

    @Test
    void aRowOfAnotherPersonInAGroupIsQuarantinedAloneAndTheGroupKeepsTheRest() throws IOException {
        String mapping = "columns: {userId: u}\ngroupBy: {key: o, line: {n: {column: n, type: integer}}, "
                + "totals: {count: n}}\n";
        List<MappedItem> items = mapped(mapping, "u,o,n\na,1,1\nb,1,2\na,,4\na,1,3\n");
        assertThat(items).hasSize(3);
        assertThat(((MappedItem.Unconverted) items.get(0)).code()).isEqualTo("group_conflict");
        assertThat(((MappedItem.Unconverted) items.get(0)).message())
                .isEqualTo("f.csv:3: userId \"b\" differs from \"a\" in its group (key 1, first row f.csv:2)");
        assertThat(((MappedItem.Unconverted) items.get(1)).code()).isEqualTo("missing_group_key");
        assertThat(properties(items.get(2))).containsEntry("count", 4L);
    }

    @Test
    void groupedRevenueEqualsTheSumOfTheLinesWhateverTheirOrder() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        StringBuilder csv = new StringBuilder("InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
        java.math.BigDecimal expected = java.math.BigDecimal.ZERO;
        for (int i = 0; i < 200; i++) {
            int q = 1 + random.nextInt(50);
            java.math.BigDecimal p = java.math.BigDecimal.valueOf(random.nextInt(100_000), 2);
            expected = expected.add(p.multiply(java.math.BigDecimal.valueOf(q)));
            csv.append("1,S").append(i).append(',').append(q).append(",2011-10-06 16:20:00,").append(p.toPlainString())
                    .append(",7.0,UK\n");
        }
        List<MappedItem> items = mapped(ORDER_LINES, csv.toString());
        assertThat(properties(items.get(0)).get("revenue")).as("seed %d", seed).isEqualTo(expected.doubleValue());
    }

    @Test
    void aHistoricalMappingSaysWhatNowIs() {
        RowMapping m = RowMapping.parse(ORDER_LINES, "m.yaml");
        assertThat(m.historical()).isTrue();
        assertThat(m.now()).contains(Instant.parse("2011-12-10T00:00:00Z"));
        assertThat(m.grouped()).isTrue();
        assertThat(m.columnsUsed()).containsExactly("InvoiceNo", "CustomerID", "InvoiceDate", "Country", "StockCode",
                "Quantity", "UnitPrice");
        assertThat(RowMapping.parse("historical: true\ncolumns: {userId: u}\n", "m.yaml").now()).isEmpty();
        assertThat(RowMapping.parse("columns: {userId: u}\n", "m.yaml").historical()).isFalse();
    }

    @Test
    void mappingErrorsNameThePath() {
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: u}\nproperties: {price: {column: p, type: money}}\n",
                "m.yaml")).isInstanceOf(MappingException.class)
                .hasMessage("m.yaml: properties.price.type: \"money\" is not one of string, integer, number, boolean, "
                        + "timestamp");
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: u, timestamp: {column: t, type: timestamp, zone: "
                + "London}}\n", "m.yaml")).hasMessage("m.yaml: columns.timestamp.zone: \"London\" is not a time zone "
                + "(Europe/London, UTC, +08:00)");
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: u}\nproperties: {at: {column: t, pattern: yyyy}}\n",
                "m.yaml")).hasMessage("m.yaml: properties.at.pattern: is for timestamps; add type: timestamp");
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: u, timestamp: {column: t, type: timestamp, "
                + "pattern: \"yyyy-MM-dd #\"}}\n", "m.yaml"))
                .hasMessageStartingWith("m.yaml: columns.timestamp.pattern: \"yyyy-MM-dd #\" is not a "
                        + "date-time pattern");
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: {column: u, transform: [trim, squash]}}\n", "m.yaml"))
                .hasMessage("m.yaml: columns.userId.transform[1]: \"squash\" is not one of trim, lower, upper, id, abs");
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: {column: u, transform: abs}}\n", "m.yaml"))
                .hasMessage("m.yaml: columns.userId.transform: abs is for numbers; add type: integer or type: number");
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: u, event: {column: i, cases: [{beginsWith: C, "
                + "value: R}]}}\n", "m.yaml"))
                .hasMessage("m.yaml: columns.event.cases[0].beginsWith: is not a test (startsWith, endsWith, equals, "
                        + "contains)");
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: u}\nproperties: {n: {column: n, type: integer, "
                + "cases: [{equals: none, value: zero}]}}\n", "m.yaml"))
                .hasMessage("m.yaml: properties.n.cases[0].value: \"zero\" is not an integer");
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: u, event: {value: 3, column: e}}\n", "m.yaml"))
                .hasMessageContaining("columns.event: has both column and value");
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: u}\nproperties: {n: {value: x, type: number}}\n",
                "m.yaml")).hasMessage("m.yaml: properties.n.value: \"x\" is not a number");
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: u}\ngroupBy: {key: o, line: {q: {column: q, type: "
                + "integer}, p: p}, totals: {revenue: q * p}}\n", "m.yaml"))
                .hasMessage("m.yaml: groupBy.totals.revenue: \"q * p\": \"p\" is not a line field of type integer or "
                        + "number (line fields: q, p)");
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: u}\ngroupBy: {key: o, rows: sorted, line: {q: q}}\n",
                "m.yaml")).hasMessageStartingWith("m.yaml: groupBy.rows: \"sorted\" is not anywhere");
        assertThatThrownBy(() -> RowMapping.parse("columns: {userId: u}\nhistorical: {now: yesterday}\n", "m.yaml"))
                .hasMessageStartingWith("m.yaml: historical.now: \"yesterday\" is not an ISO-8601 time");
        assertThatThrownBy(() -> RowMapping.parse("columns: {event: e}\n", "m.yaml"))
                .hasMessageContaining("columns: needs userId or anonymousId");
        assertThatThrownBy(() -> RowMapping.parse("colums: {userId: u}\n", "m.yaml"))
                .hasMessageContaining("unknown key \"colums\"");
    }

    @Test
    void aHeaderWithoutAMappedColumnIsRefusedBeforeAnyRow() {
        RowMapping m = RowMapping.parse(ORDER_LINES, "m.yaml");
        assertThatThrownBy(() -> m.bind(List.of("InvoiceNo", "CustomerID"), "f.csv"))
                .hasMessageStartingWith("f.csv has no column \"InvoiceDate\" (the mapping m.yaml reads it)");
    }
}
