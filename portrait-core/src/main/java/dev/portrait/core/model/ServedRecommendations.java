package dev.portrait.core.model;

import java.util.List;
import java.util.Objects;

/**
 * One recommendations answer as served: its id (which the app sends back with what it showed and what was
 * clicked, {@link RecommendationIds}), where it is shown, the model that made it, the experiment variant
 * whose settings it was made under (null for none), whether reasons are shown, and the items best first.
 */
public record ServedRecommendations(String recommendationId, String placement, String model, String experiment,
                                    String variant, boolean reasons, List<Recommendation> items) {
    public ServedRecommendations {
        Objects.requireNonNull(recommendationId, "recommendationId");
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(model, "model");
        if ((experiment == null) != (variant == null)) {
            throw new IllegalArgumentException("an experiment and its variant go together, got " + experiment + " and "
                    + variant);
        }
        items = List.copyOf(items);
    }
}
