package dev.portrait.server.http;

import dev.portrait.core.model.FeedbackCounts;
import dev.portrait.core.model.Recommendation;
import dev.portrait.core.model.RecommendationIds;
import dev.portrait.core.model.ServedRecommendations;
import dev.portrait.server.port.ModelPort;
import dev.portrait.server.port.QueryPort;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Recommendations (each answer with its recommendation id and placement), personas, a profile's model
 * scores, the feedback loop's totals, and the models' figures in {@code /metrics}: the propensity model's
 * prequential quality and the feedback loop's counts per model, placement and experiment variant
 * ({@link FeedbackMeters}). The models answer through {@link ModelPort}; a query side without one (a
 * runtime with no models) answers these routes with 404 {@code not_found}.
 */
final class ModelRoutes {
    /** How {@link HttpApi} declares a route. */
    interface Declare {
        void add(HandlerType method, String path, Scope scope, Handler handler);
    }

    static final int MAX_K = 100;

    private final ModelPort models;
    private final QueryRoutes reads;

    private ModelRoutes(ModelPort models, QueryRoutes reads) {
        this.models = models;
        this.reads = reads;
    }

    /**
     * Declares the model routes, and the model gauges when the query side has models. Returns what
     * {@code /metrics} runs before each scrape: the feedback loop's series appear as placements and variants
     * are first counted.
     */
    static Runnable register(Declare r, QueryPort query, MeterRegistry registry) {
        ModelRoutes routes = new ModelRoutes(query instanceof ModelPort m ? m : null, new QueryRoutes(query));
        r.add(HandlerType.GET, "/v1/profiles/{idType}/{id}/recommendations", Scope.QUERY, routes::recommendations);
        r.add(HandlerType.GET, "/v1/recommendations/feedback", Scope.QUERY, routes::feedback);
        r.add(HandlerType.GET, "/v1/profiles/{idType}/{id}/scores", Scope.QUERY, routes::scores);
        r.add(HandlerType.GET, "/v1/personas", Scope.QUERY, routes::personas);
        r.add(HandlerType.GET, "/v1/models/propensity/calibration", Scope.QUERY, routes::calibration);
        if (routes.models != null) {
            gauge(registry, "portrait.propensity.auc", "prequential ROC AUC of the propensity model",
                    routes.models, q -> q.quality().propensityAuc());
            gauge(registry, "portrait.propensity.logloss", "prequential log-loss of the propensity model",
                    routes.models, q -> q.quality().propensityLogLoss());
            gauge(registry, "portrait.propensity.examples", "labelled examples the propensity model learned from",
                    routes.models, q -> q.quality().labelledExamples());
            gauge(registry, "portrait.regression.rmse", "prequential RMSE of the regression model (the declared outcome)",
                    routes.models, q -> q.quality().regressionRmse());
            gauge(registry, "portrait.regression.baseline.rmse",
                    "prequential RMSE of always predicting the running mean, for comparison",
                    routes.models, q -> q.quality().regressionBaselineRmse());
            gauge(registry, "portrait.suspected.bots", "profiles in the suspected_bots model segment",
                    routes.models, q -> q.quality().suspectedBots());
            return new FeedbackMeters(registry, routes.models)::refresh;
        }
        return () -> { };
    }

    private static void gauge(MeterRegistry registry, String name, String description, ModelPort models,
                              ToDoubleFunction<ModelPort> read) {
        Gauge.builder(name, models, m -> {
            double v = read.applyAsDouble(m);
            return Double.isFinite(v) ? v : Double.NaN;
        }).description(description).register(registry);
    }

    private ModelPort models() {
        if (models == null) {
            throw ApiError.notFound("not_found", "this runtime has no models");
        }
        return models;
    }

