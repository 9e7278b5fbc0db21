package dev.portrait.core.definition;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code models:} section of a definition: which of the engine's models run and on what. Each
 * model is optional ({@code null} when not declared); a definition without the section runs none.
 * Checked at load by {@link ModelsLoader}, which names the path of every error
 * ({@code models.propensity.features[2]: "views_31d" is not a feature}).
 *
 * @param recommender item-to-item co-occurrence recommendations, or null
 * @param personas    streaming k-means over standardised features, or null
 * @param propensity  the chance of a target event within a horizon (online logistic regression), or null
 * @param regression  a numeric outcome within a horizon (online linear regression), or null
 * @param pca         incremental principal components of a feature vector, or null
 * @param botScore    the behaviour-only bot/anomaly score, or null
 */
public record ModelSpecs(Recommender recommender, Personas personas, Propensity propensity, Regression regression,
                         Pca pca, BotScore botScore) {

    /** No models. */
    public static ModelSpecs none() {
        return new ModelSpecs(null, null, null, null, null, null);
    }

    /** Whether any model is declared. */
    public boolean any() {
        return recommender != null || personas != null || propensity != null || regression != null || pca != null
                || botScore != null;
    }

    /**
     * @param interactions  weight of an interaction by event key (other events are not interactions)
     * @param itemProperty  the property holding the item id (also inside each of {@code products})
     * @param categoryProperty the property holding an item's category, or null
     * @param purchaseEvents events whose items a person has bought (left out of their recommendations)
     * @param recentFeature  a {@code last_n} feature of item ids: the person's recent history, or null
     * @param interestFeature a {@code decayed_scores} feature of categories: the person's interests, or null
     * @param halfLife      how fast co-occurrence and popularity fade
     * @param pairWindow    how far back in a person's history a pair may reach
     * @param neighbours    co-occurring items kept per item
     * @param maxItems      items kept, the most popular
     * @param categoryWeight   weight of the category part of a score
     * @param popularityWeight weight of the popularity part of a score
     * @param feedback      how what people did with the recommendations is joined to them, or null
     * @param social        the "people like you follow" part, or null for none
     */
    public record Recommender(Map<String, Double> interactions, String itemProperty, String categoryProperty,
                              Set<String> purchaseEvents, String recentFeature, String interestFeature,
                              Duration halfLife, Duration pairWindow, int neighbours, int maxItems,
                              double categoryWeight, double popularityWeight, Feedback feedback, Social social) {
        public Recommender {
            interactions = Map.copyOf(interactions);
            Objects.requireNonNull(itemProperty, "itemProperty");
            purchaseEvents = Set.copyOf(purchaseEvents);
        }
    }

    /**
     * The social part of a score ({@code models.recommender.social}): items the person's strongest ties
     * interacted with recently (their {@code recent} feature), weighted by how strong the tie is.
     *
     * @param ties    a {@code tie_strength} feature: who the person's ties are and how strong
     * @param weight  weight of the social part of a score
     * @param maxTies how many of the strongest ties are read per answer
     */
    public record Social(String ties, double weight, int maxTies) {
        public Social {
            Objects.requireNonNull(ties, "ties");
        }
    }

    /**
     * The feedback loop ({@code models.recommender.feedback}): each recommendations answer carries an id,
     * and the events below are joined to it.
     *
     * @param shown            the event an app sends when it shows an answer ({@code Recommendation Shown})
     * @param clicked          the event of a click on one of its items ({@code Recommendation Clicked})
     * @param idProperty       the property carrying the answer's id ({@code recommendation_id})
     * @param itemProperty     the clicked item's property (defaults to the recommender's {@code item})
     * @param conversions      events whose items (the recommender's {@code item}, also inside {@code products})
     *                         convert an earlier click on one of them
     * @param window           how long after an answer was served its Shown and Clicked events count
     * @param conversionWindow how long after a click a conversion counts
     * @param remember         answers remembered per person (to count each once and to find conversions)
     */
    public record Feedback(String shown, String clicked, String idProperty, String itemProperty,
                           Set<String> conversions, Duration window, Duration conversionWindow, int remember) {
        public Feedback {
            Objects.requireNonNull(shown, "shown");
            Objects.requireNonNull(clicked, "clicked");
            Objects.requireNonNull(idProperty, "idProperty");
            Objects.requireNonNull(itemProperty, "itemProperty");
            conversions = Set.copyOf(conversions);
            if (shown.equals(clicked)) {
                throw new IllegalArgumentException("the shown and clicked events must differ, both are " + shown);
            }
        }
    }

    /**
     * @param features numeric features, one dimension each
     * @param k        the number of personas
     * @param inPcaSpace cluster people in the space of the {@code pca} model's components instead
     */
    public record Personas(List<String> features, int k, boolean inPcaSpace) {
        public Personas {
            features = List.copyOf(features);
        }
    }

    /**
     * @param target   the event whose occurrence is predicted
     * @param horizon  within how long after an example opens
     * @param features numeric features the prediction reads
     */
    public record Propensity(String target, Duration horizon, List<String> features) {
        public Propensity {
            Objects.requireNonNull(target, "target");
            features = List.copyOf(features);
        }
    }

    /**
     * @param target   the event whose property is summed
     * @param property the numeric property summed ({@code revenue})
     * @param horizon  the sum runs over this long after an example opens
     * @param features numeric features the prediction reads
     * @param logTarget whether the model learns {@code log1p(sum)} (spend is heavy-tailed) and predicts back
     */
    public record Regression(String target, String property, Duration horizon, List<String> features,
                             boolean logTarget) {
        public Regression {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(property, "property");
            features = List.copyOf(features);
        }
    }

    /**
     * @param features   numeric features, one dimension each
     * @param components how many leading components to keep
     */
    public record Pca(List<String> features, int components) {
        public Pca {
            features = List.copyOf(features);
        }
    }

    /**
     * @param threshold score at or above which a profile is a suspected bot
     * @param weights   fitted weights of the rate, burstiness, regularity and narrowness components,
     *                  or null for the defaults
     */
    public record BotScore(double threshold, Map<String, Double> weights) {
        public BotScore {
            weights = weights == null ? null : Map.copyOf(weights);
        }
    }
}
