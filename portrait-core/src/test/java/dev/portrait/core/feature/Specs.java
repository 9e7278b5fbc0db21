package dev.portrait.core.feature;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portrait.core.definition.DefinitionNode;
import dev.portrait.core.definition.FeatureSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;

/** Builds features from YAML the way the definition loader does, including its check for unknown keys. */
final class Specs {
    static final String PATH = "features[3]";
    private static final YAMLMapper YAML = new YAMLMapper();

    private Specs() {
    }

    static FeatureSpec spec(String yaml) {
        JsonNode json;
        try {
            json = YAML.readTree(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DefinitionNode node = new DefinitionNode(json, PATH);
        String name = node.optString("name", "feature");
        String kind = node.requireString("kind");
        node.optString("description", null);
        return new FeatureSpec(name, kind, new LinkedHashSet<>(node.optStringList("events")), node);
    }

    /** The configured feature; fails like the loader when a key was not read by the kind. */
    @SuppressWarnings("unchecked")
    static <S> Feature<S> feature(String yaml) {
        FeatureSpec spec = spec(yaml);
        FeatureKind kind = FeatureKinds.byName(spec.kind());
        if (kind == null) {
            throw new IllegalArgumentException("no kind " + spec.kind());
        }
        Feature<?> feature = kind.create(spec);
        spec.params().rejectUnknown();
        return (Feature<S>) feature;
    }
}
