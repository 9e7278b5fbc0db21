package dev.portrait.server.http;

import dev.portrait.core.privacy.AggregateReleases;
import dev.portrait.core.privacy.NoisyCount;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.Page;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.server.port.PrivacyPort;
import dev.portrait.server.port.QueryPort;
import dev.portrait.server.port.SegmentSummary;
import io.javalin.http.Context;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Profiles, their changes, segments and their members. */
final class QueryRoutes {
    private final QueryPort query;
    private final PrivateReads privacy;

    /** Without private reads (every key reads exactly): for the model routes, which read profiles only. */
    QueryRoutes(QueryPort query) {
        this(query, new PrivateReads(PrivacyPort.UNAVAILABLE, PrivacyConfig.DEFAULT));
    }

    QueryRoutes(QueryPort query, PrivateReads privacy) {
        this.query = query;
        this.privacy = privacy;
    }

    void profile(Context ctx) {
        privacy.requireIndividualAccess(ctx);
        String idType = ctx.pathParam("idType");
        String id = ctx.pathParam("id");
        Instant at = at(ctx.queryParam("at"));
        long position = position(ctx);
        if (position > 0) {
            if (at != null) {
                query.awaitHistory(position);
            } else {
                query.awaitPosition(position);
            }
        }
        ProfileView p = query.profile(idType, id, at, position > 0).orElseThrow(() -> noProfile(idType, id));
        Json.write(ctx, 200, privacy.visible(ctx, p, query.purposes()).toJson());
    }

    void changes(Context ctx) {
        privacy.requireIndividualAccess(ctx);
        String idType = ctx.pathParam("idType");
        String id = ctx.pathParam("id");
        Paging paging = Paging.of(ctx);
        long position = position(ctx);
        if (position > 0) {
            query.awaitHistory(position);
        }
        Optional<Page<ChangeView>> page = query.changes(idType, id, paging.cursor(), paging.limit());
        Page<ChangeView> changes = page.orElseThrow(() -> noProfile(idType, id));
        List<Map<String, Object>> items = new ArrayList<>(changes.items().size());
        java.util.Set<String> allowed = privacy.purposesOf(ctx);
        for (ChangeView c : changes.items()) {
            if (!PrivateReads.visible(allowed, query.purposes(), c.field())) {
                continue; // a field of a purpose this key may not see (the page may come out short)
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("sequence", c.sequence());
            item.put("time", c.time());
            item.put("field", c.field());
            item.put("oldValue", c.oldValue());
            item.put("newValue", c.newValue());
            item.put("messageId", c.messageId());
            items.add(item);
        }
        Json.write(ctx, 200, page(items, changes.next()));
    }

    /**
     * {@code GET /v1/profiles/{idType}/{id}/segments}: each segment the person is in or has left (saved audiences
     * too), with when they last entered and left it, from one replay of their history (as {@code /changes}).
     */
    /** The merges the profile won, oldest first; the latest is the one {@code reverse} may undo. */
    void merges(Context ctx) {
        privacy.requireIndividualAccess(ctx);
        String idType = ctx.pathParam("idType");
        String id = ctx.pathParam("id");
        List<dev.portrait.server.port.MergeView> merges = query.merges(idType, id).orElseThrow(() -> noProfile(idType, id));
        List<Map<String, Object>> items = new ArrayList<>(merges.size());
        for (dev.portrait.server.port.MergeView m : merges) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("mergeId", m.mergeId());
            List<Map<String, Object>> ids = new ArrayList<>(m.identifiers().size());
            for (dev.portrait.server.port.MergeView.Identity i : m.identifiers()) {
                ids.add(Map.of("type", i.type(), "value", i.value()));
            }
            item.put("identifiers", ids);
            item.put("mergedAt", m.mergedAt().toString());
            item.put("causeMessageId", m.causeMessageId());
            item.put("reversible", m.reversible());
            items.add(item);
        }
        Json.write(ctx, 200, Map.of("items", items));
    }

