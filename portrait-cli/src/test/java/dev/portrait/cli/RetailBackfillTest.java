package dev.portrait.cli;

import dev.portrait.cli.DataDirectory.Definition;
import dev.portrait.core.mapping.CsvRecords;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.PortraitStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The backfill a new user tries first: the shared online-retail sample (a UK shop's invoice lines,
 * 2010-2011) imported with the shipped mapping and nothing else on the command line, then every
 * customer's profile held against a recount from the raw lines done here without the mapping code.
 * Skipped when the shared data is not beside the clone ({@code .ci/run} runs it when it is).
 */
class RetailBackfillTest {
    static final Path SAMPLE = Path.of("../../shared/data/online-retail-sample/OnlineRetail.csv");
    static final Path MAPPING = Path.of("../docs/examples/online-retail.yaml");

    @TempDir
    Path tmp;

    /** What the raw lines say, counted the plain way. */
    record Recount(Map<String, Set<String>> orders, Map<String, BigDecimal> revenue, Set<String> refunds,
                   Set<String> guestInvoices, long rows) {
    }

    static Recount recount(Path file) throws IOException {
        Map<String, Set<String>> orders = new TreeMap<>();
        Map<String, BigDecimal> revenue = new HashMap<>();
        Set<String> refunds = new HashSet<>();
        Set<String> guests = new HashSet<>();
        long rows = 0;
        try (CsvRecords r = new CsvRecords(Files.newBufferedReader(file, StandardCharsets.UTF_8), ',', file.toString())) {
            List<String> header = r.next().cells();
            int invoice = header.indexOf("InvoiceNo");
            int quantity = header.indexOf("Quantity");
            int price = header.indexOf("UnitPrice");
            int customer = header.indexOf("CustomerID");
            CsvRecords.Row row;
            while ((row = r.next()) != null) {
                List<String> c = row.cells();
                rows++;
                String inv = c.get(invoice);
                String who = c.get(customer).isEmpty() ? "" : new BigDecimal(c.get(customer)).toBigIntegerExact().toString();
                if (who.isEmpty()) {
                    guests.add(inv);
                } else if (inv.startsWith("C")) {
                    refunds.add(inv);
                } else {
                    orders.computeIfAbsent(who, k -> new HashSet<>()).add(inv);
                    revenue.merge(who, new BigDecimal(c.get(quantity)).multiply(new BigDecimal(c.get(price))),
                            BigDecimal::add);
                }
            }
        }
        return new Recount(orders, revenue, refunds, guests, rows);
    }

    @Test
    void theSampleImportsWithTheShippedMappingIntoOrdersRevenueAndOnlyGuestsQuarantined() throws Exception {
        assumeTrue(Files.isRegularFile(SAMPLE), "skipped: " + SAMPLE.toAbsolutePath().normalize() + " is absent (the "
                + "shared data sets sit beside the clone in ../shared/data; .ci/run runs this test when they are there)");
        Recount truth = recount(SAMPLE);
        Path data = tmp.resolve("retail");

        Cli.Run run = Cli.run("import", SAMPLE.toString(), "--mapping", MAPPING.toString(), "--data", data.toString());
        assertThat(run.exit()).as(run.toString()).isZero();
        ImportSummaryText s = ImportSummaryText.parse(run.out());
        long invoices = truth.orders().values().stream().mapToLong(Set::size).sum() + truth.refunds().size();
        assertThat(s.byCode()).as(run.out()).isEqualTo(Map.of("missing_id", (long) truth.guestInvoices().size()));
        assertThat(s.accepted()).as("one event an invoice of a known customer, orders and refunds").isEqualTo(invoices);
        assertThat(s.duplicates()).isZero();
        assertThat(run.out()).contains(ImportSummary.count(truth.rows(), "row") + " read through the mapping")
                .contains("the data directory's clock is 2011-12-10T00:00:00Z");

        DataDirectory dir = DataDirectory.existing(data);
        Definition d = dir.definition(null);
        BigDecimal total = BigDecimal.ZERO;
        long orders = 0;
        PortraitStore store = dir.openStore();
        try {
            EmbeddedRuntime runtime = dir.startRuntime(store, d, RuntimeOptions.defaults());
            try {
                for (Map.Entry<String, Set<String>> e : truth.orders().entrySet()) {
                    Optional<ProfileView> p = runtime.profile("user_id", e.getKey(), null);
                    assertThat(p).as("customer %s", e.getKey()).isPresent();
                    Map<String, Object> f = p.get().features();
                    assertThat(((Number) f.get("orders_lifetime")).longValue()).as("orders of %s", e.getKey())
                            .isEqualTo(e.getValue().size());
                    double expected = truth.revenue().get(e.getKey()).doubleValue();
                    assertThat(((Number) f.get("revenue_lifetime")).doubleValue()).as("revenue of %s", e.getKey())
                            .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(expected))));
                    assertThat(p.get().asOf()).isEqualTo(Instant.parse("2011-12-10T00:00:00Z"));
                    total = total.add(truth.revenue().get(e.getKey()));
                    orders += e.getValue().size();
                }
                ProfileView one = runtime.profile("user_id", truth.orders().keySet().iterator().next(), null).orElseThrow();
                assertThat(one.features()).containsKey("rfm");
                assertThat(one.traits()).containsKey("country");
            } finally {
                runtime.close();
            }
        } finally {
            store.close();
        }
        System.out.printf("online-retail-sample: %d rows, %d customers with orders, %d orders, %d refunds, revenue %s, "
                        + "%d guest invoices quarantined as missing_id (%d events accepted)%n", truth.rows(),
                truth.orders().size(), orders, truth.refunds().size(), total.toPlainString(),
                truth.guestInvoices().size(), s.accepted());
    }
}
