package dev.portrait.core.definition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The purposes a definition declares (such as {@code analytics}, {@code personalization},
 * {@code advertising}) and which traits and features serve each. A field tagged with purposes is fed
 * only by events of people who consent to all of them, and is cleared when one is withdrawn.
 *
 * @param declared the purposes, in declaration order (at most 64)
 * @param features feature name → its purposes (untagged features are absent: they need no consent)
 * @param traits   trait name → its purposes
 * @param models   the purposes the {@code models:} section serves (all models: they share what they learn)
 */
public record Purposes(Map<String, Purpose> declared, Map<String, Set<String>> features, Map<String, Set<String>> traits,
                       Set<String> models) {
    /** A definition without purposes: no consent is looked at. */
    public static final Purposes NONE = new Purposes(Map.of(), Map.of(), Map.of(), Set.of());

    /** The most purposes a definition may declare (they are a bit set per field). */
    public static final int MAX = 64;

    /** The trait name prefix under which a person's consent to each purpose is kept ({@code consent.analytics}). */
    public static final String CONSENT_TRAIT_PREFIX = "consent.";

    /**
     * One purpose.
     *
     * @param name       the purpose, as fields name it
     * @param categories the consent categories of Segment's {@code context.consent.categoryPreferences}
     *                   that grant it (all of those an event mentions must be true); by default its own name
     * @param granted    whether a person who never said anything consents (true: opt-out; false: opt-in)
     */
    public record Purpose(String name, List<String> categories, boolean granted) {
        public Purpose {
            Objects.requireNonNull(name, "name");
            categories = List.copyOf(categories);
            if (categories.isEmpty()) {
                throw new IllegalArgumentException("purpose " + name + " has no consent categories");
            }
        }
    }

    public Purposes {
        declared = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(declared));
        features = Map.copyOf(features);
        traits = Map.copyOf(traits);
        models = Set.copyOf(models);
        if (declared.size() > MAX) {
            throw new IllegalArgumentException("at most " + MAX + " purposes, got " + declared.size());
        }
    }

    public boolean any() {
        return !declared.isEmpty();
    }

    /** The declared purpose names, in order: a purpose's index is its bit. */
    public List<String> names() {
        return new ArrayList<>(declared.keySet());
    }
}
