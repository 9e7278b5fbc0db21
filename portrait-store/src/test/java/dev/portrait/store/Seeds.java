package dev.portrait.store;

import java.util.SplittableRandom;

/** Seeded randomness for property tests: the seed is printed when a property fails. */
final class Seeds {
    private Seeds() {
    }

    interface Property {
        void check(SplittableRandom random) throws Exception;
    }

    /** Runs {@code property} once per seed; a failure is rethrown with the seed that reproduces it. */
    static void forEachSeed(long firstSeed, int seeds, Property property) throws Exception {
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            try {
                property.check(new SplittableRandom(seed));
            } catch (AssertionError | Exception e) {
                System.out.println("property failed with seed " + seed);
                throw new AssertionError("property failed with seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }
}
