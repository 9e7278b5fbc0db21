package dev.portrait.core.feature;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every feature kind a definition can name in {@code kind:}. A new kind is one file holding its
 * {@link FeatureKind} and state, its test, and one line in {@link #KINDS}.
 */
public final class FeatureKinds {
    private static final List<FeatureKind> KINDS = List.of(
            Count.KIND,
            PropertyStatistic.SUM,
            PropertyStatistic.MIN,
            PropertyStatistic.MAX,
            PropertyStatistic.MEAN,
            SlidingWindow.COUNT,
            SlidingWindow.SUM,
            Ewma.KIND,
            DecayedScores.KIND,
            DistinctCount.KIND,
            FrequentItems.KIND,
            LastN.KIND,
            EventTimes.FIRST_SEEN,
            EventTimes.LAST_SEEN,
            EventTimes.TIME_SINCE,
            Sessions.KIND,
            Rfm.KIND,
            Relations.TIE_STRENGTH,
            Relations.STRONG_TIES,
            Relations.DEGREE,
            Relations.RECIPROCITY);

    private static final Map<String, FeatureKind> BY_NAME = index();

    private FeatureKinds() {
    }

    private static Map<String, FeatureKind> index() {
        Map<String, FeatureKind> byName = new LinkedHashMap<>();
        for (FeatureKind kind : KINDS) {
            if (byName.put(kind.name(), kind) != null) {
                throw new IllegalStateException("two feature kinds are named " + kind.name());
            }
        }
        return Map.copyOf(byName);
    }

    /** The kind called {@code kind} ({@code window_count}), or {@code null} when there is none. */
    public static FeatureKind byName(String kind) {
        return kind == null ? null : BY_NAME.get(kind);
    }

    /** All kinds, in a stable order (for documentation and error messages). */
    public static Collection<FeatureKind> all() {
        return KINDS;
    }
}
