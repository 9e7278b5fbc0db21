package dev.portrait.core.definition;

import dev.portrait.core.feature.Feature;
import dev.portrait.core.feature.ValueType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks a definition's {@code models:} section against its features: every feature a
 * model names must exist and have the value type the model needs (numbers for vectors, a
 * {@code last_n} for a history, a {@code decayed_scores} for interests), every weight must be
 * positive, every knob in range. Errors name the path.
 */
final class ModelsLoader {
    private static final Set<String> BOT_WEIGHTS = Set.of("rate", "burstiness", "regularity", "narrowness");

    private ModelsLoader() {
    }

    static ModelSpecs read(DefinitionNode top, List<Feature<?>> features, List<IdentityRule> identity) {
        DefinitionNode n = top.child("models");
        if (n.isMissing()) {
            return ModelSpecs.none();
        }
        n.requireObject();
        ModelSpecs.Recommender recommender = n.has("recommender") ? recommender(n.child("recommender"), features, identity) : null;
        ModelSpecs.Pca pca = n.has("pca") ? pca(n.child("pca"), features) : null;
        ModelSpecs.Personas personas = n.has("personas") ? personas(n.child("personas"), features, pca != null) : null;
        ModelSpecs.Propensity propensity = n.has("propensity") ? propensity(n.child("propensity"), features) : null;
        ModelSpecs.Regression regression = n.has("regression") ? regression(n.child("regression"), features) : null;
        ModelSpecs.BotScore bot = n.has("botScore") ? botScore(n.child("botScore")) : null;
        n.has("purposes"); // models.purposes: read by DefinitionLoader with the other purposes (consent)
        n.rejectUnknown();
        return new ModelSpecs(recommender, personas, propensity, regression, pca, bot);
    }

    private static ModelSpecs.Recommender recommender(DefinitionNode n, List<Feature<?>> features,
                                                      List<IdentityRule> identity) {
        n.requireObject();
        Map<String, Double> interactions = n.optNumberMap("interactions");
        if (interactions.isEmpty()) {
            throw n.error("interactions", "is required: the events that are interactions with an item and their "
                    + "weights, like {Product Viewed: 1, Order Completed: 5}");
        }
        for (Map.Entry<String, Double> e : interactions.entrySet()) {
            if (!(e.getValue() > 0)) {
                throw new DefinitionException(n.child("interactions").childPath(e.getKey()),
                        "must be a positive weight, got " + e.getValue());
            }
        }
        String item = n.optString("item", "product_id");
        String category = n.optString("category", null);
        Set<String> purchases = new LinkedHashSet<>(n.optStringList("purchases"));
        String recent = n.optString("recent", null);
        if (recent != null) {
            requireKind(n, "recent", recent, features, "last_n");
        }
        String interests = n.optString("interests", null);
        if (interests != null) {
            requireKind(n, "interests", interests, features, "decayed_scores");
        }
        Duration halfLife = n.optDuration("halfLife", Duration.ofDays(30));
        Duration window = n.optDuration("pairWindow", Duration.ofDays(1));
        int neighbours = n.optInt("neighbours", 50, 1, 1_000);
        int maxItems = n.optInt("maxItems", 50_000, 1, 10_000_000);
        double categoryWeight = n.optDouble("categoryWeight", 0.5, 0, 1e6);
        double popularityWeight = n.optDouble("popularityWeight", 0.05, 0, 1e6);
        ModelSpecs.Feedback feedback = n.has("feedback") ? feedback(n.child("feedback"), item) : null;
        ModelSpecs.Social social = n.has("social") ? social(n.child("social"), recent, features, identity) : null;
        n.rejectUnknown();
        return new ModelSpecs.Recommender(interactions, item, category, purchases, recent, interests, halfLife, window,
                neighbours, maxItems, categoryWeight, popularityWeight, feedback, social);
    }

    /** The social part reads each tie's {@code recent} feature, so it needs one. */
    private static ModelSpecs.Social social(DefinitionNode n, String recent, List<Feature<?>> features,
                                            List<IdentityRule> identity) {
        n.requireObject();
        if (recent == null) {
            throw n.error("needs models.recommender.recent: the social part recommends "
                    + "what a person's ties recently interacted with, read from that last_n feature of their profiles");
        }
        String ties = requireText(n, "ties");
        requireKind(n, "ties", ties, features, "tie_strength");
        // serving finds each tie's profile by its key as an identifier; a type no rule declares finds none
        String type = ((dev.portrait.core.feature.Ties) find(features, ties)).identifierType();
        if (identity.stream().noneMatch(r -> r.type().equals(type))) {
            throw n.error("ties", "\"" + ties + "\" names counterparts by " + type + ", which no identity rule "
                    + "declares, so their profiles cannot be found; declare identity." + type);
        }
        double weight = n.optDouble("weight", 0.5, 0, 1e6);
        int maxTies = n.optInt("maxTies", 10, 1, 1_000);
        n.rejectUnknown();
        return new ModelSpecs.Social(ties, weight, maxTies);
    }

