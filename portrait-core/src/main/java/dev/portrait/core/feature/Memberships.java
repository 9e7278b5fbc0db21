package dev.portrait.core.feature;

import java.util.List;

/**
 * Reads a {@code memberships} feature for the engine, which feeds each account from the events of
 * the people its profile says belong to it (the kind itself is package-private, like every kind).
 */
public final class Memberships {
    private Memberships() {
    }

    /** Whether {@code feature} is a {@code memberships} feature. */
    public static boolean isMemberships(Feature<?> feature) {
        return feature instanceof LastN l && l.keepsGroups();
    }

    /** Whether a memberships state holds no group: the engine's per-event fast path for people in none. */
    public static boolean none(Object state) {
        return ((LastN.State) state).size() == 0;
    }

    /**
     * The group ids a memberships state holds, most recently confirmed first.
     *
     * @throws IllegalArgumentException when the feature is not a memberships feature
     */
    public static List<String> groups(Feature<?> feature, Object state) {
        if (!isMemberships(feature)) {
            throw new IllegalArgumentException(feature + " is not a memberships feature");
        }
        LastN l = (LastN) feature;
        return l.values((LastN.State) state);
    }
}
