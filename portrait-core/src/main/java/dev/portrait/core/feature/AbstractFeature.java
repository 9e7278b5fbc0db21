package dev.portrait.core.feature;

import dev.portrait.core.definition.FeatureSpec;

import java.util.Set;

/** What every kind has in common: its name in the definition, its kind, its value type and events. */
abstract class AbstractFeature<S> implements Feature<S> {
    private final String name;
    private final String kind;
    private final ValueType valueType;
    private final Set<String> events;

    AbstractFeature(FeatureSpec spec, String kind, ValueType valueType) {
        this(spec, kind, valueType, spec.events());
    }

    AbstractFeature(FeatureSpec spec, String kind, ValueType valueType, Set<String> events) {
        this.name = spec.name();
        this.kind = kind;
        this.valueType = valueType;
        this.events = Set.copyOf(events);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String kind() {
        return kind;
    }

    @Override
    public final ValueType valueType() {
        return valueType;
    }

    @Override
    public final Set<String> events() {
        return events;
    }

    @Override
    public boolean orderFree() {
        return true;
    }

    @Override
    public String toString() {
        return kind + " " + name;
    }
}
