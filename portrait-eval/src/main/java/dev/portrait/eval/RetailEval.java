package dev.portrait.eval;

import dev.portrait.core.model.DelayedLabels;
import dev.portrait.core.model.LabelledExample;
import dev.portrait.core.model.OnlineLogisticRegression;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
 * Online retail: what cleaning does to the raw lines, and repeat-purchase propensity. Every purchase
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
     * @param horizonDays the repeat window
     * @param trainShare  share of the time range the offline model trains on
     * @param alpha       FTRL's learning-rate scale
     */
    public record Settings(Path path, int horizonDays, double trainShare, double alpha) {
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

    private final Path path;
    private final int horizonDays;
    private final double trainShare;
    private final double alpha;

    public RetailEval(Settings settings) {
        this.path = settings.path();
        this.horizonDays = settings.horizonDays();
        this.trainShare = settings.trainShare();
        this.alpha = settings.alpha();
    }

    private record Line(String invoice, String stockCode, long quantity, long time, double price, String customer,
                        String country) {
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
        List<Line> lines = read(file);

        // ---- cleaning ----
        long cancellations = 0;
        long returns = 0;
        long guests = 0;
        long badPrice = 0;
        Map<String, List<Line>> invoices = new TreeMap<>();
        for (Line l : lines) {
            boolean cancelled = l.invoice().startsWith("C");
            cancellations += cancelled ? 1 : 0;
            returns += l.quantity() < 0 ? 1 : 0;
            boolean guest = l.customer().isEmpty();
            guests += guest ? 1 : 0;
            badPrice += l.price() <= 0 ? 1 : 0;
            if (!cancelled && l.quantity() > 0 && !guest && l.price() > 0) {
                invoices.computeIfAbsent(l.customer() + "\u0000" + l.invoice(), k -> new ArrayList<>()).add(l);
            }
        }
        List<Purchase> purchases = new ArrayList<>();
        for (List<Line> inv : invoices.values()) {
            double amount = 0;
            Set<String> items = new HashSet<>();
            long time = Long.MAX_VALUE;
            for (Line l : inv) {
                amount += l.quantity() * l.price();
                items.add(l.stockCode());
                time = Math.min(time, l.time());
            }
            Line first = inv.get(0);
            purchases.add(new Purchase(first.customer(), first.invoice(), time, amount, inv.size(), items, first.country()));
        }
        purchases.sort((a, b) -> a.time() != b.time() ? Long.compare(a.time(), b.time())
                : (a.invoice() + a.customer()).compareTo(b.invoice() + b.customer()));
        Set<String> customers = new HashSet<>();
        purchases.forEach(p -> customers.add(p.customer()));
        table.put("cleaning", "lines", "rows", lines.size());
        table.put("cleaning", "lines", "cancellations", cancellations);
        table.put("cleaning", "lines", "returns", returns);
        table.put("cleaning", "lines", "guests", guests);
        table.put("cleaning", "lines", "nonPositivePrice", badPrice);
        table.put("cleaning", "lines", "keptPurchaseLines", invoices.values().stream().mapToInt(List::size).sum());
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
        f.put("uk", "United Kingdom".equals(p.country()) ? 1.0 : 0.0);
        return f;
    }

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss]");
    private static final DateTimeFormatter UCI = DateTimeFormatter.ofPattern("M/d/yyyy H:mm");

    private static List<Line> read(Path file) {
        List<Line> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                return out;
            }
            List<String> names = split(header.replace("\uFEFF", ""));
            int[] at = new int[8];
            String[] wanted = {"InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID",
                    "Country"};
            for (int k = 0; k < wanted.length; k++) {
                at[k] = names.indexOf(wanted[k]);
                if (at[k] < 0) {
                    throw new IllegalArgumentException(file + ": the header has no " + wanted[k] + " column: " + header);
                }
            }
            String line;
            long n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = split(line);
                try {
                    String date = f.get(at[4]).trim();
                    LocalDateTime t = date.contains("/") ? LocalDateTime.parse(date, UCI) : LocalDateTime.parse(date, ISO);
                    String customer = f.get(at[6]).trim();
                    if (customer.endsWith(".0")) {
                        customer = customer.substring(0, customer.length() - 2);
                    }
                    out.add(new Line(f.get(at[0]).trim(), f.get(at[1]).trim(), Long.parseLong(f.get(at[3]).trim()),
                            t.toInstant(ZoneOffset.UTC).toEpochMilli(), Double.parseDouble(f.get(at[5]).trim()), customer,
                            f.get(at[7]).trim()));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(file + " line " + n + ": " + e.getMessage() + ": " + line, e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** One CSV record on one line: commas separate, double quotes quote, a doubled quote is a quote. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        out.add(cell.toString());
        return out;
    }
}
