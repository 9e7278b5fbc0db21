package dev.portrait.server.http;

import dev.portrait.server.port.IngestOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP layer's meters. Events are counted with {@code source="http"} so that the importer and
 * other doors can count into the same names with their own source. Route tags are route templates
 * ({@code /v1/profiles/{idType}/{id}}) or {@code unmatched}, never raw paths, so a scan of random
 * URLs cannot blow up the number of series.
 *
 * <p>In Prometheus: {@code portrait_events_received_total}, {@code portrait_events_stored_total},
 * {@code portrait_events_duplicate_total}, {@code portrait_events_quarantined_total{code}},
 * {@code portrait_http_requests_total{route,method,status}} and
 * {@code portrait_http_request_duration_seconds{route,method,quantile}} (p50, p99).
 */
final class HttpMetrics {
    static final String UNMATCHED = "unmatched";
    private static final java.util.Set<String> STANDARD_METHODS = java.util.Set.of("GET", "HEAD", "POST", "PUT",
            "DELETE", "PATCH", "OPTIONS");

    private final MeterRegistry registry;
    private final Counter received;
    private final Counter stored;
    private final Counter duplicate;
    private final Map<String, Counter> quarantined = new ConcurrentHashMap<>();
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();

    HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.received = Counter.builder("portrait.events.received").tag("source", "http")
                .description("events read from ingest requests and handed to the pipeline").register(registry);
        this.stored = Counter.builder("portrait.events.stored").tag("source", "http")
                .description("events durably in the event log").register(registry);
        this.duplicate = Counter.builder("portrait.events.duplicate").tag("source", "http")
                .description("events whose messageId was seen before, counted once").register(registry);
    }

    void received(int n) {
        received.increment(n);
    }

    void outcomes(List<IngestOutcome> outcomes) {
        // one increment per request, not per event: each increment of a Prometheus counter costs an
        // allocation (4% of the server's allocation in a load run's JFR when it ran per event)
        long storedCount = 0;
        long duplicateCount = 0;
        for (IngestOutcome o : outcomes) {
            if (o instanceof IngestOutcome.Stored) {
                storedCount++;
            } else if (o instanceof IngestOutcome.Duplicate) {
                duplicateCount++;
            } else if (o instanceof IngestOutcome.Quarantined q) {
                quarantined.computeIfAbsent(q.code(), code -> Counter.builder("portrait.events.quarantined")
                        .tag("source", "http").tag("code", code)
                        .description("events quarantined, by reason code").register(registry)).increment();
            }
        }
        if (storedCount > 0) {
            stored.increment(storedCount);
        }
        if (duplicateCount > 0) {
            duplicate.increment(duplicateCount);
        }
    }

    void request(String route, String rawMethod, int status, float millis) {
        String r = route == null ? UNMATCHED : route;
        // an unmatched request may carry any method token; only the standard ones become tag values
        String method = STANDARD_METHODS.contains(rawMethod) ? rawMethod : "OTHER";
        latency.computeIfAbsent(r + ' ' + method, k -> Timer.builder("portrait.http.request.duration")
                .tag("route", r).tag("method", method)
                .description("time from request to answer")
                .publishPercentiles(0.5, 0.99)
                .register(registry)).record((long) (millis * 1_000_000.0), TimeUnit.NANOSECONDS);
        requests.computeIfAbsent(r + ' ' + method + ' ' + status, k -> Counter.builder("portrait.http.requests")
                .tag("route", r).tag("method", method).tag("status", Integer.toString(status))
                .description("answered requests").register(registry)).increment();
    }
}
