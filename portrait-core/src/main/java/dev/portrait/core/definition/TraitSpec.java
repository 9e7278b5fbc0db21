package dev.portrait.core.definition;

import java.util.List;
import java.util.Objects;

/**
 * A declared trait. Traits arrive in {@code identify} calls' {@code traits} (and in
 * {@code context.traits} of other calls).
 *
 * @param name    the trait name
 * @param type    its value type; a value of another type is rejected by cleaning
 * @param policy  how conflicting values resolve
 * @param sources for {@link ConflictPolicy#SOURCE_PRIORITY}: sources from most to least trusted
 * @param pii     whether the value identifies a person (encrypted at rest by the runtimes)
 */
public record TraitSpec(String name, TraitType type, ConflictPolicy policy, List<String> sources, boolean pii,
                        String path) {
    public TraitSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(policy, "policy");
        sources = List.copyOf(sources);
        if (policy == ConflictPolicy.SOURCE_PRIORITY && sources.isEmpty()) {
            throw new DefinitionException(path, "policy source_priority needs a sources list");
        }
    }

    /** The rank of a source under {@link ConflictPolicy#SOURCE_PRIORITY}: lower is more trusted. */
    public int rank(String source) {
        int i = sources.indexOf(source);
        return i < 0 ? sources.size() : i;
    }
}
