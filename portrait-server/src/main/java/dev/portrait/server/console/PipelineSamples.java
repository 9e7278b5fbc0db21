package dev.portrait.server.console;

import dev.portrait.core.segment.AudienceSpec;
import dev.portrait.server.port.QueryPort;
import dev.portrait.server.port.SegmentSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last hour of the server's own figures, one sample a second, for the console's overview charts.
 *
 * <p>The figures are read from the meters the server already keeps (the same objects {@code /metrics}
 * renders, read as numbers, never as exposition text), from {@link QueryPort#segments()} for segment sizes and
 * from {@link QueryPort#countAudience} of everyone for the number of profiles. Counters are kept as running totals; the page turns two neighbouring samples into a rate, so a
 * missed tick costs nothing but resolution. An hour is ≈ 330 bytes of JSON a sample with a handful of
 * segments (≈ 1.2 MB, compressed ≈ 10× on the wire, docs/BENCHMARKS.md) on a page's first load; after that
 * the page asks only for the samples after the last one it has ({@link #since}).
 */
final class PipelineSamples {
    /** One hour at one sample a second. */
    static final int CAPACITY = 3_600;

    /**
     * One tick. {@code figures} holds running totals ({@code received}, {@code stored}, {@code duplicates},
     * {@code folded}) and levels ({@code lag}, {@code profiles}, the model-quality gauges); {@code quarantined}
     * the running total per reason code; {@code segments} each segment's size. A figure the server does not
     * have (no models, Kafka mode) is absent.
     */
    record Sample(long time, Map<String, Double> figures, Map<String, Double> quarantined, Map<String, Long> segments) {
        Sample {
            figures = Map.copyOf(figures);
            quarantined = Map.copyOf(quarantined);
            segments = Map.copyOf(segments);
        }

        Map<String, Object> toJson() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("time", time);
            body.put("figures", new TreeMap<>(figures));
            body.put("quarantined", new TreeMap<>(quarantined));
            body.put("segments", new TreeMap<>(segments));
            return body;
        }
    }

    /** Figure name → the meter it is read from; counters are summed over their tags. */
    private static final Map<String, String> COUNTERS = Map.of(
            "received", "portrait.events.received",
            "stored", "portrait.events.stored",
            "duplicates", "portrait.events.duplicate");
    private static final Map<String, String> GAUGES = Map.of(
            "folded", "portrait_log_applied_sequence",
            "lag", "portrait_pipeline_lag_events",
            "propensityAuc", "portrait.propensity.auc",
            "propensityLogLoss", "portrait.propensity.logloss",
            "propensityExamples", "portrait.propensity.examples",
            "regressionRmse", "portrait.regression.rmse",
            "regressionBaselineRmse", "portrait.regression.baseline.rmse",
            "suspectedBots", "portrait.suspected.bots");

    /** An audience with no segment and no condition: everyone. */
    private static final AudienceSpec EVERYONE = new AudienceSpec(null, null, null, null);

    private final MeterRegistry meters;
    private final QueryPort query;
    private final Clock clock;
    private final ArrayDeque<Sample> ring = new ArrayDeque<>(CAPACITY);

    PipelineSamples(MeterRegistry meters, QueryPort query, Clock clock) {
        this.meters = meters;
        this.query = query;
        this.clock = clock;
    }

    /** Takes a sample now; called once a second by the console's sampling thread. */
    void sample() {
        Map<String, Double> figures = new LinkedHashMap<>();
        COUNTERS.forEach((figure, meter) -> {
            List<Counter> found = new ArrayList<>(meters.find(meter).counters());
            if (!found.isEmpty()) {
                figures.put(figure, found.stream().mapToDouble(Counter::count).sum());
            }
        });
        GAUGES.forEach((figure, meter) -> {
            Gauge g = meters.find(meter).gauge();
            if (g != null && Double.isFinite(g.value())) {
                figures.put(figure, g.value());
            }
        });
        // every published profile, exactly, from the audience bitmaps; not the store's key estimate, whose gauge
        // caches a reading for a second (StoreMeters), so sampling it here would serve /metrics a stale one
        try {
            figures.put("profiles", (double) query.countAudience(EVERYONE).count());
        } catch (RuntimeException e) {
            // a runtime without audiences (not_supported), or recovering: no profile count this second
        }
        Map<String, Double> quarantined = new TreeMap<>();
        for (Counter c : meters.find("portrait.events.quarantined").counters()) {
            String code = c.getId().getTag("code");
            quarantined.merge(code == null ? "unknown" : code, c.count(), Double::sum);
        }
        Map<String, Long> segments = new TreeMap<>();
        try {
            for (SegmentSummary s : query.segments()) {
                segments.put(s.name(), s.size());
            }
        } catch (RuntimeException e) {
            // recovering or stopped: this second has no segment sizes, the chart shows a gap
        }
        add(new Sample(clock.millis(), figures, quarantined, segments));
    }

    synchronized void add(Sample s) {
        if (ring.size() == CAPACITY) {
            ring.removeFirst();
        }
        ring.addLast(s);
    }

    /** The samples taken after {@code time} (epoch milliseconds), oldest first; all of them for 0. */
    synchronized List<Sample> since(long time) {
        List<Sample> out = new ArrayList<>();
        for (var it = ring.descendingIterator(); it.hasNext(); ) {
            Sample s = it.next();
            if (s.time() <= time) {
                break;
            }
            out.add(s);
        }
        java.util.Collections.reverse(out);
        return out;
    }
}