    void recommendations(Context ctx) {
        String idType = ctx.pathParam("idType");
        String id = ctx.pathParam("id");
        int k = k(ctx.queryParam("k"));
        String placement = placement(ctx.queryParam("placement"));
        reads.awaitPosition(ctx);
        ServedRecommendations served = models().recommendations(idType, id, k, placement)
                .orElseThrow(() -> noProfile(idType, id));
        List<Map<String, Object>> items = new ArrayList<>(served.items().size());
        for (Recommendation rec : served.items()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("item", rec.item());
            item.put("score", rec.score());
            if (served.reasons()) { // a variant may serve without reasons (reasons: false)
                item.put("reason", rec.reason());
            }
            items.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("recommendationId", served.recommendationId());
        body.put("placement", served.placement());
        body.put("model", served.model());
        if (served.experiment() != null) {
            body.put("experiment", Map.of("name", served.experiment(), "variant", served.variant()));
        }
        body.put("items", items);
        Json.write(ctx, 200, body);
    }

    void feedback(Context ctx) {
        reads.awaitPosition(ctx);
        ModelPort.Feedback f = models().feedback();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (FeedbackCounts.Row row : f.rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", row.model());
            m.put("placement", row.placement());
            m.put("experiment", row.experiment().isEmpty() ? null : row.experiment());
            m.put("variant", row.variant().isEmpty() ? null : row.variant());
            m.put("shown", row.shown());
            m.put("clicked", row.clicked());
            m.put("converted", row.converted());
            m.put("ctr", Double.isFinite(row.ctr()) ? row.ctr() : null);
            m.put("conversionRate", Double.isFinite(row.conversionRate()) ? row.conversionRate() : null);
            rows.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("declared", f.declared());
        body.put("rows", rows);
        body.put("unjoined", f.unjoined());
        Json.write(ctx, 200, body);
    }

    private static String placement(String text) {
        if (text == null || text.isEmpty()) {
            return "default";
        }
        if (!RecommendationIds.isPlacement(text)) {
            throw ApiError.invalidParameter("placement", "placement must be 1 to 40 letters, digits, _ . or -, got \""
                    + (text.length() > 60 ? text.substring(0, 60) + "…" : text) + "\"");
        }
        return text;
    }

    void scores(Context ctx) {
        String idType = ctx.pathParam("idType");
        String id = ctx.pathParam("id");
        reads.awaitPosition(ctx);
        boolean ownWrites = QueryRoutes.position(ctx) > 0;
        ModelPort.ProfileScores s = models().scores(idType, id, ownWrites).orElseThrow(() -> noProfile(idType, id));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("profileId", s.profileId());
        body.put("persona", s.persona() < 0 ? null : s.persona());
        body.put("personaDistance", Double.isFinite(s.personaDistance()) ? s.personaDistance() : null);
        body.put("propensity", s.propensity());
        body.put("botScore", s.botScore());
        body.put("segments", s.segments());
        Json.write(ctx, 200, body);
    }

    void personas(Context ctx) {
        reads.awaitPosition(ctx);
        List<Map<String, Object>> items = new ArrayList<>();
        for (ModelPort.PersonaView p : models().personas()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("persona", p.persona());
            item.put("size", p.size());
            item.put("strongest", p.strongest());
            item.put("center", p.center());
            items.add(item);
        }
        Json.write(ctx, 200, Map.of("personas", items));
    }

    /** The propensity model's calibration curve: {@code ?buckets=} (1–100, default 10). */
    void calibration(Context ctx) {
        String text = ctx.queryParam("buckets");
        int buckets = 10;
        if (text != null && !text.isEmpty()) {
            try {
                buckets = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                buckets = -1;
            }
            if (buckets < 1 || buckets > 100) {
                throw ApiError.invalidParameter("buckets", "buckets must be a whole number from 1 to 100, got \""
                        + text + "\"");
            }
        }
        ModelPort.Calibration c = models().calibration(buckets);
        List<Map<String, Object>> items = new ArrayList<>();
        for (var b : c.buckets()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("from", b.from());
            item.put("to", b.to());
            item.put("examples", b.examples());
            item.put("positives", b.positives());
            item.put("predicted", b.predicted());
            item.put("observed", b.observed());
            items.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("declared", c.declared());
        body.put("examples", c.examples());
        body.put("positives", c.positives());
        body.put("buckets", items);
        Json.write(ctx, 200, body);
    }

    private static int k(String text) {
        if (text == null || text.isEmpty()) {
            return 10;
        }
        try {
            int k = Integer.parseInt(text.strip());
            if (k >= 1 && k <= MAX_K) {
                return k;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalidParameter("k", "k must be a whole number from 1 to " + MAX_K + ", got \"" + text + "\"");
    }

    private static RuntimeException noProfile(String idType, String id) {
        return ApiError.notFound("profile_not_found", "no profile holds " + idType + " "
                + (id.length() > 80 ? id.substring(0, 80) + "…" : id));
    }
}
