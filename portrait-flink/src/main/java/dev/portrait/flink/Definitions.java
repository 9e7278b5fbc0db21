package dev.portrait.flink;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;

/**
 * Operators carry the definition as its YAML text (a definition object is not serializable) and each
 * parses it when it opens, so every task runs the same rules.
 */
final class Definitions {
    private Definitions() {
    }

    static ProfileDefinition parse(String yaml) {
        return yaml == null ? DefinitionLoader.defaultEcommerce() : DefinitionLoader.parse(yaml, "definition");
    }
}
