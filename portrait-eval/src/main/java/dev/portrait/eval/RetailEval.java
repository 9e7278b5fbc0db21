package dev.portrait.eval;

import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.event.Event;
import dev.portrait.core.mapping.CsvRecords;
import dev.portrait.core.mapping.MappedItem;
import dev.portrait.core.mapping.MappedRows;
import dev.portrait.core.mapping.RowMapping;
import dev.portrait.core.mapping.SourceRow;
import dev.portrait.core.model.DelayedLabels;
import dev.portrait.core.model.LabelledExample;
import dev.portrait.core.model.OnlineLogisticRegression;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Online retail: what the import does to the raw lines (read through the shipped mapping, {@link
 * #SHIPPED_MAPPING}, and the cleaner, as {@code portrait import} reads them), and repeat-purchase propensity. Every purchase
 * (one invoice of a known customer) opens an example "will this customer buy again within 30 days?"
 * with the customer's features at that moment; {@link DelayedLabels} settles it when the next
 * purchase comes or the 30 days pass, and only then does the online model ({@link
 * OnlineLogisticRegression}, FTRL-proximal) learn from it: labels are joined from the stream after
 * the delay, as in the runtime. The offline reference is a batch logistic regression (Newton) on the
 * same features, fitted on the examples of the first 70% of the time range whose labels were known by
 * then. Both are scored on the examples opened after that cut: the online model with the score it gave
 * when the example opened.
 *
 * <p>The same replay also measures the two models that work on the same features: the online linear
 * regression of the spend in the next {@code horizonDays} against batch least squares, and the
 * incremental PCA of the feature vectors against a batch PCA ({@link SpendAndComponents}).
 */
public final class RetailEval {
    private static final long DAY = 24L * 3_600_000;

    /**
     * @param path        a CSV file in the UCI Online Retail layout, or a folder holding one
     * @param mapping     the mapping that reads it, or null for the shipped one ({@link #SHIPPED_MAPPING})
     * @param horizonDays the repeat window
     * @param trainShare  share of the time range the offline model trains on
     * @param alpha       FTRL's learning-rate scale
     */
    public record Settings(Path path, Path mapping, int horizonDays, double trainShare, double alpha) {
        /** With the shipped mapping. */
        public Settings(Path path, int horizonDays, double trainShare, double alpha) {
            this(path, null, horizonDays, trainShare, alpha);
        }

        public Settings {
            Objects.requireNonNull(path, "path");
            if (horizonDays < 1) {
                throw new IllegalArgumentException("the repeat window must be at least a day, not " + horizonDays);
            }
            if (!(trainShare > 0 && trainShare < 1)) {
                throw new IllegalArgumentException("the training share must be between 0 and 1, not " + trainShare);
            }
            if (!(alpha > 0)) {
                throw new IllegalArgumentException("FTRL's alpha must be positive, not " + alpha);
            }
        }
    }

    /**
     * docs/examples/online-retail.yaml, packed into this module's jar by its pom: the mapping a user runs
     * {@code portrait import} with is the one this harness reads the file with.
     */
    public static final String SHIPPED_MAPPING = "/dev/portrait/eval/examples/online-retail.yaml";

    private final Path path;
    private final Path mapping;
    private final int horizonDays;
    private final double trainShare;
    private final double alpha;

    public RetailEval(Settings settings) {
        this.path = settings.path();
        this.mapping = settings.mapping();
        this.horizonDays = settings.horizonDays();
        this.trainShare = settings.trainShare();
        this.alpha = settings.alpha();
    }

    record Purchase(String customer, String invoice, long time, double amount, int lines, Set<String> items,
                            String country) {
    }

    static final class CustomerState {
        final DelayedLabels.Pending pending;
        long purchases;
        double spend;
        long first;
        long last = Long.MIN_VALUE;
        final Set<String> items = new HashSet<>();

        CustomerState(DelayedLabels.Pending pending) {
            this.pending = pending;
        }
    }

    private record Opened(long createdAt, Map<String, Double> features, double onlineScore) {
    }

    /** Counts what cleaning does, replays the purchases and returns the table. */
    public MetricTable run() {
        Path file = path;
        if (Files.isDirectory(file)) {
            try (var s = Files.list(file)) {
                file = s.filter(p -> p.getFileName().toString().toLowerCase().endsWith(".csv")).sorted().findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no .csv file in " + path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        MetricTable table = new MetricTable("retail");
        List<Purchase> purchases = purchases(file, table);
        Set<String> customers = new HashSet<>();
        purchases.forEach(p -> customers.add(p.customer()));
        table.put("cleaning", "purchases", "invoices", purchases.size());
        table.put("cleaning", "purchases", "customers", customers.size());

        // ---- propensity, replayed in time order ----
        DelayedLabels labels = new DelayedLabels(new DelayedLabels.Config("Order Completed", horizonDays * DAY, 64, 1, 64));
        OnlineLogisticRegression online = new OnlineLogisticRegression(new OnlineLogisticRegression.Config(alpha, 1.0,
                0.1, 1.0, 18));
        Map<String, CustomerState> states = new HashMap<>();
        Map<String, Opened> opened = new LinkedHashMap<>();
        List<LabelledExample> settled = new ArrayList<>();
        List<String> settledKeys = new ArrayList<>();
        record Due(long at, String customer) {
        }
        PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));
        for (Purchase p : purchases) {
            while (!due.isEmpty() && due.peek().at() <= p.time()) {
                Due d = due.poll();
                for (LabelledExample x : labels.expire(states.get(d.customer()).pending, d.at())) {
                    online.update(x.features(), x.label());
                    settled.add(x);
                    settledKeys.add(d.customer() + "@" + x.createdAt());
                }
            }
            CustomerState c = states.computeIfAbsent(p.customer(), k -> new CustomerState(labels.empty()));
            for (LabelledExample x : labels.observe(c.pending, "Order Completed", p.time())) {
                online.update(x.features(), x.label());
                settled.add(x);
                settledKeys.add(p.customer() + "@" + x.createdAt());
            }
            long previous = c.last;
            if (c.purchases == 0) {
                c.first = p.time();
            }
            c.purchases++;
            c.spend += p.amount();
            c.last = p.time();
            c.items.addAll(p.items());
            Map<String, Double> f = features(c, p, previous);
            double score = online.predict(f);
            if (labels.open(c.pending, p.time(), f)) {
                opened.put(p.customer() + "@" + p.time(), new Opened(p.time(), f, score));
                due.add(new Due(p.time() + horizonDays * DAY, p.customer()));
            }
        }
        long end = purchases.isEmpty() ? 0 : purchases.get(purchases.size() - 1).time();
        // examples whose 30 days are not over when the data ends have no label: censored, left out

        long start = purchases.isEmpty() ? 0 : purchases.get(0).time();
        long cut = start + (long) ((end - start) * trainShare);
        List<String> names = new ArrayList<>(features(new CustomerState(labels.empty()),
                new Purchase("", "", 0, 0, 0, Set.of(), ""), Long.MIN_VALUE).keySet());
        List<Map<String, Double>> trainX = new ArrayList<>();
        List<Boolean> trainY = new ArrayList<>();
        List<Opened> test = new ArrayList<>();
        List<Boolean> testY = new ArrayList<>();
        for (int i = 0; i < settled.size(); i++) {
            LabelledExample x = settled.get(i);
            if (x.createdAt() < cut && x.labelledAt() <= cut) {
                trainX.add(x.features());
                trainY.add(x.label());
            } else if (x.createdAt() >= cut) {
                test.add(opened.get(settledKeys.get(i)));
                testY.add(x.label());
            }
        }
        BatchLogisticRegression offline = BatchLogisticRegression.fit(names, trainX, trainY, 1.0);
        double[] onlineScores = new double[test.size()];
        double[] offlineScores = new double[test.size()];
        boolean[] y = new boolean[test.size()];
        long positives = 0;
        for (int i = 0; i < test.size(); i++) {
            onlineScores[i] = test.get(i).onlineScore();
            offlineScores[i] = offline.predict(test.get(i).features());
            y[i] = testY.get(i);
            positives += y[i] ? 1 : 0;
        }
        table.fact("horizonDays", horizonDays).fact("examplesOpened", opened.size()).fact("examplesLabelled", settled.size())
                .fact("censoredAtEnd", opened.size() - settled.size()).fact("trainExamples", trainX.size())
                .fact("testExamples", test.size()).fact("testPositives", positives)
                .fact("cut", java.time.Instant.ofEpochMilli(cut).toString()).fact("features", names)
                .fact("ftrl", Map.of("alpha", alpha, "beta", 1.0, "l1", 0.1, "l2", 1.0));
        double onlineAuc = BinaryRanking.auc(onlineScores, y);
        double offlineAuc = BinaryRanking.auc(offlineScores, y);
        table.put("repeat30d", "online-ftrl", "AUC", onlineAuc);
        table.put("repeat30d", "online-ftrl", "prequentialAUC", online.metrics().auc());
        table.put("repeat30d", "online-ftrl", "prequentialLogLoss", online.metrics().logLoss());
        table.put("repeat30d", "offline-logistic", "AUC", offlineAuc);
        // the floor-able form of "within 0.02 of offline": 1 when met
        table.put("repeat30d", "online-vs-offline", "AUCgap", offlineAuc - onlineAuc);
        table.put("repeat30d", "online-vs-offline", "withinTarget", offlineAuc - onlineAuc <= 0.02 ? 1 : 0);

        SpendAndComponents.run(purchases, names, horizonDays, cut, table);
        return table;
    }

    /** The customer as known right after this purchase: history on log scales, this order, the gap before it. */
    static Map<String, Double> features(CustomerState c, Purchase p, long previous) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("log_purchases", Math.log1p(c.purchases));
        f.put("log_spend", Math.log1p(Math.max(0, c.spend)));
        f.put("log_order_amount", Math.log1p(Math.max(0, p.amount())));
        f.put("log_order_lines", Math.log1p(p.lines()));
        f.put("log_distinct_items", Math.log1p(c.items.size()));
        f.put("first_purchase", previous == Long.MIN_VALUE ? 1.0 : 0.0);
        f.put("log_days_since_previous", previous == Long.MIN_VALUE ? 0.0 : Math.log1p((p.time() - previous) / (double) DAY));
        f.put("log_tenure_days", Math.log1p(Math.max(0, p.time() - c.first) / (double) DAY));
        // the cleaner writes countries as ISO 3166 codes (context.traits.country "United Kingdom" is "GB")
        f.put("uk", "GB".equals(p.country()) ? 1.0 : 0.0);
        return f;
    }

    /**
     * Reads the file the way {@code portrait import FILE --mapping M} does: the core's CSV reader, the
     * mapping's rows-to-events (one event an invoice, with its products and revenue), and the cleaner of
     * the shipped e-commerce definition under the mapping's history rules; the accepted
     * {@code Order Completed} events of known customers are the purchases, in time order. The cleaning
     * part of the table counts what became of the rows: events made, accepted, and quarantined by code.
     */
    private List<Purchase> purchases(Path file, MetricTable table) {
        RowMapping rows = mapping();
        Cleaner cleaner = new Cleaner(rows.cleaningUnder(DefinitionLoader.defaultEcommerce()));
        Instant receivedAt = rows.now().orElse(null);
        List<MappedItem> items = new ArrayList<>();
        long read;
        try (CsvRecords records = new CsvRecords(Files.newBufferedReader(file, StandardCharsets.UTF_8), rows.delimiter(),
                file.toString())) {
            CsvRecords.Row header = records.next();
            if (header == null) {
                throw new IllegalArgumentException(file + " is empty: a CSV file needs a header row");
            }
            MappedRows mapped = rows.bind(header.cells(), file.toString());
            CsvRecords.Row r;
            while ((r = records.next()) != null) {
                if (r.cells().size() == 1 && r.cells().get(0).isBlank()) {
                    continue;
                }
                CsvRecords.Row row = r;
                mapped.add(new SourceRow() {
                    @Override
                    public List<String> cells() {
                        return row.cells();
                    }

                    @Override
                    public String where() {
                        return file + ":" + row.line();
                    }

                    @Override
                    public String raw() {
                        return String.join(String.valueOf(rows.delimiter()), row.cells());
                    }
                }, items::add);
            }
            mapped.finish(items::add);
            read = mapped.rows();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Long> quarantined = new TreeMap<>();
        long events = 0;
        long accepted = 0;
        long refunds = 0;
        List<Purchase> purchases = new ArrayList<>();
        for (MappedItem item : items) {
            if (item instanceof MappedItem.Unconverted u) {
                quarantined.merge(u.code(), 1L, Long::sum);
                continue;
            }
            events++;
            CleanResult result = cleaner.clean(((MappedItem.Event) item).json(), receivedAt);
            if (result instanceof CleanResult.Rejected x) {
                quarantined.merge(x.code(), 1L, Long::sum);
                continue;
            }
            accepted++;
            Event e = ((CleanResult.Accepted) result).event();
            if ("Order Refunded".equals(e.event())) {
                refunds++;
            } else if ("Order Completed".equals(e.event()) && e.userId() != null) {
                purchases.add(purchase(e));
            }
        }
        purchases.sort((a, b) -> a.time() != b.time() ? Long.compare(a.time(), b.time())
                : (a.invoice() + a.customer()).compareTo(b.invoice() + b.customer()));
        table.put("cleaning", "rows", "read", read);
        table.put("cleaning", "events", "made", events);
        table.put("cleaning", "events", "accepted", accepted);
        table.put("cleaning", "events", "orders", purchases.size());
        table.put("cleaning", "events", "refunds", refunds);
        quarantined.forEach((code, n) -> table.put("cleaning", "quarantined", code, n));
        return purchases;
    }

    private RowMapping mapping() {
        try {
            if (mapping != null) {
                return RowMapping.parse(Files.readString(mapping, StandardCharsets.UTF_8), mapping.toString());
            }
            try (InputStream in = RetailEval.class.getResourceAsStream(SHIPPED_MAPPING)) {
                if (in == null) {
                    throw new IllegalStateException(SHIPPED_MAPPING + " is not in the jar (portrait-eval's pom packs it "
                            + "from docs/examples)");
                }
                return RowMapping.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "online-retail.yaml");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An order as the profile sees it: its lines, revenue and time; the country from the customer's traits. */
    @SuppressWarnings("unchecked")
    private static Purchase purchase(Event e) {
        Set<String> items = new HashSet<>();
        int lines = 0;
        Object products = e.properties().get("products");
        if (products instanceof List<?> list) {
            for (Object line : list) {
                lines++;
                if (line instanceof Map<?, ?> m && m.get("product_id") != null) {
                    items.add(String.valueOf(m.get("product_id")));
                }
            }
        }
        Object traits = e.context().get("traits");
        Object country = traits instanceof Map<?, ?> t ? t.get("country") : null;
        Object revenue = e.properties().get("revenue");
        return new Purchase(e.userId(), String.valueOf(e.properties().get("order_id")), e.time(),
                revenue instanceof Number n ? n.doubleValue() : 0, lines, items, country == null ? "" : country.toString());
    }
}
