package dev.portrait.core.feature;

import dev.portrait.core.definition.FeatureSpec;

import java.util.Objects;
import java.util.function.Function;

/** A kind given by its name, its one-line description and the factory that reads its parameters. */
record DeclaredKind(String name, String description, Function<FeatureSpec, Feature<?>> factory) implements FeatureKind {
    DeclaredKind {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description of " + name);
        Objects.requireNonNull(factory, "factory of " + name);
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("kind name \"" + name + "\" is not lower_snake_case");
        }
    }

    @Override
    public Feature<?> create(FeatureSpec spec) {
        return factory.apply(spec);
    }
}
