package dev.portrait.synth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The ground truth about one synthetic person, for tests and evaluations: who they are behind
 * their identifiers, and what their interest was meant to be at each moment.
 *
 * @param index                  the person's number in the population
 * @param personId               the id {@link SyntheticEvent#personId()} carries
 * @param userId                 the id they identify with
 * @param anonymousIds           one per device; two when they also use a second device
 * @param email                  lower-case, unique in the population
 * @param anonymousFirst         whether their first device browses anonymously before identifying
 * @param linksWithAlias         whether their second device is linked by {@code alias}
 * @param favouriteCategory      the category most of their views fall in at first
 * @param laterFavouriteCategory the favourite after {@code driftAt}; the same as
 *                               {@code favouriteCategory} when they do not drift
 * @param driftAt                when the favourite changes, or {@code null}
 */
public record Persona(
        int index,
        String personId,
        String userId,
        List<String> anonymousIds,
        String email,
        boolean anonymousFirst,
        boolean linksWithAlias,
        String favouriteCategory,
        String laterFavouriteCategory,
        Instant driftAt) {

    private static final String PREFIX = "person-";

    public Persona {
        Objects.requireNonNull(personId, "personId");
        anonymousIds = List.copyOf(anonymousIds);
    }

    public boolean drifts() {
        return driftAt != null;
    }

    /** The favourite category at a moment. */
    public String favouriteCategoryAt(Instant at) {
        return driftAt != null && !at.isBefore(driftAt) ? laterFavouriteCategory : favouriteCategory;
    }

    /** The person id of a population index. */
    public static String personId(int index) {
        return PREFIX + index;
    }

    /** The population index of a person id. */
    public static int indexOf(String personId) {
        if (personId == null || !personId.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a synthetic person id: " + personId);
        }
        return Integer.parseInt(personId, PREFIX.length(), personId.length(), 10);
    }
}
