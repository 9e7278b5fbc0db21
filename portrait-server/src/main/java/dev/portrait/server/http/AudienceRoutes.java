package dev.portrait.server.http;

import dev.portrait.core.event.EventCodec;
import dev.portrait.core.segment.AudienceSpec;
import dev.portrait.core.privacy.AggregateReleases;
import dev.portrait.core.privacy.NoisyCount;
import dev.portrait.core.privacy.NoisyStatistics;
import dev.portrait.server.port.AudienceCount;
import dev.portrait.server.port.AudienceStatistics;
import dev.portrait.server.port.AudienceMember;
import dev.portrait.server.port.AdminPort;
import dev.portrait.server.port.SavedAudienceView;
import dev.portrait.server.port.Page;
import dev.portrait.server.port.QueryPort;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Audiences: saved as segments ({@code PUT}, {@code GET}, {@code DELETE /v1/audiences/{name}}), and
 * {@code POST /v1/audiences/count}, {@code /v1/audiences/stats} and {@code /v1/audiences/members}, with a body
 * {@code {"all":[…],"any":[…],"none":[…],"where":"…"}}. Members come a page at a time ({@code cursor},
 * {@code limit}, as JSON) or, with {@code "format":"jsonl"} or {@code "csv"}, as one streamed export of
 * every member with the identifier types listed in {@code "identifiers"}.
 */
final class AudienceRoutes {
    /** Members read per port call while an export streams. */
    private static final int EXPORT_PAGE = 1_000;
    /** The routes beside {@code /v1/audiences/{name}}: a saved audience of such a name would shadow them for GET. */
    private static final java.util.Set<String> ROUTE_NAMES = java.util.Set.of("count", "members", "stats");

    private final QueryPort query;
    private final AdminPort admin;
    private final HttpConfig.Limits limits;
    private final PrivateReads privacy;

    AudienceRoutes(QueryPort query, AdminPort admin, HttpConfig.Limits limits, PrivateReads privacy) {
        this.query = query;
        this.admin = admin;
        this.limits = limits;
        this.privacy = privacy;
    }

    /**
     * {@code PUT /v1/audiences/{name}} (admin): saves the audience as a segment. {@code 201} with its status when it is
     * new, {@code 200} when the same body was already saved under the name; the members who match now are filled
     * in behind ({@code ready} says when).
     */
    void save(Context ctx) throws IOException {
        String name = ctx.pathParam("name");
        if (ROUTE_NAMES.contains(name)) {
            throw new dev.portrait.core.PortraitException("invalid_audience", "\"" + name + "\" is the name of a route "
                    + "under /v1/audiences; choose another name", "name");
        }
        if (!RequestBody.present(ctx)) {
            // no body is not "everyone": saving a segment of everyone must be asked for, with {}
            throw ApiError.invalidRequest("$", "give the audience as JSON: {\"all\":[…],\"any\":[…],\"none\":[…],"
                    + "\"where\":\"…\"} ({} for everyone)");
        }
        AudienceSpec spec = spec(body(ctx));
        AdminPort.AudienceSave saved = admin.saveAudience(name, spec, AdminRoutes.actor(ctx));
        ctx.header("Location", "/v1/audiences/" + name);
        Json.write(ctx, saved.created() ? 201 : 200, view(saved.audience()));
    }

    /** {@code GET /v1/audiences/{name}}: the saved audience, its size and its backfill's progress. */
    void saved(Context ctx) {
        privacy.requireIndividualAccess(ctx); // an exact size of a selection a dp-only key could shape
        String name = ctx.pathParam("name");
        SavedAudienceView view = query.savedAudience(name).orElseThrow(() -> unknownAudience(name));
        Json.write(ctx, 200, view(view));
    }

    /** {@code DELETE /v1/audiences/{name}} (admin): its members leave it at once. */
    void delete(Context ctx) {
        String name = ctx.pathParam("name");
        admin.deleteAudience(name, AdminRoutes.actor(ctx));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("name", name);
        answer.put("deleted", true);
        Json.write(ctx, 200, answer);
    }

    private static RuntimeException unknownAudience(String name) {
        return new dev.portrait.core.PortraitException("unknown_audience", "no saved audience is called '"
                + (name.length() > 80 ? name.substring(0, 80) + "…" : name) + "'", "name");
    }

