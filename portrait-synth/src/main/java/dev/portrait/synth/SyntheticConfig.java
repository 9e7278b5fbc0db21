package dev.portrait.synth;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The knobs of a {@link SyntheticStream}. Start from {@link #defaults(long)} and change what a test
 * or benchmark cares about with the {@code with…} methods; every value is checked when the record
 * is made, and the message names the knob and the bad value.
 *
 * @param seed                   the only source of randomness: the same config gives the same bytes
 * @param users                  size of the population (persons); most are rarely or never active
 * @param items                  size of the catalogue; items are numbered by popularity rank
 * @param categories             number of categories; at most {@code items}
 * @param brands                 number of brands; each has a home category
 * @param start                  event time of the first session (a parameter: the core reads no clock)
 * @param itemPopularityExponent Zipf exponent of item popularity ({@code 1.1})
 * @param userActivityExponent   Zipf exponent of how often a person starts a session ({@code 0.7})
 * @param concurrentSessions     sessions open at any moment; with {@code medianGap} this sets how
 *                               many events a simulated second holds (about 120 by default, so a
 *                               million events span some two and a quarter simulated hours). A
 *                               population smaller than this has one session per person open.
 * @param medianGap              median think time between two events of a session (log-normal,
 *                               so gaps run from seconds to minutes)
 * @param anonymousFirstShare    persons who browse anonymously before they first identify
 * @param secondDeviceShare      persons who also use a second device (web plus an app)
 * @param aliasShare             of those, the share that link the second device with {@code alias}
 *                               instead of {@code identify}
 * @param favouriteShare         share of product views and searches in the person's current
 *                               favourite category; the rest follow global popularity
 * @param driftShare             persons whose favourite category changes once, at a moment in the
 *                               middle third of {@code driftWindow}
 * @param driftWindow            the span, from {@code start}, over which drifts (and plan upgrades)
 *                               are placed
 * @param duplicateRate          share of emitted events that re-send an earlier event verbatim
 * @param malformedRate          share of emitted events broken in one labelled way
 * @param jitterShare            share of events whose timestamp runs up to {@code maxJitter} behind
 *                               the simulated clock (out-of-order arrival)
 * @param maxJitter              how far such a timestamp may run behind
 */
public record SyntheticConfig(
        long seed,
        int users,
        int items,
        int categories,
        int brands,
        Instant start,
        double itemPopularityExponent,
        double userActivityExponent,
        int concurrentSessions,
        Duration medianGap,
        double anonymousFirstShare,
        double secondDeviceShare,
        double aliasShare,
        double favouriteShare,
        double driftShare,
        Duration driftWindow,
        double duplicateRate,
        double malformedRate,
        double jitterShare,
        Duration maxJitter) {

    /** A fixed default start; a constant, never the clock, so a seed alone fixes the stream. */
    public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

    public SyntheticConfig {
        atLeast("users", users, 1);
        atLeast("items", items, 1);
        atLeast("categories", categories, 1);
        if (categories > items) {
            throw new IllegalArgumentException("categories must not exceed items (" + items + "), got " + categories);
        }
        atLeast("brands", brands, 1);
        Objects.requireNonNull(start, "start");
        positive("itemPopularityExponent", itemPopularityExponent);
        positive("userActivityExponent", userActivityExponent);
        atLeast("concurrentSessions", concurrentSessions, 1);
        positive("medianGap", medianGap);
        share("anonymousFirstShare", anonymousFirstShare);
        share("secondDeviceShare", secondDeviceShare);
        share("aliasShare", aliasShare);
        share("favouriteShare", favouriteShare);
        share("driftShare", driftShare);
        positive("driftWindow", driftWindow);
        share("duplicateRate", duplicateRate);
        share("malformedRate", malformedRate);
        if (duplicateRate + malformedRate >= 1) {
            throw new IllegalArgumentException("duplicateRate + malformedRate must stay below 1, got "
                    + (duplicateRate + malformedRate));
        }
        share("jitterShare", jitterShare);
        Objects.requireNonNull(maxJitter, "maxJitter");
        if (maxJitter.isNegative()) {
            throw new IllegalArgumentException("maxJitter must not be negative, got " + maxJitter);
        }
        if (jitterShare > 0 && maxJitter.toMillis() < 1) {
            throw new IllegalArgumentException("maxJitter must be at least 1 ms when jitterShare is "
                    + jitterShare + ", got " + maxJitter);
        }
    }

    /**
     * A shop of a million persons, ten thousand items in 40 categories and 400 brands, starting
     * {@link #DEFAULT_START}; 0.5% duplicates, 0.5% malformed, 1% of timestamps up to 3 s late.
     */
    public static SyntheticConfig defaults(long seed) {
        return new SyntheticConfig(seed, 1_000_000, 10_000, 40, 400, DEFAULT_START,
                1.1, 0.7, 2_000, Duration.ofSeconds(15),
                0.6, 0.25, 0.2, 0.7, 0.5, Duration.ofDays(7),
                0.005, 0.005, 0.01, Duration.ofSeconds(3));
    }

    public SyntheticConfig withSeed(long v) {
        return new SyntheticConfig(v, users, items, categories, brands, start, itemPopularityExponent,
                userActivityExponent, concurrentSessions, medianGap, anonymousFirstShare, secondDeviceShare,
                aliasShare, favouriteShare, driftShare, driftWindow, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    public SyntheticConfig withUsers(int v) {
        return new SyntheticConfig(seed, v, items, categories, brands, start, itemPopularityExponent,
                userActivityExponent, concurrentSessions, medianGap, anonymousFirstShare, secondDeviceShare,
                aliasShare, favouriteShare, driftShare, driftWindow, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    /** The catalogue's shape in one call, since the three constrain each other. */
    public SyntheticConfig withCatalogue(int newItems, int newCategories, int newBrands) {
        return new SyntheticConfig(seed, users, newItems, newCategories, newBrands, start, itemPopularityExponent,
                userActivityExponent, concurrentSessions, medianGap, anonymousFirstShare, secondDeviceShare,
                aliasShare, favouriteShare, driftShare, driftWindow, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    public SyntheticConfig withStart(Instant v) {
        return new SyntheticConfig(seed, users, items, categories, brands, v, itemPopularityExponent,
                userActivityExponent, concurrentSessions, medianGap, anonymousFirstShare, secondDeviceShare,
                aliasShare, favouriteShare, driftShare, driftWindow, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    public SyntheticConfig withItemPopularityExponent(double v) {
        return new SyntheticConfig(seed, users, items, categories, brands, start, v,
                userActivityExponent, concurrentSessions, medianGap, anonymousFirstShare, secondDeviceShare,
                aliasShare, favouriteShare, driftShare, driftWindow, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    public SyntheticConfig withUserActivityExponent(double v) {
        return new SyntheticConfig(seed, users, items, categories, brands, start, itemPopularityExponent,
                v, concurrentSessions, medianGap, anonymousFirstShare, secondDeviceShare,
                aliasShare, favouriteShare, driftShare, driftWindow, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    public SyntheticConfig withConcurrentSessions(int v) {
        return new SyntheticConfig(seed, users, items, categories, brands, start, itemPopularityExponent,
                userActivityExponent, v, medianGap, anonymousFirstShare, secondDeviceShare,
                aliasShare, favouriteShare, driftShare, driftWindow, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    public SyntheticConfig withMedianGap(Duration v) {
        return new SyntheticConfig(seed, users, items, categories, brands, start, itemPopularityExponent,
                userActivityExponent, concurrentSessions, v, anonymousFirstShare, secondDeviceShare,
                aliasShare, favouriteShare, driftShare, driftWindow, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    public SyntheticConfig withAnonymousFirstShare(double v) {
        return new SyntheticConfig(seed, users, items, categories, brands, start, itemPopularityExponent,
                userActivityExponent, concurrentSessions, medianGap, v, secondDeviceShare,
                aliasShare, favouriteShare, driftShare, driftWindow, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    public SyntheticConfig withSecondDeviceShare(double v) {
        return new SyntheticConfig(seed, users, items, categories, brands, start, itemPopularityExponent,
                userActivityExponent, concurrentSessions, medianGap, anonymousFirstShare, v,
                aliasShare, favouriteShare, driftShare, driftWindow, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    public SyntheticConfig withAliasShare(double v) {
        return new SyntheticConfig(seed, users, items, categories, brands, start, itemPopularityExponent,
                userActivityExponent, concurrentSessions, medianGap, anonymousFirstShare, secondDeviceShare,
                v, favouriteShare, driftShare, driftWindow, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    public SyntheticConfig withFavouriteShare(double v) {
        return new SyntheticConfig(seed, users, items, categories, brands, start, itemPopularityExponent,
                userActivityExponent, concurrentSessions, medianGap, anonymousFirstShare, secondDeviceShare,
                aliasShare, v, driftShare, driftWindow, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    /** Which persons drift, and over what span the drift moments fall. */
    public SyntheticConfig withDrift(double share, Duration window) {
        return new SyntheticConfig(seed, users, items, categories, brands, start, itemPopularityExponent,
                userActivityExponent, concurrentSessions, medianGap, anonymousFirstShare, secondDeviceShare,
                aliasShare, favouriteShare, share, window, duplicateRate, malformedRate, jitterShare,
                maxJitter);
    }

    /** The flaw rates; {@code (0, 0)} gives a clean stream. */
    public SyntheticConfig withFlaws(double newDuplicateRate, double newMalformedRate) {
        return new SyntheticConfig(seed, users, items, categories, brands, start, itemPopularityExponent,
                userActivityExponent, concurrentSessions, medianGap, anonymousFirstShare, secondDeviceShare,
                aliasShare, favouriteShare, driftShare, driftWindow, newDuplicateRate, newMalformedRate,
                jitterShare, maxJitter);
    }

    /** Late timestamps; {@code (0, Duration.ZERO)} gives a stream in event-time order. */
    public SyntheticConfig withJitter(double share, Duration max) {
        return new SyntheticConfig(seed, users, items, categories, brands, start, itemPopularityExponent,
                userActivityExponent, concurrentSessions, medianGap, anonymousFirstShare, secondDeviceShare,
                aliasShare, favouriteShare, driftShare, driftWindow, duplicateRate, malformedRate, share, max);
    }

    private static void atLeast(String knob, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(knob + " must be at least " + min + ", got " + value);
        }
    }

    private static void positive(String knob, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(knob + " must be a positive finite number, got " + value);
        }
    }

    private static void positive(String knob, Duration value) {
        Objects.requireNonNull(value, knob);
        if (value.isNegative() || value.isZero() || value.toMillis() < 1) {
            throw new IllegalArgumentException(knob + " must be at least 1 ms, got " + value);
        }
    }

    private static void share(String knob, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(knob + " must be a share between 0 and 1, got " + value);
        }
    }
}
