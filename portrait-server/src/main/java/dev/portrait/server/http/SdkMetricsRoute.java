package dev.portrait.server.http;

import dev.portrait.core.event.EventCodec;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code POST /v1/m}: the delivery metrics analytics.js reports about itself, acknowledged and counted,
 * never stored as events.
 *
 * <p>The SDK queues up to 20 counters and posts them every 30 s as {@code {"series":[{"type":"Counter",
 * "metric":"analytics_js.invoke","value":1,"tags":{"library":"analytics.js","library_version":"npm:next-…"}}]}},
 * with {@code Content-Type: text/plain} and no key (segmentio/analytics-next,
 * {@code packages/browser/src/core/stats/remote-metrics.ts}, {@code send()}). Answering 404 there made
 * the SDK log an error into the shop's console every 30 seconds; answering 2xx is all it needs.
 *
 * <p>The route is open because the SDK sends no key, so anyone can post to it. That is why a name
 * becomes a series only when it is on {@link #KNOWN} (the names the SDK increments; Segment's own
 * tracking API keeps an allow list too, as the SDK's source says) and every other name counts under
 * {@code other}; tags are not copied at all (their values, such as a library version or a write key,
 * are unbounded); and one item adds at most {@link #MAX_VALUE}. So a hostile client can move these
 * counters but cannot add a series or reach anything else.
 */
final class SdkMetricsRoute {
    /** The counters analytics.js increments ({@code analytics_js.} prefixed, see its stats calls). */
    static final Set<String> KNOWN = Set.of("analytics_js.invoke", "analytics_js.invoke.error",
            "analytics_js.integration.invoke", "analytics_js.integration.invoke.error");
    static final String OTHER = "other";
    /** The SDK sends about 200 bytes per counter and at most 20 at a time. */
    static final int MAX_BYTES = 64 * 1024;
    /** The SDK always sends 1; a larger value is someone else's. */
    static final int MAX_VALUE = 1_000;

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter ignored;

    SdkMetricsRoute(MeterRegistry registry) {
        this.registry = registry;
        this.ignored = Counter.builder("portrait.sdk.metrics.ignored")
                .description("items posted to /v1/m that were not a counter with a value from 0 to " + MAX_VALUE)
                .register(registry);
    }

    void report(Context ctx) throws IOException {
        byte[] body = RequestBody.read(ctx, MAX_BYTES);
        Object series = EventCodec.parseRaw(body).get("series");
        if (!(series instanceof List<?> items)) {
            throw ApiError.invalidRequest("series", "an SDK metrics body is a JSON object with a \"series\" array");
        }
        int counted = 0;
        for (Object item : items) {
            if (count(item)) {
                counted++;
            } else {
                ignored.increment();
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("success", true);
        answer.put("counted", counted);
        answer.put("ignored", items.size() - counted);
        Json.write(ctx, 200, answer);
    }

    private boolean count(Object item) {
        if (!(item instanceof Map<?, ?> m) || !"Counter".equals(m.get("type")) || !(m.get("metric") instanceof String name)
                || !(m.get("value") instanceof Number n)) {
            return false;
        }
        double value = n.doubleValue();
        if (!(value >= 0 && value <= MAX_VALUE)) {
            return false;
        }
        String metric = KNOWN.contains(name) ? name : OTHER;
        counters.computeIfAbsent(metric, k -> Counter.builder("portrait.sdk.metrics").tag("metric", k)
                .description("counters analytics.js reported to /v1/m, by metric name (other: a name not on the "
                        + "allow list)")
                .register(registry)).increment(value);
        return true;
    }
}
