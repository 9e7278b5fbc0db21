package dev.portrait.server.http;

import dev.portrait.core.model.Recommendation;
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
 * Recommendations, personas and a profile's model scores, and the propensity model's prequential
 * quality in {@code /metrics}. The models answer through {@link ModelPort}; a query side without one
 * (a runtime with no models) answers these routes with 404 {@code not_found}.
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

    /** Declares the model routes, and the model gauges when the query side has models. */
    static void register(Declare r, QueryPort query, MeterRegistry registry) {
        ModelRoutes routes = new ModelRoutes(query instanceof ModelPort m ? m : null, new QueryRoutes(query));
        r.add(HandlerType.GET, "/v1/profiles/{idType}/{id}/recommendations", Scope.QUERY, routes::recommendations);
        r.add(HandlerType.GET, "/v1/profiles/{idType}/{id}/scores", Scope.QUERY, routes::scores);
        r.add(HandlerType.GET, "/v1/personas", Scope.QUERY, routes::personas);
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
        }
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
        reads.awaitPosition(ctx);
        List<Recommendation> recs = models().recommendations(idType, id, k).orElseThrow(() -> noProfile(idType, id));
        List<Map<String, Object>> items = new ArrayList<>(recs.size());
        for (Recommendation rec : recs) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("item", rec.item());
            item.put("score", rec.score());
            item.put("reason", rec.reason());
            items.add(item);
        }
        Json.write(ctx, 200, Map.of("items", items));
    }

    void scores(Context ctx) {
        String idType = ctx.pathParam("idType");
        String id = ctx.pathParam("id");
        reads.awaitPosition(ctx);
        ModelPort.ProfileScores s = models().scores(idType, id).orElseThrow(() -> noProfile(idType, id));
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
