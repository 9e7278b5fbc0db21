package dev.portrait.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The requests Segment's browser SDK, analytics.js ({@code @segment/analytics-next}), makes, rebuilt from
 * its source (segmentio/analytics-next, {@code packages/browser/src}) so tests can send exactly them:
 *
 * <ul>
 *   <li>a single call: {@code POST ${apiHost}/${type.charAt(0)}} ({@code plugins/segmentio/index.ts}, send()),
 *       body {@code JSON.stringify(normalize(event))}, which adds {@code writeKey} and {@code sentAt} to the
 *       event and {@code _metadata} ({@code normalize.ts}); headers {@code Content-Type: text/plain}
 *       ({@code shared-dispatcher.ts}, createHeaders) and, from 1.84.0 on, {@code Authorization: Basic
 *       base64(writeKey + ":")} and {@code X-Retry-Count} on a retry ({@code fetch-dispatcher.ts}, dispatch());</li>
 *   <li>a batch ({@code deliveryStrategy: {strategy: "batching"}}): {@code POST ${apiHost}/b} with
 *       {@code {"writeKey", "batch", "sentAt"}}, each event stripped of its own {@code sentAt} but keeping its
 *       {@code writeKey}, the same headers ({@code batched-dispatcher.ts}, sendBatch());</li>
 *   <li>its delivery metrics: {@code POST ${host}/m} with {@code {"series":[…]}}, {@code Content-Type:
 *       text/plain} and nothing else ({@code core/stats/remote-metrics.ts}, send()).</li>
 * </ul>
 * {@code apiHost} defaults to {@code api.segment.io/v1}, so a page pointed at Portrait posts to
 * {@code /v1/t}, {@code /v1/b} and {@code /v1/m}. A browser adds {@code Origin} (the shop's pages are
 * another origin) and, when a header outside the CORS safelist is set, sends a preflight first.
 *
 * <p>Checked once by hand against the real bundles (2026-12-03, npm {@code @segment/analytics-next} 1.83.0
 * and 1.84.3, UMD build, in headless Chromium 150, page and server on two origins): page, identify, two
 * tracks, group, alias and screen all answered 200 and stored, batching sent {@code /v1/b}, and
 * {@code /v1/m} was counted; 1.84.3 sent one OPTIONS per path (the second track reused it), 1.83.0 none.
 */
final class AnalyticsJs {
    /** The version whose requests carry no Authorization header: the last before analytics-next PR #1342. */
    static final String V1_83 = "1.83.0";
    /** The version that added Basic auth and X-Retry-Count (PR #1342). */
    static final String V1_84 = "1.84.1";
    static final String ORIGIN = "https://shop.example";

    private AnalyticsJs() {
    }

