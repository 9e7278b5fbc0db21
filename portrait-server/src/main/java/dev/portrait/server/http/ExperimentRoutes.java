package dev.portrait.server.http;

import dev.portrait.core.experiment.ExperimentReport;
import dev.portrait.server.port.ExperimentPort;
import dev.portrait.server.port.QueryPort;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/experiments/{name}}: an experiment's results per variant, with confidence intervals
 * and the always-valid sequential test against the control (issue 15). An undeclared experiment is
 * 404 {@code unknown_experiment}.
 */
final class ExperimentRoutes {
    private final ExperimentPort experiments;
    private final QueryRoutes reads;

    private ExperimentRoutes(ExperimentPort experiments, QueryRoutes reads) {
        this.experiments = experiments;
        this.reads = reads;
    }

    static void register(ModelRoutes.Declare r, QueryPort query) {
        ExperimentRoutes routes = new ExperimentRoutes(query instanceof ExperimentPort e ? e : null, new QueryRoutes(query));
        r.add(HandlerType.GET, "/v1/experiments/{name}", Scope.QUERY, routes::experiment);
    }

    void experiment(Context ctx) {
        String name = ctx.pathParam("name");
        reads.awaitPosition(ctx);
        ExperimentReport report = experiments == null ? null : experiments.experiment(name).orElse(null);
        if (report == null) {
            throw ApiError.notFound("unknown_experiment", "the definition declares no experiment "
                    + (name.length() > 80 ? name.substring(0, 80) + "…" : name));
        }
        List<Map<String, Object>> variants = new ArrayList<>();
        for (ExperimentReport.VariantResult v : report.variants()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("participants", v.participants());
            m.put("exposures", v.exposures());
            m.put("clicks", v.clicks());
            m.put("converted", v.converted());
            m.put("revenue", v.revenue());
            m.put("crossovers", v.crossovers());
            m.put("ctr", estimate(v.ctr()));
            m.put("conversion", estimate(v.conversion()));
            m.put("revenuePerPerson", estimate(v.revenuePerPerson()));
            List<Map<String, Object>> comparisons = new ArrayList<>();
            for (ExperimentReport.Comparison c : v.comparisons()) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("metric", c.metric());
                cm.put("difference", estimate(c.difference()));
                cm.put("pValue", c.pValue());
                cm.put("significant", c.significant());
                comparisons.add(cm);
            }
            m.put("vsControl", comparisons);
            variants.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", report.name());
        body.put("alpha", report.alpha());
        body.put("test", "mSPRT (always-valid p-values and intervals; read them as often as you like)");
        body.put("variants", variants);
        Json.write(ctx, 200, body);
    }

    /** NaN and infinite bounds (no data yet) are written as null: JSON has no NaN. */
    private static Map<String, Object> estimate(ExperimentReport.Estimate e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", finite(e.value()));
        m.put("lower", finite(e.lower()));
        m.put("upper", finite(e.upper()));
        return m;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
