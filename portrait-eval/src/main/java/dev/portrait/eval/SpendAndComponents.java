package dev.portrait.eval;

import dev.portrait.core.model.DelayedOutcomes;
import dev.portrait.core.model.IncrementalPca;
import dev.portrait.core.model.OnlineLinearRegression;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Online retail, second protocol: "how much will this customer spend in the next {@code horizon}
 * days?" and the principal components of the customer vectors, both as the runtime learns them.
 *
 * <p><b>Spend.</b> Every purchase opens an example with the customer's features (the propensity
 * protocol's); {@link DelayedOutcomes} sums the customer's purchases in the following horizon and
 * settles the example when it ends; only then does the {@link OnlineLinearRegression} learn
 * {@code log1p(spend)}. The offline reference is batch least squares ({@link BatchLeastSquares}) fitted on
 * the examples opened and settled before the time cut. Both are scored by RMSE of {@code log1p(spend)} on
 * the examples opened after the cut, the online model with the prediction it made when the example
 * opened. Target: online RMSE within 5% of batch ({@code batchOverOnlineRMSE ≥ 0.952}).
 *
 * <p><b>Components.</b> Each purchase's feature vector goes to an {@link IncrementalPca}; the batch
 * reference ({@link BatchPca}) decomposes the correlation matrix of the same vectors at once. Target:
 * the explained variance of the first k components within 0.02 of batch, for k = 1, 2, 3.
 */
final class SpendAndComponents {
    private static final long DAY = 24L * 3_600_000;
    private static final int COMPONENTS = 3;

    private SpendAndComponents() {
    }

    private record Opened(Map<String, Double> features, double prediction) {
    }

    private record Due(long at, String customer) {
    }

    static void run(List<RetailEval.Purchase> purchases, List<String> names, int horizonDays, long cut,
                    MetricTable table) {
        long horizon = horizonDays * DAY;
        DelayedOutcomes outcomes = new DelayedOutcomes(new DelayedOutcomes.Config("Order Completed", "amount", horizon,
                64, 1));
        OnlineLinearRegression online = new OnlineLinearRegression(new OnlineLinearRegression.Config(names, 1.0,
                OnlineLinearRegression.TargetTransform.IDENTITY));
        IncrementalPca pca = new IncrementalPca(IncrementalPca.Config.of(names, COMPONENTS));
        List<double[]> vectors = new ArrayList<>();
        Map<String, RetailEval.CustomerState> customers = new HashMap<>();
        Map<String, DelayedOutcomes.Pending> pending = new HashMap<>();
        Map<String, Opened> opened = new HashMap<>();
        List<Map<String, Double>> trainX = new ArrayList<>();
        List<Double> trainY = new ArrayList<>();
        List<double[]> test = new ArrayList<>(); // {online prediction, batch placeholder, y}
        List<Map<String, Double>> testX = new ArrayList<>();
        PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> Long.compare(a.at(), b.at()));

        for (RetailEval.Purchase p : purchases) {
            while (!due.isEmpty() && due.peek().at() <= p.time()) {
                Due d = due.poll();
                for (DelayedOutcomes.Outcome o : outcomes.expire(pending.get(d.customer()), d.at())) {
                    settle(o, d.customer(), opened, online, cut, horizon, trainX, trainY, test, testX);
                }
            }
            RetailEval.CustomerState c = customers.computeIfAbsent(p.customer(), k -> new RetailEval.CustomerState(null));
            DelayedOutcomes.Pending waiting = pending.computeIfAbsent(p.customer(), k -> outcomes.empty());
            for (DelayedOutcomes.Outcome o : outcomes.observe(waiting, "Order Completed", p.amount(), p.time())) {
                settle(o, p.customer(), opened, online, cut, horizon, trainX, trainY, test, testX);
            }
            long previous = c.last;
            if (c.purchases == 0) {
                c.first = p.time();
            }
            c.purchases++;
            c.spend += p.amount();
            c.last = p.time();
            c.items.addAll(p.items());
            Map<String, Double> f = RetailEval.features(c, p, previous);
            double[] v = new double[names.size()];
            for (int j = 0; j < v.length; j++) {
                v[j] = f.get(names.get(j));
            }
            pca.observe(v);
            vectors.add(v);
            double prediction = online.predict(f);
            if (outcomes.open(waiting, p.time(), f)) {
                opened.put(p.customer() + "@" + p.time(), new Opened(f, prediction));
                due.add(new Due(p.time() + horizon, p.customer()));
            }
        }

        BatchLeastSquares batch = BatchLeastSquares.fit(names, trainX, trainY, 1e-9);
        double onlineSq = 0;
        double batchSq = 0;
        for (int i = 0; i < test.size(); i++) {
            double y = test.get(i)[2];
            onlineSq += Math.pow(test.get(i)[0] - y, 2);
            batchSq += Math.pow(batch.predict(testX.get(i)) - y, 2);
        }
        double onlineRmse = Math.sqrt(onlineSq / Math.max(1, test.size()));
        double batchRmse = Math.sqrt(batchSq / Math.max(1, test.size()));
        table.put("spend" + horizonDays + "d", "online-regression", "RMSE", onlineRmse);
        table.put("spend" + horizonDays + "d", "online-regression", "prequentialRMSE", online.metrics().rmse());
        table.put("spend" + horizonDays + "d", "online-regression", "meanBaselineRMSE", online.metrics().baselineRmse());
        table.put("spend" + horizonDays + "d", "batch-least-squares", "RMSE", batchRmse);
        table.put("spend" + horizonDays + "d", "online-vs-batch", "batchOverOnlineRMSE", batchRmse / onlineRmse);
        table.put("spend" + horizonDays + "d", "online-vs-batch", "withinTarget", onlineRmse <= 1.05 * batchRmse ? 1 : 0);
        table.fact("spendTrainExamples", trainX.size()).fact("spendTestExamples", test.size());

        double[] reference = BatchPca.cumulativeRatios(vectors);
        List<Double> incremental = pca.explainedVariance().cumulative();
        double worst = 0;
        for (int k = 0; k < COMPONENTS; k++) {
            table.put("pca", "incremental", "explained@" + (k + 1), incremental.get(k));
            table.put("pca", "batch", "explained@" + (k + 1), reference[k]);
            worst = Math.max(worst, Math.abs(incremental.get(k) - reference[k]));
        }
        table.put("pca", "incremental-vs-batch", "maxExplainedGap", worst);
        table.put("pca", "incremental-vs-batch", "withinTarget", worst <= 0.02 ? 1 : 0);
        table.fact("pcaVectors", vectors.size());
    }

    private static void settle(DelayedOutcomes.Outcome o, String customer, Map<String, Opened> opened,
                               OnlineLinearRegression online, long cut, long horizon, List<Map<String, Double>> trainX,
                               List<Double> trainY, List<double[]> test, List<Map<String, Double>> testX) {
        double y = Math.log1p(Math.max(0, o.value()));
        Opened at = opened.remove(customer + "@" + o.createdAt());
        online.update(o.features(), y);
        if (o.createdAt() < cut && o.createdAt() + horizon <= cut) {
            trainX.add(o.features());
            trainY.add(y);
        } else if (o.createdAt() >= cut && at != null) {
            test.add(new double[] {at.prediction(), 0, y});
            testX.add(at.features());
        }
    }
}
