package dev.portrait.core.definition;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks a definition's {@code experiments:} section: names, variants and weights, the
 * population segment (it must be declared), the events that measure, the test's level and mixing
 * scales. Errors name the path.
 */
final class ExperimentsLoader {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> VARIES = Set.of("recommender", "model");

    private ExperimentsLoader() {
    }

    /**
     * What a variant of an experiment that {@code varies: recommender} may set: the recommender's serving
     * knobs (each read when an answer is served, so a variant changes nothing the shared models learn).
     */
    static final Set<String> RECOMMENDER_SETTINGS = Set.of("categoryWeight", "popularityWeight", "recencyHalfLife",
            "maxRecent", "maxCategories", "perCategory", "neighbours", "excludeSeen", "excludeBought", "reasons",
            "socialWeight");

    static ExperimentSpecs read(DefinitionNode top, List<SegmentSpec> segments, boolean recommenderDeclared) {
        DefinitionNode n = top.child("experiments");
        if (n.isMissing()) {
            return ExperimentSpecs.none();
        }
        n.requireObject();
        // optional: without one, the runtime keys the assignment with a secret derived from its profile-id
        // secret, so no shared placeholder ever keys a real installation
        String key = n.has("key") ? n.requireString("key") : ExperimentSpecs.DERIVED_KEY;
        if (n.has("key") && key.length() < 16) {
            throw n.error("key", "must be 16 characters or more: it keys the assignment hash");
        }
        Set<String> segmentNames = new HashSet<>();
        segments.forEach(s -> segmentNames.add(s.name()));
        List<ExperimentSpecs.Experiment> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (DefinitionNode e : n.list("list")) {
            e.requireObject();
            String name = e.requireString("name");
            if (!name.matches("[a-z][a-z0-9_]*")) {
                throw e.error("name", "\"" + name + "\" is not a valid experiment name (lower case letters, digits and _)");
            }
            if (!names.add(name)) {
                throw e.error("name", "\"" + name + "\" is declared twice");
            }
            String population = e.optString("population", null);
            if (population != null && !segmentNames.contains(population)) {
                throw e.error("population", "\"" + population + "\" is not a declared segment");
            }
            String varies = e.optString("varies", "recommender");
            if (!VARIES.contains(varies)) {
                throw e.error("varies", "\"" + varies + "\" is not recommender or model");
            }
            List<ExperimentSpecs.Variant> variants = new ArrayList<>();
            for (Map.Entry<String, DefinitionNode> v : e.entries("variants").entrySet()) {
                DefinitionNode vn = v.getValue().requireObject();
                double weight = vn.optDouble("weight", 1, 1e-9, 1e9);
                Map<String, Object> settings = Map.of();
                if (vn.has("settings")) {
                    DefinitionNode s = vn.child("settings").requireObject();
                    if (varies.equals("recommender")) {
                        if (!recommenderDeclared) {
                            throw vn.error("settings", "sets the recommender, but the definition declares no "
                                    + "models.recommender");
                        }
                        settings = recommenderSettings(s);
                    } else {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> read = MAPPER.convertValue(s.json(), Map.class);
                        settings = read; // a model version's label: carried and shown, nothing to apply yet
                    }
                }
                vn.optString("description", null);
                vn.rejectUnknown();
                variants.add(new ExperimentSpecs.Variant(v.getKey(), weight, settings));
            }
            if (variants.size() < 2) {
                throw e.error("variants", "needs two variants or more (the first is the control)");
            }
            String exposure = e.optString("exposure", "Recommendation Shown");
            String click = e.optString("click", "Recommendation Clicked");
            Set<String> conversions = new LinkedHashSet<>(e.optStringList("conversions"));
            String revenueEvent = null;
            String revenueProperty = "revenue";
            DefinitionNode r = e.child("revenue");
            if (!r.isMissing()) {
                r.requireObject();
                revenueEvent = r.requireString("event");
                revenueProperty = r.optString("property", revenueProperty);
                r.rejectUnknown();
            }
            double alpha = e.optDouble("alpha", 0.05, 1e-6, 0.5);
            double tau = e.optDouble("tau", 0.05, 1e-6, 1);
            double revenueTau = e.optDouble("revenueTau", 10, 1e-9, 1e12);
            e.optString("description", null);
            e.rejectUnknown();
            out.add(new ExperimentSpecs.Experiment(name, population, varies, variants, exposure, click, conversions,
                    revenueEvent, revenueProperty, alpha, tau, revenueTau, e.path()));
        }
        n.rejectUnknown();
        return new ExperimentSpecs(key, out);
    }

    /** A variant's recommender settings, each checked and read into its value (durations as milliseconds). */
    private static Map<String, Object> recommenderSettings(DefinitionNode s) {
        Map<String, Object> out = new java.util.TreeMap<>();
        var fields = s.json().fieldNames();
        while (fields.hasNext()) {
            String key = fields.next();
            if (!RECOMMENDER_SETTINGS.contains(key)) {
                throw s.error(key, "is not a recommender setting (known: " + String.join(", ",
                        new java.util.TreeSet<>(RECOMMENDER_SETTINGS)) + ")");
            }
        }
        if (s.has("categoryWeight")) {
            out.put("categoryWeight", s.optDouble("categoryWeight", 0, 0, 1e6));
        }
        if (s.has("popularityWeight")) {
            out.put("popularityWeight", s.optDouble("popularityWeight", 0, 0, 1e6));
        }
        if (s.has("recencyHalfLife")) {
            out.put("recencyHalfLife", s.optDuration("recencyHalfLife", null).toMillis());
        }
        if (s.has("maxRecent")) {
            out.put("maxRecent", s.optInt("maxRecent", 0, 1, 1_000));
        }
        if (s.has("maxCategories")) {
            out.put("maxCategories", s.optInt("maxCategories", 0, 0, 100));
        }
        if (s.has("perCategory")) {
            out.put("perCategory", s.optInt("perCategory", 0, 1, 10_000));
        }
        if (s.has("neighbours")) {
            out.put("neighbours", s.optInt("neighbours", 0, 1, 1_000));
        }
        if (s.has("socialWeight")) {
            out.put("socialWeight", s.optDouble("socialWeight", 0, 0, 1e6)); // 0 turns the social part off
        }
        for (String flag : List.of("excludeSeen", "excludeBought", "reasons")) {
            if (s.has(flag)) {
                out.put(flag, s.optBoolean(flag, true));
            }
        }
        s.rejectUnknown();
        return out;
    }
}
