package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.FeatureSpec;

/**
 * A kind of feature ({@code window_count}, {@code decayed_scores}, …): reads its parameters from a
 * definition entry and returns the configured {@link Feature}. Parameter errors are
 * {@link DefinitionException}s naming the path, via {@code spec.params()}'s getters.
 */
public interface FeatureKind {
    /** The name used as {@code kind:} in the definition. */
    String name();

    /** One sentence for docs and error messages. */
    String description();

    Feature<?> create(FeatureSpec spec) throws DefinitionException;
}
