package dev.portrait.core.feature;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;
import dev.portrait.core.feature.Oracles.Oracle;
import dev.portrait.core.feature.TestEvents.Traffic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.portrait.core.feature.TestEvents.DAY;
import static dev.portrait.core.feature.TestEvents.HOUR;
import static dev.portrait.core.feature.TestEvents.MINUTE;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.shop;
import static dev.portrait.core.feature.TestEvents.social;
import static dev.portrait.core.feature.TestEvents.visits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contracts of {@link Feature} checked for every kind, in several configurations, over many
 * seeded random streams. A failure names the contract and the seed; rerun that seed alone by setting
 * {@link #ONLY_SEED}.
 */
class FeatureContractTest {
    /** Set to a seed from a failure message to replay just that one. */
    private static final long ONLY_SEED = -1;

    /**
     * One configuration under test.
     *
     * @param yaml        the feature entry
     * @param traffic     the random streams it sees
     * @param maxEvents   the largest stream per part
     * @param seeds       how many seeds
     * @param oracle      a brute-force recount, or null
     * @param exactSplits whether split folds and merges must equal a whole fold: the order-free kinds,
     *                    and sessions on traffic whose bursts fit in the kept recent sessions
     * @param continuous  whether the value changes continuously (decayed scores), so there is no
     *                    next change to check
     * @param maxBytes    the encoded size that 100k events must not exceed
     */
    record Contract(String yaml, Traffic traffic, int maxEvents, int seeds, Oracle oracle,
                    boolean exactSplits, boolean continuous, int maxBytes) {
        @Override
        public String toString() {
            return yaml;
        }

        Contract withSeeds(int n) {
            return new Contract(yaml, traffic, maxEvents, n, oracle, exactSplits, continuous, maxBytes);
        }

        Contract withMaxEvents(int n) {
            return new Contract(yaml, traffic, n, seeds, oracle, exactSplits, continuous, maxBytes);
        }

        Contract orderDependent() {
            return new Contract(yaml, traffic, maxEvents, seeds, oracle, false, continuous, maxBytes);
        }

        Contract changingContinuously() {
            return new Contract(yaml, traffic, maxEvents, seeds, oracle, exactSplits, true, maxBytes);
        }
    }

    /** The relations' shared parameters; a contract appends its kind and the rest. */
    private static final String RELATIONS = "{counterpart: to, inboundCounterpart: from,"
            + " weights: {User Followed: 1, Message Sent: 3}, inbound: {Follower Gained: 1, Message Received: 2}, ";

    private static Contract contract(String yaml, Traffic traffic, Oracle oracle, int maxBytes) {
        return new Contract(yaml, traffic, 40, 80, oracle, true, false, maxBytes);
    }

    static Stream<Contract> contracts() {
        Map<String, Double> viewOrder = Map.of("Product Viewed", 1.0, "Order Completed", 5.0);
        Map<String, Double> addOrder = Map.of("Order Completed", 5.0, "Product Added", 2.0);
        Map<String, Double> follows = Map.of("User Followed", 1.0, "Message Sent", 3.0);
        Map<String, Double> received = Map.of("Follower Gained", 1.0, "Message Received", 2.0);
        return Stream.of(
                contract("{kind: count}", shop(30 * DAY, 8, 50), Oracles.count(), 12),
                contract("{kind: count, events: [Order Completed]}", shop(30 * DAY, 8, 50), Oracles.count(), 12),
                contract("{kind: sum, property: price}", shop(30 * DAY, 8, 50), Oracles.sum("price"), 20),
                contract("{kind: min, property: price}", shop(30 * DAY, 8, 50), Oracles.min("price"), 20),
                contract("{kind: max, property: price, events: [Order Completed]}", shop(30 * DAY, 8, 50),
                        Oracles.max("price"), 20),
                contract("{kind: mean, property: price}", shop(30 * DAY, 8, 50), Oracles.mean("price"), 20),
                contract("{kind: window_count, window: 24h}", shop(3 * DAY, 8, 50),
                        Oracles.windowCount(HOUR, 24), 24 * 5 + 8),
                contract("{kind: window_count, window: 1h, tile: 5m, events: [Product Viewed]}",
                        shop(4 * HOUR, 8, 50), Oracles.windowCount(5 * MINUTE, 12), 12 * 5 + 8),
                contract("{kind: window_count, window: 7d}", shop(20 * DAY, 8, 50),
                        Oracles.windowCount(6 * HOUR, 28), 28 * 5 + 8),
                contract("{kind: window_sum, window: 24h, property: price}", shop(3 * DAY, 8, 50),
                        Oracles.windowSum("price", HOUR, 24), 24 * 11 + 8),
                contract("{kind: window_sum, window: 90m, tile: 7m, property: price}", shop(5 * HOUR, 8, 50),
                        Oracles.windowSum("price", 7 * MINUTE, 13), 13 * 11 + 8),
                contract("{kind: ewma, property: price, alpha: 0.3}", shop(30 * DAY, 8, 50),
                        Oracles.ewmaFixed("price", 0.3), 20).orderDependent(),
                contract("{kind: ewma, property: price, tau: 1h}", shop(DAY, 8, 50),
                        Oracles.ewmaTimeAware("price", HOUR), 20).orderDependent(),
                contract("{kind: decayed_scores, key: category, weights: {Product Viewed: 1, Order Completed: 5},"
                                + " halfLife: 1h, topK: 30}", shop(60 * DAY, 20, 50),
                        Oracles.decayedScores("category", viewOrder, 1.0, HOUR, 30), 2200).changingContinuously(),
                contract("{kind: decayed_scores, key: category, events: [Product Viewed, Product Added, Order Completed],"
                                + " weights: {Order Completed: 5, Product Added: 2}, weight: 0.5, halfLife: 7d,"
                                + " topK: 10, capacity: 20}", shop(30 * DAY, 15, 50),
                        Oracles.decayedScores("category", addOrder, 0.5, 7 * DAY, 10), 400).changingContinuously(),
                contract("{kind: distinct_count, property: product_id}", shop(30 * DAY, 8, 300),
                        Oracles.distinct("product_id"), 1070),
                contract("{kind: distinct_count, property: product_id, lgK: 8}", shop(30 * DAY, 8, 1_000_000),
                        null, 160).withMaxEvents(1500).withSeeds(25),
                contract("{kind: frequent_items, property: category, topK: 5, capacity: 12}", shop(30 * DAY, 10, 50),
                        Oracles.frequent("category", 5), 12 * 14 + 4),
                contract("{kind: frequent_items, property: product_id}", shop(30 * DAY, 8, 15),
                        Oracles.frequent("product_id", 10), 20 * 14 + 4),
                contract("{kind: last_n, property: product_id, n: 5}", shop(30 * DAY, 8, 50),
                        Oracles.lastN("product_id", 5), 5 * 16 + 8),
                contract("{kind: first_seen}", shop(10 * DAY, 8, 50), Oracles.firstSeen(), 12),
                contract("{kind: last_seen, events: [Product Added]}", shop(10 * DAY, 8, 50), Oracles.lastSeen(), 12),
                contract("{kind: time_since, of: first, unit: 1h}", shop(10 * DAY, 8, 50),
                        Oracles.timeSince(true, HOUR), 12),
                contract("{kind: time_since, events: [Order Completed]}", shop(10 * DAY, 8, 50),
                        Oracles.timeSince(false, DAY), 12),
                contract("{kind: sessions}", visits(3 * DAY, 30 * MINUTE, Sessions.RECENT),
                        Oracles.sessions(30 * MINUTE), 60),
                contract("{kind: sessions, gap: 10m}", visits(6 * HOUR, 10 * MINUTE, 3),
                        Oracles.sessions(10 * MINUTE), 60),
                contract("{kind: rfm, property: price, window: 30d, events: [Order Completed, Product Added]}",
                        shop(90 * DAY, 8, 50), Oracles.rfm("price", DAY, 30), 30 * 13 + 12),
                contract("{kind: rfm, property: price, window: 7d, tile: 6h}", shop(20 * DAY, 8, 50),
                        Oracles.rfm("price", 6 * HOUR, 28), 28 * 13 + 12),
                contract(RELATIONS + "kind: tie_strength, halfLife: 1d, topK: 5}", social(10 * DAY, 12),
                        Oracles.tieStrength(follows, received, DAY, "both", 5), 4).changingContinuously(),
                contract(RELATIONS + "kind: tie_strength, halfLife: 7d, direction: out, topK: 30}",
                        social(30 * DAY, 40), Oracles.tieStrength(follows, received, 7 * DAY, "out", 30), 4)
                        .changingContinuously(),
                contract(RELATIONS + "kind: strong_ties, halfLife: 7d, threshold: 1.5}", social(10 * DAY, 10),
                        Oracles.strongTies(follows, received, 7 * DAY, "both", 1.5), 4),
                contract(RELATIONS + "kind: strong_ties, halfLife: 2d, threshold: 0.5, direction: in}",
                        social(10 * DAY, 10), Oracles.strongTies(follows, received, 2 * DAY, "in", 0.5), 4),
                contract(RELATIONS + "kind: degree, window: 30d}", social(20 * DAY, 30),
                        Oracles.degree(follows, received, "out", 30 * DAY), 4),
                contract(RELATIONS + "kind: degree, window: 24h, direction: in}", social(3 * DAY, 30),
                        Oracles.degree(follows, received, "in", DAY), 4),
                contract(RELATIONS + "kind: degree, window: 7d, direction: both, capacity: 40}", social(10 * DAY, 30),
                        Oracles.degree(follows, received, "both", 7 * DAY), 4),
                contract(RELATIONS + "kind: reciprocity, window: 30d}", social(30 * DAY, 8),
                        Oracles.reciprocity(follows, received, 30 * DAY), 4),
                contract(RELATIONS + "kind: reciprocity}", social(30 * DAY, 8),
                        Oracles.reciprocity(follows, received, Long.MAX_VALUE), 4));
    }

    // ---- the contracts ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void mergeIsAssociativeAndCommutativeWithEmptyAsIdentity(Contract c) {
        Feature<Object> f = Specs.feature(c.yaml());
        forEachSeed(c, random -> {
            List<Event> pa = part(c, random);
            List<Event> pb = part(c, random);
            List<Event> pd = part(c, random);
            Object a = fold(f, pa);
            Object b = fold(f, pb);
            Object d = fold(f, pd);
            long now = later(random, newest(pa, pb, pd));
            check(f.read(f.merge(f.merge(a, b), d), now), f.read(f.merge(a, f.merge(b, d)), now), "(a+b)+c vs a+(b+c)");
            check(f.read(f.merge(a, b), now), f.read(f.merge(b, a), now), "a+b vs b+a");
            check(f.read(f.merge(f.empty(), a), now), f.read(a, now), "empty+a vs a");
            check(f.read(f.merge(a, f.empty()), now), f.read(a, now), "a+empty vs a");
            check(f.read(f.merge(f.empty(), f.empty()), now), f.read(f.empty(), now), "empty+empty vs empty");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void mergeReadAndNextChangeNeverMutateAndCopiesAreIndependent(Contract c) {
        Feature<Object> f = Specs.feature(c.yaml());
        forEachSeed(c, random -> {
            List<Event> pa = part(c, random);
            List<Event> pb = part(c, random);
            Object a = fold(f, pa);
            Object b = fold(f, pb);
            byte[] aBytes = encode(f, a);
            byte[] bBytes = encode(f, b);
            long now = later(random, newest(pa, pb));
            Object before = f.read(a, now);
            f.merge(a, b);
            f.read(a, now);
            f.nextChange(a, now);
            assertThat(encode(f, a)).as("a after merge, read, nextChange").isEqualTo(aBytes);
            assertThat(encode(f, b)).as("b after merge").isEqualTo(bBytes);
            Object copy = f.copy(a);
            for (Event e : matching(f, c.traffic().events(random, 5))) {
                copy = f.update(copy, e);
            }
            assertThat(encode(f, a)).as("a after updating its copy").isEqualTo(aBytes);
            check(f.read(a, now), before, "a read again");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void binaryFormRoundTripsByteForByteAndIsDeterministic(Contract c) {
        Feature<Object> f = Specs.feature(c.yaml());
        forEachSeed(c, random -> {
            List<Event> pa = part(c, random);
            List<Event> pb = part(c, random);
            Object a = fold(f, pa);
            Object b = fold(f, pb);
            long now = later(random, newest(pa, pb));
            for (Object s : List.of(a, f.merge(a, b), f.empty())) {
                byte[] bytes = encode(f, s);
                assertThat(encode(f, s)).as("encoding twice").isEqualTo(bytes);
                assertThat(bytes[0]).as("version byte").isEqualTo((byte) (f.kind().equals("distinct_count") ? 2 : 1));
                BinaryIn in = new BinaryIn(bytes);
                Object decoded = f.decode(in);
                assertThat(in.hasMore()).as("decode reads every byte").isFalse();
                check(f.read(decoded, now), f.read(s, now), "decoded vs original");
                assertThat(f.nextChange(decoded, now)).as("nextChange after decoding").isEqualTo(f.nextChange(s, now));
                assertThat(encode(f, decoded)).as("re-encoded").isEqualTo(bytes);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void foldingInPartsAndMergingEqualsFoldingWholeInAnyOrder(Contract c) {
        Feature<Object> f = Specs.feature(c.yaml());
        assumeTrue(c.exactSplits(), "not order-free");
        assertThat(f.orderFree() || f.kind().equals("sessions")).isTrue();
        forEachSeed(c, random -> {
            List<Event> whole = new ArrayList<>(part(c, random));
            whole.addAll(part(c, random));
            List<Event> left = new ArrayList<>();
            List<Event> right = new ArrayList<>();
            for (Event e : whole) {
                (random.nextBoolean() ? left : right).add(e);
            }
            Object folded = fold(f, whole);
            long now = later(random, newest(whole));
            Object value = f.read(folded, now);
            check(f.read(f.merge(fold(f, left), fold(f, right)), now), value, "merge of two parts vs whole");
            check(f.read(fold(f, TestEvents.shuffled(whole, random)), now), value, "shuffled vs whole");
            check(f.read(fold(f, TestEvents.byTime(whole)), now), value, "in time order vs whole");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void readEqualsABruteForceRecountOfTheRawEvents(Contract c) {
        Feature<Object> f = Specs.feature(c.yaml());
        assumeTrue(c.oracle() != null, "no exact oracle (UltraLogLog estimates)");
        int[] informative = new int[2];
        forEachSeed(c, random -> {
            List<Event> events = TestEvents.byTime(matching(f, part(c, random)));
            Object s = fold(f, events);
            long newest = events.isEmpty() ? T0 : events.get(events.size() - 1).time();
            for (int k = 0; k < 3; k++) {
                long now = later(random, newest);
                Object expected = c.oracle().expected(events, now);
                check(f.read(s, now), expected, "read at " + now + " vs brute force");
                informative[0]++;
                if (!Values.same(expected, f.read(f.empty(), now))) {
                    informative[1]++;
                }
            }
        });
        assertThat(informative[1]).as("checks where the expected value differs from an empty state's")
                .isGreaterThan(informative[0] / 4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void valueHoldsUntilNextChangeAndChangesThere(Contract c) {
        Feature<Object> f = Specs.feature(c.yaml());
        forEachSeed(c, random -> {
            List<Event> events = part(c, random);
            Object s = fold(f, events);
            long now = later(random, newest(events));
            long next = f.nextChange(s, now);
            Object value = f.read(s, now);
            if (c.continuous()) {
                assertThat(next).as("a continuously changing value has no next change").isEqualTo(Long.MAX_VALUE);
                return;
            }
            if (next == Long.MAX_VALUE) {
                for (int k = 0; k < 3; k++) {
                    long t = now + random.nextLong(1, 3650 * DAY);
                    check(f.read(s, t), value, "read at " + t + " with no next change");
                }
                return;
            }
            assertThat(next).as("next change").isGreaterThan(now);
            check(f.read(s, next - 1), value, "read just before the next change at " + next);
            for (int k = 0; k < 3; k++) {
                long t = now + random.nextLong(next - now);
                check(f.read(s, t), value, "read at " + t + " before the next change at " + next);
            }
            assertThat(Values.same(f.read(s, next), value))
                    .as("the value changes at the next change " + next + ": still " + value).isFalse();
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void encodedSizeStaysBoundedAfter100kEvents(Contract c) {
        Feature<Object> f = Specs.feature(c.yaml());
        Object s = f.empty();
        int largest = 0;
        List<Event> bulk = Bulk.EVENTS;
        for (int i = 0; i < bulk.size(); i++) {
            Event e = bulk.get(i);
            if (matches(f, e)) {
                s = f.update(s, e);
            }
            if (i % 10_000 == 9_999) {
                largest = Math.max(largest, encode(f, s).length);
            }
        }
        assertThat(largest).as("largest encoded size while folding 100k events").isLessThanOrEqualTo(c.maxBytes());
    }

    // ---- the machinery ----

    /** 100k events of two years of traffic from 5,000 categories and 100,000 products, made once. */
    private static final class Bulk {
        static final List<Event> EVENTS =
                TestEvents.byTime(shop(730 * DAY, 5_000, 100_000).events(new SplittableRandom(42), 100_000));
    }

    private static void forEachSeed(Contract c, Consumer<SplittableRandom> body) {
        long from = ONLY_SEED >= 0 ? ONLY_SEED : 0;
        long to = ONLY_SEED >= 0 ? ONLY_SEED + 1 : c.seeds();
        for (long seed = from; seed < to; seed++) {
            try {
                body.accept(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + c.yaml().hashCode()));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed=" + seed + " for " + c.yaml() + ": " + e.getMessage(), e);
            }
        }
    }

    private static List<Event> part(Contract c, SplittableRandom random) {
        int n = random.nextInt(8) == 0 ? 0 : random.nextInt(1, c.maxEvents() + 1);
        return c.traffic().events(random, n);
    }

    static boolean matches(Feature<?> f, Event e) {
        return f.events().isEmpty() || f.events().contains(e.key());
    }

    static List<Event> matching(Feature<?> f, List<Event> events) {
        List<Event> out = new ArrayList<>();
        for (Event e : events) {
            if (matches(f, e)) {
                out.add(e);
            }
        }
        return out;
    }

    static <S> S fold(Feature<S> f, List<Event> events) {
        S s = f.empty();
        for (Event e : events) {
            if (matches(f, e)) {
                s = f.update(s, e);
            }
        }
        return s;
    }

    static <S> byte[] encode(Feature<S> f, S s) {
        BinaryOut out = new BinaryOut();
        f.encode(s, out);
        return out.toByteArray();
    }

    @SafeVarargs
    private static long newest(List<Event>... parts) {
        long newest = T0;
        for (List<Event> part : parts) {
            for (Event e : part) {
                newest = Math.max(newest, e.time());
            }
        }
        return newest;
    }

    /** A moment at or after {@code newest}: sometimes exactly it, sometimes a little or a lot later. */
    private static long later(SplittableRandom random, long newest) {
        switch (random.nextInt(4)) {
            case 0: return newest;
            case 1: return newest + random.nextLong(HOUR);
            case 2: return newest + random.nextLong(7 * DAY);
            default: return newest + random.nextLong(60 * DAY);
        }
    }

    private static void check(Object actual, Object expected, String what) {
        Values.assertSame(actual, expected, what);
    }
}
