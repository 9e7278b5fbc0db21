package dev.portrait.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * History on a small order-lines file of 2010-2011 (the shared retail sample may be absent): a mapping
 * that says so lifts maxPastAge, and its {@code now} becomes the directory's clock for later commands.
 */
class HistoricalImportTest {
    private static final String LINES = """
            InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID
            536365,85123A,6,2010-12-01 08:26:00,2.55,17850.0
            536365,71053,6,2010-12-01 08:26:00,3.39,17850.0
            C536379,D,1,2010-12-01 09:41:00,27.5,17850.0
            581587,22613,12,2011-12-09 12:50:00,0.85,17850.0
            581588,22613,1,2011-12-09 12:55:00,0.85,
            """;
    private static final String MAPPING = """
            %s
            columns:
              userId: {column: CustomerID, transform: id}
              event: {column: InvoiceNo, cases: [{startsWith: C, value: Order Refunded}], otherwise: Order Completed}
              timestamp: {column: InvoiceDate, type: timestamp, pattern: "yyyy-MM-dd HH:mm:ss", zone: Europe/London}
            properties: {order_id: InvoiceNo}
            groupBy:
              key: InvoiceNo
              line: {product_id: StockCode, quantity: {column: Quantity, type: integer, transform: abs},
                     price: {column: UnitPrice, type: number}}
              totals: {revenue: quantity * price}
            """;

    @TempDir
    Path tmp;

    private Cli.Run importWith(String historical, Path data) throws Exception {
        Path csv = Files.writeString(tmp.resolve("lines.csv"), LINES);
        Path mapping = Files.writeString(tmp.resolve("m.yaml"), MAPPING.formatted(historical));
        return Cli.run("import", csv.toString(), "--mapping", mapping.toString(), "--data", data.toString());
    }

    @Test
    void withoutHistoryOldOrdersAreTooOld() throws Exception {
        Cli.Run run = importWith("", tmp.resolve("live"));
        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(ImportSummaryText.parse(run.out()).byCode())
                .isEqualTo(Map.of("timestamp_too_old", 3L, "missing_id", 1L));
        assertThat(tmp.resolve("live").resolve(DataDirectory.NOW_FILE)).doesNotExist();
    }

    @Test
    void aHistoricalFileIsAcceptedAndItsNowIsTheDirectorysClockAfterTheLoad() throws Exception {
        Path data = tmp.resolve("history");
        Cli.Run run = importWith("historical: {now: 2011-12-10T00:00:00Z}", data);
        assertThat(run.exit()).as(run.toString()).isZero();
        ImportSummaryText s = ImportSummaryText.parse(run.out());
        assertThat(s.accepted()).as("two orders and a refund").isEqualTo(3);
        assertThat(s.byCode()).isEqualTo(Map.of("missing_id", 1L));
        assertThat(run.out()).contains("5 rows read through the mapping")
                .contains("the data directory's clock is 2011-12-10T00:00:00Z");
        assertThat(Files.readString(data.resolve(DataDirectory.NOW_FILE)).strip()).isEqualTo("2011-12-10T00:00:00Z");

        Cli.Run profile = Cli.run("profile", "user_id", "17850", "--data", data.toString());
        JsonNode p = new ObjectMapper().readTree(profile.out());
        assertThat(p.path("asOf").asText()).isEqualTo("2011-12-10T00:00:00Z");
        JsonNode f = p.path("features");
        assertThat(f.path("orders_lifetime").asLong()).isEqualTo(2);
        assertThat(f.path("revenue_lifetime").asDouble()).isEqualTo(6 * 2.55 + 6 * 3.39 + 12 * 0.85);
        assertThat(f.path("orders_30d").asLong()).as("read at 2011-12-10, not today").isEqualTo(1);
        assertThat(f.path("days_since_last_order").asLong()).isZero();

        // a later historical import never moves the clock back
        Cli.Run again = importWith("historical: {now: 2011-01-01T00:00:00Z}", data);
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(ImportSummaryText.parse(again.out()).duplicates()).isEqualTo(3);
        assertThat(Files.readString(data.resolve(DataDirectory.NOW_FILE)).strip()).isEqualTo("2011-12-10T00:00:00Z");
    }
}
