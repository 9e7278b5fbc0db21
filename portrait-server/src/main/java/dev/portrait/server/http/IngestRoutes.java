package dev.portrait.server.http;

import dev.portrait.core.event.EventType;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.port.IngestPort;
import io.javalin.http.Context;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Segment's tracking API. The order of checks is part of the contract: a key in the
 * {@code Authorization} header is checked before the body is read; a key that can only be in the
 * body ({@code writeKey}, as Segment's analytics-java sends it) is checked once the body has been
 * read and parsed, so a request without a header key may first be answered 415, 413 or 400.
 */
final class IngestRoutes {
    private final IngestPort ingest;
    private final Keyring keyring;
    private final HttpConfig.Limits limits;
    private final HttpMetrics metrics;
    private final Clock clock;

    IngestRoutes(IngestPort ingest, Keyring keyring, HttpConfig.Limits limits, HttpMetrics metrics, Clock clock) {
        this.ingest = ingest;
        this.keyring = keyring;
        this.limits = limits;
        this.metrics = metrics;
        this.clock = clock;
    }

    void batch(Context ctx) throws IOException {
        take(ctx, null);
    }

    /** A single call; {@code endpoint} is the type its path names. */
    void single(Context ctx, EventType endpoint) throws IOException {
        take(ctx, endpoint);
    }

    private void take(Context ctx, EventType endpoint) throws IOException {
        // the server's clock when the request arrived is the events' authoritative receivedAt
        Instant receivedAt = clock.instant();
        String headerKey = Keyring.keyFromHeader(ctx.header("Authorization"));
        if (headerKey != null) {
            keyring.authorize(headerKey, Scope.INGEST);
        }
        byte[] body = RequestBody.read(ctx, limits.maxRequestBytes());
        IngestBody parsed = endpoint == null ? IngestBody.batch(body, limits) : IngestBody.single(body, endpoint, limits);
        if (headerKey == null) {
            keyring.authorize(parsed.writeKey(), Scope.INGEST);
        }

        List<IncomingEvent> events = new ArrayList<>(parsed.events().size());
        for (IngestBody.Item item : parsed.events()) {
            events.add(new IncomingEvent(item.json(), item.raw(), receivedAt, item.index(), item.refusal()));
        }
        metrics.received(events.size());
        List<IngestOutcome> outcomes = events.isEmpty() ? List.of() : ingest.ingest(events);
        if (outcomes.size() != events.size()) {
            throw new IllegalStateException("the ingest port answered " + outcomes.size() + " outcomes for "
                    + events.size() + " events");
        }
        metrics.outcomes(outcomes);
        Map<String, Object> answer = answer(events, outcomes);
        long position = position(outcomes);
        answer.put("position", position);
        ctx.header(POSITION_HEADER, Long.toString(position));
        Json.write(ctx, 200, answer);
    }

    /** The header (and body field) carrying an ingest answer's position token; reads accept it back. */
    static final String POSITION_HEADER = "X-Portrait-Position";

    /**
     * The position token: the log position of the last event this request stored; when it stored none
     * but met duplicates, the log's end (the duplicates' first copies are logged before it).
     */
    private long position(List<IngestOutcome> outcomes) {
        long last = 0;
        boolean duplicates = false;
        for (IngestOutcome o : outcomes) {
            if (o instanceof IngestOutcome.Stored s) {
                last = Math.max(last, s.sequence());
            } else if (o instanceof IngestOutcome.Duplicate) {
                duplicates = true;
            }
        }
        return last == 0 && duplicates ? ingest.loggedPosition() : last;
    }

    private static Map<String, Object> answer(List<IncomingEvent> events, List<IngestOutcome> outcomes) {
        long stored = 0;
        long duplicates = 0;
        List<Map<String, Object>> rejected = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            IngestOutcome o = outcomes.get(i);
            if (o instanceof IngestOutcome.Stored) {
                stored++;
            } else if (o instanceof IngestOutcome.Duplicate) {
                duplicates++;
            } else if (o instanceof IngestOutcome.Quarantined q) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("index", events.get(i).index());
                r.put("code", q.code());
                r.put("message", q.message());
                r.put("path", q.path());
                r.put("quarantineId", q.quarantineId());
                rejected.add(r);
            } else {
                throw new IllegalStateException("unknown outcome " + o);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        // Segment's SDKs look only at the status; "success" is true whenever every event was dealt with
        body.put("success", true);
        body.put("stored", stored);
        body.put("duplicates", duplicates);
        body.put("rejected", rejected);
        return body;
    }
}
