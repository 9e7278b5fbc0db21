package dev.portrait.core.definition;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The definition's {@code experiments:} section: A/B tests, each assigning the people of a population
 * (a segment) to weighted variants by a keyed hash of their profile id, and the key.
 *
 * @param key         the secret the assignment hash is keyed with (so people cannot pick their variant by
 *                    picking an identifier): the definition's {@code experiments.key}, or {@link #DERIVED_KEY}
 *                    when it gives none (the engine then derives one from its profile-id secret)
 * @param experiments the experiments, in definition order
 */
public record ExperimentSpecs(String key, List<Experiment> experiments) {
    /** The key of a definition that gives none: the engine derives one (see {@code ExperimentFeed}). */
    public static final String DERIVED_KEY = "";
    private static final ExperimentSpecs NONE = new ExperimentSpecs(DERIVED_KEY, List.of());

    public ExperimentSpecs {
        Objects.requireNonNull(key, "key");
        experiments = List.copyOf(experiments);
    }

    /** Whether the definition gave no key, so the engine derives one. */
    public boolean derivedKey() {
        return key.equals(DERIVED_KEY);
    }

    public static ExperimentSpecs none() {
        return NONE;
    }

    /** The experiment of this name, or null. */
    public Experiment byName(String name) {
        for (Experiment e : experiments) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    /**
     * One experiment.
     *
     * @param name        its name ({@code ranking_v2})
     * @param population  the segment whose people take part, or null for everyone
     * @param varies      what differs between variants ({@code recommender} settings or a {@code model} version)
     * @param variants    the variants, the first being the control every other is compared with
     * @param exposure    the event that shows the varied thing ({@code Recommendation Shown}); CTR's denominator
     * @param click       the event of a click on it ({@code Recommendation Clicked})
     * @param conversions events that count as converting
     * @param revenueEvent the event carrying revenue, or null
     * @param revenueProperty its amount's property
     * @param alpha       the sequential test's level
     * @param tau         the mSPRT's mixing standard deviation for rate differences (CTR, conversion)
     * @param revenueTau  its mixing standard deviation for the difference of revenue per person
     * @param path        where it was declared
     */
    public record Experiment(String name, String population, String varies, List<Variant> variants, String exposure,
                             String click, Set<String> conversions, String revenueEvent, String revenueProperty,
                             double alpha, double tau, double revenueTau, String path) {
        public Experiment {
            Objects.requireNonNull(name, "name");
            variants = List.copyOf(variants);
            conversions = Set.copyOf(conversions);
            if (variants.size() < 2) {
                throw new IllegalArgumentException(path + ": an experiment needs two variants or more");
            }
            if (!(alpha > 0 && alpha < 1)) {
                throw new IllegalArgumentException(path + ".alpha: " + alpha + " is not in (0, 1)");
            }
        }

        /** Whether its variants set the recommender's serving settings ({@code varies: recommender}). */
        public boolean variesRecommender() {
            return "recommender".equals(varies);
        }

        /** Whether an event of this key is one the results count. */
        public boolean counts(String eventKey) {
            return eventKey.equals(exposure) || eventKey.equals(click) || conversions.contains(eventKey)
                    || eventKey.equals(revenueEvent);
        }
    }

    /**
     * A variant.
     *
     * @param name     its name ({@code control})
     * @param weight   its share of the population, relative to the others' weights
     * @param settings what it sets: for {@code varies: recommender} the recommender's serving settings, checked
     *                 and read at load ({@code categoryWeight: 0.5}, durations as milliseconds), applied to the
     *                 answers served to the variant's people; for {@code varies: model}, a label
     *                 ({@code model: v2}) carried for the reader
     */
    public record Variant(String name, double weight, Map<String, Object> settings) {
        public Variant {
            Objects.requireNonNull(name, "name");
            settings = Map.copyOf(settings);
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new IllegalArgumentException("variant " + name + " needs a positive weight, not " + weight);
            }
        }
    }
}