    /** The event analytics.js builds for {@code analytics.<type>(…)} after normalize(), as a mutable map. */
    static Map<String, Object> event(String type, String messageId, String userId, String version) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("timestamp", "2024-05-01T11:59:00.120Z");
        e.put("integrations", new LinkedHashMap<>());
        e.put("type", type);
        switch (type) {
            case "track" -> {
                e.put("event", "Product Viewed");
                e.put("properties", map("product_id", "p1", "price", 19.9));
            }
            case "identify" -> e.put("traits", map("email", "ada@example.com", "plan", "pro"));
            case "page" -> {
                e.put("name", "Product");
                e.put("properties", map("path", "/p/1", "referrer", "", "search", "", "title", "Shop",
                        "url", ORIGIN + "/p/1", "name", "Product"));
            }
            case "screen" -> e.put("name", "Cart");
            case "group" -> {
                e.put("groupId", "g1");
                e.put("traits", map("name", "Acme"));
            }
            case "alias" -> e.put("previousId", "anon-1");
            default -> throw new IllegalArgumentException(type);
        }
        e.put("context", map(
                "page", map("path", "/p/1", "referrer", "", "search", "", "title", "Shop", "url", ORIGIN + "/p/1"),
                "userAgent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0",
                "userAgentData", map("brands", List.of(map("brand", "Chromium", "version", "126")), "mobile", false,
                        "platform", "Linux"),
                "locale", "en-US",
                "library", map("name", "analytics.js", "version", "npm:next-" + version),
                "timezone", "Europe/Berlin"));
        e.put("messageId", messageId);
        e.put("anonymousId", "6c1f2e7a-0b1d-4c2e-9f3a-5d6e7f8a9b0c");
        // normalize.ts: json.writeKey = settings.apiKey; json.userId = json.userId || user.id(), which is null
        // for a visitor who has not identified; json.sentAt = new Date()
        e.put("writeKey", ApiHarness.WRITE_KEY);
        e.put("userId", userId);
        e.put("sentAt", "2024-05-01T11:59:00.125Z");
        e.put("_metadata", map("bundled", List.of("Segment.io"), "unbundled", List.of(), "bundledIds", List.of()));
        return e;
    }

    /** The body of {@code /b}: events without their own sentAt, the write key and one sentAt on the batch. */
    static String batchBody(List<Map<String, Object>> events) {
        List<Map<String, Object>> batch = new ArrayList<>();
        for (Map<String, Object> e : events) {
            Map<String, Object> copy = new LinkedHashMap<>(e);
            copy.remove("sentAt");
            batch.add(copy);
        }
        return stringify(map("writeKey", events.get(0).get("writeKey"), "batch", batch,
                "sentAt", "2024-05-01T11:59:01.000Z"));
    }

    /** Track events, as many as make a {@code /b} body just reach {@code bytes}. */
    static List<Map<String, Object>> eventsFillingABatchOf(int bytes) {
        List<Map<String, Object>> events = new ArrayList<>();
        // serialising the whole batch after each event would be quadratic: add up the events' own lengths
        Map<String, Object> first = event("track", "ajs-next-0", "u0", V1_84);
        int frame = batchBody(List.of(first)).length() - sentWithoutSentAt(first).length();
        int size = frame - 1;
        for (int i = 0; size < bytes; i++) {
            Map<String, Object> e = event("track", "ajs-next-" + i, "u" + (i % 50), V1_84);
            events.add(e);
            size += sentWithoutSentAt(e).length() + 1;
        }
        return events;
    }

    private static String sentWithoutSentAt(Map<String, Object> e) {
        Map<String, Object> sent = new LinkedHashMap<>(e);
        sent.remove("sentAt");
        return stringify(sent);
    }

    /** {@code {"series":[…]}} as RemoteMetrics.send() posts it. */
    static String metricsBody(String... metrics) {
        List<Map<String, Object>> series = new ArrayList<>();
        for (String metric : metrics) {
            // createRemoteMetric: tags "k:v" become {k: v}; analytics_js.invoke is tagged with the bare event
            // type ("track"), which has no ':' and so becomes {track: undefined}, dropped by JSON.stringify
            series.add(map("type", "Counter", "metric", metric, "value", 1,
                    "tags", map("library", "analytics.js", "library_version", "npm:next-" + V1_84)));
        }
        return stringify(map("series", series));
    }

    /** The headers of a Segment.io call in {@code version}, with the browser's Origin. */
    static String[] headers(String version, int retryCount) {
        List<String> h = new ArrayList<>(List.of("Content-Type", "text/plain", "Origin", ORIGIN));
        if (version.equals(V1_84)) {
            h.addAll(List.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (ApiHarness.WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8))));
            if (retryCount > 0) {
                h.addAll(List.of("X-Retry-Count", Integer.toString(retryCount)));
            }
        }
        return h.toArray(String[]::new);
    }

    /** Posts as analytics.js does: fetch(url, {method: "post", headers, body}). */
    static ApiHarness.Answer post(ApiHarness api, String path, String body, String version, int retryCount) {
        return api.send("POST", path, HttpRequest.BodyPublishers.ofString(body), headers(version, retryCount));
    }

    /**
     * The preflight a browser sends before a request with non-safelisted headers: their names lower-cased,
     * sorted and comma-joined (Fetch standard, "CORS-unsafe request-header names"). Content-Type text/plain
     * is safelisted, so it is not among them.
     */
    static ApiHarness.Answer preflight(ApiHarness api, String path, String requestHeaders) {
        List<String> h = new ArrayList<>(List.of("Origin", ORIGIN, "Access-Control-Request-Method", "POST"));
        if (requestHeaders != null) {
            h.addAll(List.of("Access-Control-Request-Headers", requestHeaders));
        }
        return api.send("OPTIONS", path, HttpRequest.BodyPublishers.noBody(), h.toArray(String[]::new));
    }

    static String stringify(Object value) {
        try {
            return ApiHarness.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}
