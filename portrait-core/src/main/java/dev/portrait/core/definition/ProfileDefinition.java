package dev.portrait.core.definition;

import dev.portrait.core.feature.Feature;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a profile is: which events are valid and how they are cleaned, which traits exist and how
 * conflicts resolve, which features are computed, how identities link, and which segments exist.
 * Loaded from YAML by {@link DefinitionLoader}, which checks everything (segments are type-checked
 * against the declared traits and features) so that a loaded definition is always usable.
 *
 * @param name        the definition's name
 * @param version     its version, as the author counts
 * @param cleaning    cleaning rules and limits
 * @param events      declared events by key
 * @param traits      declared traits by name
 * @param features    configured features, in definition order (the order of a profile's states)
 * @param identity    identifier rules, in priority order
 * @param segments    declared segments, in definition order
 * @param models      the models the engine runs (the {@code models:} section)
 * @param accounts    how group calls make account profiles (the {@code accounts:} section)
 * @param experiments the A/B tests (the {@code experiments:} section)
 * @param fingerprint a hash of the source text, stored with profiles so a runtime knows when a
 *                    profile was computed under another definition
 * @param purposes    the declared purposes and the traits and features each serves (consent)
 */
public record ProfileDefinition(String name, int version, CleaningPolicy cleaning, Map<String, EventSpec> events,
                                Map<String, TraitSpec> traits, List<Feature<?>> features,
                                List<IdentityRule> identity, List<SegmentSpec> segments, ModelSpecs models,
                                AccountSpecs accounts, ExperimentSpecs experiments, String fingerprint,
                                Purposes purposes) {
    public ProfileDefinition {
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(accounts, "accounts");
        Objects.requireNonNull(experiments, "experiments");
        Objects.requireNonNull(purposes, "purposes");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(cleaning, "cleaning");
        events = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(events));
        traits = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(traits));
        features = List.copyOf(features);
        identity = List.copyOf(identity);
        segments = List.copyOf(segments);
        Objects.requireNonNull(fingerprint, "fingerprint");
    }

    /** A definition without accounts and experiments. */
    public ProfileDefinition(String name, int version, CleaningPolicy cleaning, Map<String, EventSpec> events,
                             Map<String, TraitSpec> traits, List<Feature<?>> features, List<IdentityRule> identity,
                             List<SegmentSpec> segments, ModelSpecs models, String fingerprint, Purposes purposes) {
        this(name, version, cleaning, events, traits, features, identity, segments, models, AccountSpecs.none(),
                ExperimentSpecs.none(), fingerprint, purposes);
    }

    /** A definition without purposes (no consent is looked at). */
    public ProfileDefinition(String name, int version, CleaningPolicy cleaning, Map<String, EventSpec> events,
                             Map<String, TraitSpec> traits, List<Feature<?>> features, List<IdentityRule> identity,
                             List<SegmentSpec> segments, ModelSpecs models, AccountSpecs accounts,
                             ExperimentSpecs experiments, String fingerprint) {
        this(name, version, cleaning, events, traits, features, identity, segments, models, accounts, experiments,
                fingerprint, Purposes.NONE);
    }

    /** A definition without accounts, experiments or purposes. */
    public ProfileDefinition(String name, int version, CleaningPolicy cleaning, Map<String, EventSpec> events,
                             Map<String, TraitSpec> traits, List<Feature<?>> features, List<IdentityRule> identity,
                             List<SegmentSpec> segments, ModelSpecs models, String fingerprint) {
        this(name, version, cleaning, events, traits, features, identity, segments, models, fingerprint, Purposes.NONE);
    }

    /** A definition without models. */
    public ProfileDefinition(String name, int version, CleaningPolicy cleaning, Map<String, EventSpec> events,
                             Map<String, TraitSpec> traits, List<Feature<?>> features, List<IdentityRule> identity,
                             List<SegmentSpec> segments, String fingerprint) {
        this(name, version, cleaning, events, traits, features, identity, segments, ModelSpecs.none(), fingerprint);
    }

    /** The index of a feature by name, or -1. */
    public int featureIndex(String featureName) {
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i).name().equals(featureName)) {
                return i;
            }
        }
        return -1;
    }

    /** The rule of an identifier type, or {@code null}. */
    public IdentityRule identityRule(String type) {
        for (IdentityRule r : identity) {
            if (r.type().equals(type)) {
                return r;
            }
        }
        return null;
    }
}