    void segmentStays(Context ctx) {
        privacy.requireIndividualAccess(ctx);
        String idType = ctx.pathParam("idType");
        String id = ctx.pathParam("id");
        long position = position(ctx);
        if (position > 0) {
            query.awaitHistory(position);
        }
        List<dev.portrait.server.port.SegmentStay> stays = query.segmentStays(idType, id)
                .orElseThrow(() -> noProfile(idType, id));
        java.util.Set<String> allowed = privacy.purposesOf(ctx);
        List<Map<String, Object>> items = new ArrayList<>();
        for (dev.portrait.server.port.SegmentStay s : stays) {
            if (!PrivateReads.visible(allowed, query.purposes(), "segments." + s.segment())) {
                continue;
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("segment", s.segment());
            item.put("member", s.member());
            item.put("enteredAt", s.enteredAt() == null ? null : s.enteredAt().toString());
            item.put("leftAt", s.leftAt() == null ? null : s.leftAt().toString());
            items.add(item);
        }
        Json.write(ctx, 200, Map.of("segments", items));
    }

    void segments(Context ctx) {
        awaitPosition(ctx);
        PrivateReads.Asked asked = privacy.asked(ctx);
        if (asked != null) {
            privateSegments(ctx, asked);
            return;
        }
        List<Map<String, Object>> items = new ArrayList<>();
        for (SegmentSummary s : query.segments()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", s.name());
            item.put("description", s.description());
            item.put("condition", s.condition());
            item.put("size", s.size());
            item.put("savedAudience", s.savedAudience());
            items.add(item);
        }
        Json.write(ctx, 200, Map.of("segments", items));
    }

    /** Every segment's size with noise; one person may be in all of them, so they share the request's ε. */
    private void privateSegments(Context ctx, PrivateReads.Asked asked) {
        List<SegmentSummary> segments = query.segments();
        long[] exact = new long[segments.size()];
        for (int i = 0; i < exact.length; i++) {
            exact[i] = segments.get(i).size();
        }
        List<NoisyCount> noisy = privacy.port().counts(asked.analyst(), asked.budget(), asked.request(), exact);
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < exact.length; i++) {
            SegmentSummary s = segments.get(i);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", s.name());
            item.put("description", s.description());
            item.put("condition", s.condition());
            item.put("size", noisy.get(i).count());
            item.put("suppressed", noisy.get(i).suppressed());
            item.put("savedAudience", s.savedAudience());
            items.add(item);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("segments", items);
        answer.put("privacy", privacy.describe(asked, AggregateReleases.countCost(asked.request()),
                Map.of("noiseStdDev", noisy.isEmpty() ? 0.0 : noisy.get(0).noiseStdDev())));
        Json.write(ctx, 200, answer);
    }

    void members(Context ctx) {
        privacy.requireIndividualAccess(ctx);
        privacy.requireEveryPurpose(ctx, query.purposes());
        String segment = ctx.pathParam("name");
        Paging paging = Paging.of(ctx);
        awaitPosition(ctx);
        Page<String> page = query.segmentMembers(segment, paging.cursor(), paging.limit());
        Json.write(ctx, 200, page(page.items(), page.next()));
    }

    /** Read-your-writes on request: waits for the position an ingest answer gave, if the read carries one. */
    void awaitPosition(Context ctx) {
        long position = position(ctx);
        if (position > 0) {
            query.awaitPosition(position);
        }
    }

    /**
     * The position token of the read, from the {@code X-Portrait-Position} header or the {@code position}
     * query parameter (the header wins); 0 when there is none.
     */
    static long position(Context ctx) {
        String text = ctx.header(IngestRoutes.POSITION_HEADER);
        if (text == null || text.isBlank()) {
            text = ctx.queryParam("position");
        }
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            long position = Long.parseLong(text.strip());
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalidParameter("position", "position must be the whole number an ingest answer gave as its "
                + "position, got " + (text.length() > 40 ? text.substring(0, 40) + "…" : text));
    }

    static Map<String, Object> page(List<?> items, String next) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("next", next);
        return body;
    }

    /**
     * The {@code at} parameter: ISO-8601 with {@code Z} or an offset. A {@code +} that was not
     * percent-encoded arrives as a space (form decoding of the query string); an ISO time never holds
     * a space, so it is put back rather than failing a request that was almost certainly meant as
     * {@code +08:00}.
     */
    static Instant at(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String iso = text.strip().replace(' ', '+');
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(iso);
            } catch (DateTimeParseException again) {
                throw ApiError.invalidParameter("at", "at must be an ISO-8601 time with a zone, such as "
                        + "2024-05-01T12:00:00Z or 2024-05-01T20:00:00%2B08:00; got "
                        + (text.length() > 40 ? text.substring(0, 40) + "…" : text));
            }
        }
    }

    private static RuntimeException noProfile(String idType, String id) {
        return ApiError.notFound("profile_not_found", "no profile holds " + idType + " "
                + (id.length() > 80 ? id.substring(0, 80) + "…" : id));
    }
}
