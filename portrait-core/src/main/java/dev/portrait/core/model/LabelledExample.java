package dev.portrait.core.model;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A training example whose label the stream settled: the profile's features as they were at
 * {@code createdAt}, and whether the target event followed within the delay ({@code labelledAt} is
 * when that became known: the target event's time, or the deadline).
 */
public record LabelledExample(long createdAt, Map<String, Double> features, boolean label, long labelledAt) {
    public LabelledExample {
        features = Collections.unmodifiableMap(new TreeMap<>(features));
        if (labelledAt < createdAt) {
            throw new IllegalArgumentException("an example created at " + createdAt + " cannot be labelled earlier, at "
                    + labelledAt);
        }
    }
}
