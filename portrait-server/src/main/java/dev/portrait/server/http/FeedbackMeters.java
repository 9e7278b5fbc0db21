package dev.portrait.server.http;

import dev.portrait.core.model.FeedbackCounts;
import dev.portrait.server.port.ModelPort;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The feedback loop in {@code /metrics}: per model, placement, experiment and variant, the answers shown,
 * clicked and converted, CTR and conversion rate; and the shown or clicked events that did not join, by
 * reason. The series are gauges, not counters: they are the shared models' running totals, restored from
 * their checkpoint at a restart, and a forget or a merge that finds an answer counted twice takes counts
 * back, which a Prometheus counter may not do.
 *
 * <p>Rows appear as answers are first counted at a new placement or variant, so {@link #refresh} runs before
 * each scrape: one read of the totals on the models' thread (between two lists of updates, never behind the
 * backlog), and a gauge registered for each row not seen before. Rows are bounded by the core
 * ({@code FeedbackCounts.MAX_ROWS}), and so are the series.
 */
final class FeedbackMeters {
    private static final String NONE = "none";

    private final MeterRegistry registry;
    private final ModelPort models;
    private volatile Map<List<String>, FeedbackCounts.Row> rows = Map.of();
    private volatile Map<List<String>, Long> unjoined = Map.of();
    private final Set<List<String>> registered = ConcurrentHashMap.newKeySet();

    FeedbackMeters(MeterRegistry registry, ModelPort models) {
        this.registry = registry;
        this.models = models;
    }

    /** Reads the totals once and registers the series of rows not seen before. */
    void refresh() {
        ModelPort.Feedback f = models.feedbackSoFar();
        if (!f.declared()) {
            return;
        }
        Map<List<String>, FeedbackCounts.Row> byKey = new HashMap<>();
        for (FeedbackCounts.Row row : f.rows()) {
            byKey.put(List.of(row.model(), row.placement(), label(row.experiment()), label(row.variant())), row);
        }
        Map<List<String>, Long> byReason = new HashMap<>();
        f.unjoined().forEach((model, reasons) -> reasons.forEach((reason, n) -> byReason.put(List.of(model, reason), n)));
        rows = byKey;
        unjoined = byReason;
        for (List<String> key : byKey.keySet()) {
            if (registered.add(key)) {
                Tags tags = Tags.of("model", key.get(0), "placement", key.get(1), "experiment", key.get(2),
                        "variant", key.get(3));
                row(key, tags, "portrait.recommendations.shown", "recommendation answers shown (each counted once)",
                        r -> r.shown());
                row(key, tags, "portrait.recommendations.clicked", "recommendation answers clicked (each counted once)",
                        r -> r.clicked());
                row(key, tags, "portrait.recommendations.converted",
                        "clicked recommendation answers followed by a conversion within the window", r -> r.converted());
                row(key, tags, "portrait.recommendations.ctr", "clicked answers per shown answer", FeedbackCounts.Row::ctr);
                row(key, tags, "portrait.recommendations.conversion.rate", "converted answers per clicked answer",
                        FeedbackCounts.Row::conversionRate);
            }
        }
        for (List<String> key : byReason.keySet()) {
            if (registered.add(key)) {
                Gauge.builder("portrait.recommendations.feedback.unjoined", this,
                                m -> m.unjoined.getOrDefault(key, 0L))
                        .description("shown or clicked events that joined no served answer, by reason")
                        .tags("model", key.get(0), "reason", key.get(1)).register(registry);
            }
        }
    }

    private void row(List<String> key, Tags tags, String name, String description,
                     ToDoubleFunction<FeedbackCounts.Row> read) {
        Gauge.builder(name, this, m -> {
            FeedbackCounts.Row r = m.rows.get(key);
            return r == null ? 0 : read.applyAsDouble(r);
        }).description(description).tags(tags).register(registry);
    }

    private static String label(String value) {
        return value.isEmpty() ? NONE : value;
    }
}