    private static ModelSpecs.Feedback feedback(DefinitionNode n, String recommenderItem) {
        n.requireObject();
        String shown = n.optString("shown", "Recommendation Shown");
        String clicked = n.optString("clicked", "Recommendation Clicked");
        if (shown.equals(clicked)) {
            throw n.error("clicked", "\"" + clicked + "\" is also the shown event; a click must be its own event");
        }
        String idProperty = n.optString("idProperty", "recommendation_id");
        String item = n.optString("item", recommenderItem);
        List<String> conversions = n.optStringList("conversions");
        for (int i = 0; i < conversions.size(); i++) {
            if (conversions.get(i).equals(shown) || conversions.get(i).equals(clicked)) {
                throw new DefinitionException(n.childPath("conversions") + "[" + i + "]", "\"" + conversions.get(i)
                        + "\" is the shown or clicked event; a conversion is what follows a click");
            }
        }
        Duration window = n.optDuration("window", Duration.ofDays(1));
        Duration conversionWindow = n.optDuration("conversionWindow", Duration.ofDays(7));
        int remember = n.optInt("remember", 64, 1, 1_000);
        n.rejectUnknown();
        return new ModelSpecs.Feedback(shown, clicked, idProperty, item, new LinkedHashSet<>(conversions), window,
                conversionWindow, remember);
    }

    private static ModelSpecs.Personas personas(DefinitionNode n, List<Feature<?>> features, boolean pcaDeclared) {
        n.requireObject();
        boolean inPca = n.optBoolean("inPcaSpace", false);
        if (inPca && !pcaDeclared) {
            throw n.error("inPcaSpace", "needs a models.pca section to cluster in");
        }
        List<String> names = numericFeatures(n, "features", features, !inPca);
        int k = n.optInt("k", 5, 2, 100);
        n.rejectUnknown();
        return new ModelSpecs.Personas(names, k, inPca);
    }

    private static ModelSpecs.Propensity propensity(DefinitionNode n, List<Feature<?>> features) {
        n.requireObject();
        String target = requireText(n, "target");
        Duration horizon = n.optDuration("horizon", Duration.ofDays(7));
        List<String> names = numericFeatures(n, "features", features, true);
        n.rejectUnknown();
        return new ModelSpecs.Propensity(target, horizon, names);
    }

    private static ModelSpecs.Regression regression(DefinitionNode n, List<Feature<?>> features) {
        n.requireObject();
        String target = requireText(n, "target");
        String property = requireText(n, "property");
        Duration horizon = n.optDuration("horizon", Duration.ofDays(30));
        List<String> names = numericFeatures(n, "features", features, true);
        boolean log = n.optBoolean("logTarget", true);
        n.rejectUnknown();
        return new ModelSpecs.Regression(target, property, horizon, names, log);
    }

    private static ModelSpecs.Pca pca(DefinitionNode n, List<Feature<?>> features) {
        n.requireObject();
        List<String> names = numericFeatures(n, "features", features, true);
        if (names.size() < 2) {
            throw n.error("features", "needs at least 2 features, got " + names.size());
        }
        int components = n.optInt("components", 2, 1, names.size());
        n.rejectUnknown();
        return new ModelSpecs.Pca(names, components);
    }

    private static ModelSpecs.BotScore botScore(DefinitionNode n) {
        n.requireObject();
        double threshold = n.optDouble("threshold", 0.8, 0, 1);
        Map<String, Double> weights = n.optNumberMap("weights");
        for (Map.Entry<String, Double> e : weights.entrySet()) {
            if (!BOT_WEIGHTS.contains(e.getKey())) {
                throw new DefinitionException(n.child("weights").childPath(e.getKey()),
                        "is not a bot-score weight (known: burstiness, narrowness, rate, regularity)");
            }
            if (!(e.getValue() >= 0)) {
                throw new DefinitionException(n.child("weights").childPath(e.getKey()), "must be >= 0, got " + e.getValue());
            }
        }
        if (!weights.isEmpty() && weights.values().stream().mapToDouble(Double::doubleValue).sum() == 0) {
            throw n.error("weights", "at least one weight must be positive");
        }
        n.rejectUnknown();
        return new ModelSpecs.BotScore(threshold, weights.isEmpty() ? null : weights);
    }

    private static String requireText(DefinitionNode n, String key) {
        String v = n.optString(key, null);
        if (v == null || v.isBlank()) {
            throw n.error(key, "is required");
        }
        return v;
    }

    private static List<String> numericFeatures(DefinitionNode n, String key, List<Feature<?>> features, boolean required) {
        List<String> names = n.optStringList(key);
        if (names.isEmpty() && required) {
            throw n.error(key, "is required: a list of numeric features (counts, sums, windows, time_since)");
        }
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String path = n.childPath(key) + "[" + i + "]";
            Feature<?> f = find(features, names.get(i));
            if (f == null) {
                throw new DefinitionException(path, "\"" + names.get(i) + "\" is not a feature");
            }
            if (f.valueType() != ValueType.INT && f.valueType() != ValueType.DOUBLE) {
                throw new DefinitionException(path, "\"" + names.get(i) + "\" is a " + f.kind()
                        + " feature; a model vector needs numbers (int or double)");
            }
            if (!seen.add(names.get(i))) {
                throw new DefinitionException(path, "\"" + names.get(i) + "\" is listed twice");
            }
            out.add(names.get(i));
        }
        return out;
    }

    private static void requireKind(DefinitionNode n, String key, String name, List<Feature<?>> features, String kind) {
        Feature<?> f = find(features, name);
        if (f == null) {
            throw n.error(key, "\"" + name + "\" is not a feature");
        }
        if (!f.kind().equals(kind)) {
            throw n.error(key, "\"" + name + "\" is a " + f.kind() + " feature; it must be a " + kind);
        }
    }

    private static Feature<?> find(List<Feature<?>> features, String name) {
        for (Feature<?> f : features) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        return null;
    }
}
