package dev.portrait.synth;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Persons view mostly their favourite category, and some change favourite once. */
class InterestDriftTest {
    private static final Duration WINDOW = Duration.ofHours(12);
    private static final SyntheticConfig CONFIG = SyntheticConfig.defaults(33).withUsers(2_000)
            .withCatalogue(2_000, 20, 100).withConcurrentSessions(100).withDrift(0.5, WINDOW).withFlaws(0, 0);

    /** Views per person per category, in the first and the last third of the drift window. */
    private record Thirds(Map<Integer, int[]> first, Map<Integer, int[]> last, SyntheticStream stream) {
    }

    private static Thirds viewsByThird() {
        SyntheticStream stream = SyntheticStream.of(CONFIG);
        Catalogue catalogue = stream.catalogue();
        long start = CONFIG.start().toEpochMilli();
        long third = WINDOW.toMillis() / 3;
        Map<Integer, int[]> first = new HashMap<>();
        Map<Integer, int[]> last = new HashMap<>();
        while (stream.clock().isBefore(CONFIG.start().plus(WINDOW))) {
            SyntheticEvent e = stream.next();
            if (!"Product Viewed".equals(e.json().get("event"))) {
                continue;
            }
            long t = Instant.parse((String) e.json().get("timestamp")).toEpochMilli();
            Map<Integer, int[]> bucket = t < start + third ? first : t >= start + 2 * third ? last : null;
            if (bucket != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> properties = (Map<String, Object>) e.json().get("properties");
                int category = catalogue.categoryIndex(catalogue.indexOf((String) properties.get("product_id")));
                bucket.computeIfAbsent(Persona.indexOf(e.personId()), k -> new int[catalogue.categories().size()])
                        [category]++;
            }
        }
        return new Thirds(first, last, stream);
    }

    private static int top(int[] counts) {
        int best = 0;
        for (int c = 1; c < counts.length; c++) {
            if (counts[c] > counts[best]) {
                best = c;
            }
        }
        return best;
    }

    private static int sum(int[] counts) {
        int s = 0;
        for (int c : counts) {
            s += c;
        }
        return s;
    }

    @Test
    void driftingPersonsTopCategoryChangesBetweenTheFirstAndLastThirdWhileSteadyPersonsKeepIt() {
        Thirds thirds = viewsByThird();
        int drifting = 0;
        int driftingChanged = 0;
        int lateTopIsLaterFavourite = 0;
        int steady = 0;
        int steadyChanged = 0;
        for (Map.Entry<Integer, int[]> entry : thirds.first().entrySet()) {
            int[] early = entry.getValue();
            int[] late = thirds.last().get(entry.getKey());
            if (late == null || sum(early) < 8 || sum(late) < 8) {
                continue;
            }
            Persona persona = thirds.stream().persona(entry.getKey());
            boolean changed = top(early) != top(late);
            if (persona.drifts()) {
                drifting++;
                driftingChanged += changed ? 1 : 0;
                if (thirds.stream().catalogue().categories().get(top(late)).equals(persona.laterFavouriteCategory())) {
                    lateTopIsLaterFavourite++;
                }
            } else {
                steady++;
                steadyChanged += changed ? 1 : 0;
            }
        }
        assertThat(drifting).as("drifting persons with enough views").isGreaterThan(30);
        assertThat(steady).as("steady persons with enough views").isGreaterThan(30);
        assertThat(driftingChanged / (double) drifting).isGreaterThan(0.8);
        assertThat(lateTopIsLaterFavourite / (double) drifting).isGreaterThan(0.8);
        assertThat(steadyChanged / (double) steady).isLessThan(0.2);
    }

    @Test
    void mostViewsFallInTheFavouriteCategoryOfTheMoment() {
        SyntheticStream stream = SyntheticStream.of(CONFIG).limit(100_000);
        Catalogue catalogue = stream.catalogue();
        int views = 0;
        int inFavourite = 0;
        while (stream.hasNext()) {
            SyntheticEvent e = stream.next();
            if (!"Product Viewed".equals(e.json().get("event"))) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = (Map<String, Object>) e.json().get("properties");
            Persona persona = stream.persona(Persona.indexOf(e.personId()));
            String category = catalogue.category(catalogue.indexOf((String) properties.get("product_id")));
            views++;
            if (category.equals(persona.favouriteCategoryAt(Instant.parse((String) e.json().get("timestamp"))))) {
                inFavourite++;
            }
        }
        // favouriteShare 0.7, plus the favourite's share of the popularity-driven rest.
        assertThat(inFavourite / (double) views).isBetween(0.7, 0.9);
    }
}