    static Map<String, Object> view(SavedAudienceView v) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", v.name());
        out.put("all", v.spec().all());
        out.put("any", v.spec().any());
        out.put("none", v.spec().none());
        out.put("where", v.spec().where());
        out.put("savedAt", v.savedAt().toString());
        out.put("since", v.since());
        out.put("size", v.size());
        out.put("status", v.ready() ? "ready" : "backfilling");
        Map<String, Object> backfill = new LinkedHashMap<>();
        backfill.put("evaluated", v.evaluated());
        backfill.put("total", v.total());
        out.put("backfill", backfill);
        return out;
    }

    void count(Context ctx) throws IOException {
        privacy.requireEveryPurpose(ctx, query.purposes());
        AudienceSpec spec = spec(body(ctx));
        PrivateReads.Asked asked = privacy.asked(ctx);
        AudienceCount c = query.countAudience(spec);
        Map<String, Object> answer = new LinkedHashMap<>();
        if (asked != null) {
            // no tookMs: how long the where condition took tells how many candidates it read
            NoisyCount noisy = privacy.port().counts(asked.analyst(), asked.budget(), asked.request(),
                    new long[] {c.count()}).get(0);
            answer.put("count", noisy.count());
            answer.put("suppressed", noisy.suppressed());
            answer.put("privacy", privacy.describe(asked, AggregateReleases.countCost(asked.request()),
                    Map.of("noiseStdDev", noisy.noiseStdDev())));
            Json.write(ctx, 200, answer);
            return;
        }
        answer.put("count", c.count());
        answer.put("tookMs", Math.round(c.tookMs() * 1000) / 1000.0);
        Json.write(ctx, 200, answer);
    }

    /**
     * {@code POST /v1/audiences/stats}: count, sum and mean of a numeric feature over the audience, with
     * {@code "feature"} and optional {@code "bounds": [lower, upper]} (required with {@code privacy=dp}: the
     * sum's sensitivity comes from them).
     */
    void stats(Context ctx) throws IOException {
        privacy.requireEveryPurpose(ctx, query.purposes());
        Map<String, Object> body = body(ctx);
        AudienceSpec spec = spec(body);
        if (!(body.get("feature") instanceof String feature) || feature.isEmpty()) {
            throw ApiError.invalidRequest("feature", "feature must name a numeric feature of the definition");
        }
        double[] bounds = bounds(body.get("bounds"));
        PrivateReads.Asked asked = privacy.asked(ctx);
        if (asked != null && bounds == null) {
            throw PrivateReads.badBounds("a differentially private statistic needs \"bounds\": [lower, upper]: each value "
                    + "is clamped to them, and they fix how much one person can move the sum");
        }
        if (asked != null) {
            try {
                AggregateReleases.statisticsCost(asked.request(), bounds[0], bounds[1]);
            } catch (IllegalArgumentException e) {
                throw ApiError.invalidParameter("mechanism", e.getMessage());
            }
        }
        long start = System.nanoTime();
        AudienceStatistics exact = query.audienceStatistics(spec, feature, bounds == null ? null : bounds[0],
                bounds == null ? null : bounds[1]);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("feature", feature);
        if (asked == null) {
            answer.put("count", exact.count());
            answer.put("sum", exact.sum());
            answer.put("mean", exact.mean());
            answer.put("withoutValue", exact.withoutValue());
            answer.put("tookMs", Math.round((System.nanoTime() - start) / 1e3) / 1000.0);
        } else {
            NoisyStatistics noisy = privacy.port().statistics(asked.analyst(), asked.budget(), asked.request(), exact,
                    bounds[0], bounds[1]);
            answer.put("count", noisy.count());
            answer.put("sum", noisy.sum());
            answer.put("mean", noisy.mean());
            answer.put("suppressed", noisy.suppressed());
            Map<String, Object> noise = new LinkedHashMap<>();
            noise.put("countNoiseStdDev", noisy.countStdDev());
            noise.put("sumNoiseStdDev", noisy.sumStdDev());
            noise.put("bounds", List.of(bounds[0], bounds[1]));
            answer.put("privacy", privacy.describe(asked,
                    AggregateReleases.statisticsCost(asked.request(), bounds[0], bounds[1]), noise));
        }
        Json.write(ctx, 200, answer);
    }

    private static double[] bounds(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> list && list.size() == 2 && list.get(0) instanceof Number lo
                && list.get(1) instanceof Number hi) {
            double lower = lo.doubleValue();
            double upper = hi.doubleValue();
            if (Double.isFinite(lower) && Double.isFinite(upper) && lower <= upper && (lower != 0 || upper != 0)) {
                return new double[] {lower, upper};
            }
        }
        throw PrivateReads.badBounds("bounds must be [lower, upper], two finite numbers with lower <= upper, not both 0; got "
                + value);
    }

    void members(Context ctx) throws IOException {
        privacy.requireIndividualAccess(ctx);
        privacy.requireEveryPurpose(ctx, query.purposes());
        Map<String, Object> body = body(ctx);
        AudienceSpec spec = spec(body);
        List<String> types = strings(body, "identifiers");
        Object format = body.getOrDefault("format", "json");
        if ("json".equals(format)) {
            Paging paging = Paging.of(ctx);
            String cursor = body.get("cursor") instanceof String s && !s.isEmpty() ? s : paging.cursor();
            int limit = body.get("limit") instanceof Long l ? (int) Math.max(1, Math.min(Paging.MAX_LIMIT, l)) : paging.limit();
            Page<AudienceMember> page = query.audienceMembers(spec, types, cursor, limit);
            List<Map<String, Object>> items = new ArrayList<>(page.items().size());
            for (AudienceMember m : page.items()) {
                items.add(item(m, types));
            }
            Json.write(ctx, 200, QueryRoutes.page(items, page.next()));
        } else if ("jsonl".equals(format) || "csv".equals(format)) {
            export(ctx, spec, types, "csv".equals(format));
        } else {
            throw ApiError.invalidRequest("format", "format must be json, jsonl or csv, got " + format);
        }
    }

    /** Streams every member; the first page is read before the status is sent, so errors still answer 4xx. */
    private void export(Context ctx, AudienceSpec spec, List<String> types, boolean csv) throws IOException {
        Page<AudienceMember> page = query.audienceMembers(spec, types, null, EXPORT_PAGE);
        ctx.status(200).contentType(csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8");
        ctx.attribute(Json.ANSWERED, true);
        OutputStream out = ctx.res().getOutputStream();
        if (csv) {
            StringBuilder header = new StringBuilder("profile_id");
            for (String t : types) {
                header.append(',').append(csvCell(t));
            }
            out.write(header.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        }
        while (true) {
            StringBuilder chunk = new StringBuilder();
            for (AudienceMember m : page.items()) {
                if (csv) {
                    chunk.append(csvCell(m.profileId()));
                    for (String t : types) {
                        chunk.append(',').append(csvCell(String.join(" ", m.identifiers().getOrDefault(t, List.of()))));
                    }
                    chunk.append('\n');
                } else {
                    chunk.append(new String(Json.bytes(item(m, types)), StandardCharsets.UTF_8)).append('\n');
                }
            }
            out.write(chunk.toString().getBytes(StandardCharsets.UTF_8));
            if (page.next() == null) {
                break;
            }
            page = query.audienceMembers(spec, types, page.next(), EXPORT_PAGE);
        }
        out.flush();
    }

    private static Map<String, Object> item(AudienceMember m, List<String> types) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("profileId", m.profileId());
        if (!types.isEmpty()) {
            item.put("identifiers", m.identifiers());
        }
        return item;
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break; identifiers rarely do. */
    private static String csvCell(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private Map<String, Object> body(Context ctx) throws IOException {
        if (!RequestBody.present(ctx)) {
            return Map.of();
        }
        byte[] body = RequestBody.read(ctx, limits.maxRequestBytes());
        return body.length == 0 ? Map.of() : EventCodec.parseRaw(body);
    }

    static AudienceSpec spec(Map<String, Object> body) {
        Object where = body.get("where");
        if (where != null && !(where instanceof String)) {
            throw ApiError.invalidRequest("where", "where must be a CEL condition as a string");
        }
        return new AudienceSpec(strings(body, "all"), strings(body, "any"), strings(body, "none"), (String) where);
    }

    private static List<String> strings(Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw ApiError.invalidRequest(field, field + " must be an array of names");
        }
        List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) {
                throw ApiError.invalidRequest(field + "[" + i + "]", field + " holds names (strings), got " + list.get(i));
            }
            out.add(s);
        }
        return out;
    }
}
