package dev.portrait.core.feature;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.event.Event;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.core.profile.ProfileUpdater;
import org.junit.jupiter.api.Test;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.portrait.core.feature.FeatureContractTest.encode;
import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.viewed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DistinctCountTest {
    private static final String PRODUCTS = "{kind: distinct_count, property: product_id}";

    private static List<Event> products(int distinct, int repeats) {
        List<Event> out = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
            for (int i = 0; i < distinct; i++) {
                out.add(viewed(T0 + i, Map.of("product_id", "p" + i)));
            }
        }
        return out;
    }

    @Test
    void smallCardinalitiesAreCountedExactly() {
        Feature<Object> f = Specs.feature(PRODUCTS);
        for (int n : new int[] {0, 1, 2, 7, 8, 50, 150, 191, 192}) {
            assertThat(f.read(fold(f, products(n, 3)), T0)).as(n + " products").isEqualTo((long) n);
        }
    }

    @Test
    void largeCardinalitiesAreWithinThreeStandardErrors() {
        Feature<Object> f = Specs.feature(PRODUCTS);
        for (int n : new int[] {193, 1_000, 20_000, 200_000}) {
            long estimate = (long) f.read(fold(f, products(n, 1)), T0);
            double threeSigma = 3 * 0.79 / Math.sqrt(2048) * n;
            assertThat((double) Math.abs(estimate - n)).as("%d products, estimated %d", n, estimate)
                    .isLessThanOrEqualTo(threeSigma);
        }
    }

    @Test
    void mergedStatesEqualOneStateOfEverythingByteForByte() {
        for (String yaml : List.of(PRODUCTS, "{kind: distinct_count, property: product_id, lgK: 6}")) {
            Feature<Object> f = Specs.feature(yaml);
            for (long seed = 0; seed < 60; seed++) {
                SplittableRandom random = new SplittableRandom(seed);
                // around the switch from tokens to registers (24 values at lgK 6, 192 at 11), and far past it
                int n = random.nextInt(4) == 0 ? random.nextInt(5_000) : random.nextInt(400);
                List<Event> all = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    all.add(viewed(T0, Map.of("product_id", "p" + random.nextInt(n + 1))));
                }
                List<Event> left = new ArrayList<>();
                List<Event> right = new ArrayList<>();
                for (Event e : all) {
                    (random.nextBoolean() ? left : right).add(e);
                }
                byte[] whole = encode(f, fold(f, all));
                Object merged = f.merge(fold(f, left), fold(f, TestEvents.shuffled(right, random)));
                assertThat(encode(f, merged)).as("seed %d, %s, %d events", seed, yaml, n).isEqualTo(whole);
                assertThat(encode(f, f.decode(new BinaryIn(whole)))).as("seed %d re-encoded", seed).isEqualTo(whole);
            }
        }
    }

    @Test
    void theRememberedEstimateOfAFullSketchFollowsEveryUpdateAndMerge() {
        Feature<Object> f = Specs.feature("{kind: distinct_count, property: product_id, lgK: 6}");
        SplittableRandom random = new SplittableRandom(11);
        Object s = fold(f, products(100, 1));
        Object other = fold(f, products(300, 1));
        for (int i = 0; i < 3_000; i++) {
            Object before = f.read(s, T0);
            s = random.nextInt(50) == 0
                    ? f.merge(s, other)
                    : f.update(s, viewed(T0, Map.of("product_id", "q" + random.nextInt(5_000))));
            Object fresh = f.read(f.decode(new BinaryIn(encode(f, s))), T0);
            assertThat(f.read(s, T0)).as("step %d, read %s before", i, before).isEqualTo(fresh);
        }
    }

    @Test
    void eachElementOfAListIsAValueAndNumbersCountByTheirText() {
        Feature<Object> f = Specs.feature("{kind: distinct_count, property: tags}");
        Object s = fold(f, List.of(viewed(T0, Map.of("tags", List.of("a", "b"))), viewed(T0, Map.of("tags", "b")),
                viewed(T0, Map.of("tags", 7L)), viewed(T0, Map.of("tags", "7")), viewed(T0, Map.of())));
        assertThat(f.read(s, T0)).isEqualTo(3L);
    }

    @Test
    void aSmallSetCostsFourBytesPerValueAndAFullSketchAboutHalfAByteARegister() {
        Feature<Object> f = Specs.feature(PRODUCTS);
        assertThat(encode(f, f.empty())).hasSize(1 + 1 + 1);
        assertThat(encode(f, fold(f, products(5, 1)))).hasSize(1 + 1 + 1 + 5 * 4);
        assertThat(encode(f, fold(f, products(192, 1)))).hasSize(1 + 1 + 2 + 192 * 4);
        assertThat(encode(f, fold(f, products(193, 1))).length).isLessThan(400);
        // DataSketches' HLL_4 took 1,067 bytes at lgK 11 (its 1,064-byte image and 3 bytes of framing)
        for (int n : new int[] {10_000, 100_000, 1_000_000}) {
            assertThat(encode(f, fold(f, products(n, 1))).length).as("%d values", n).isLessThan(1_067);
        }
    }

    /**
     * Profiles written on one JVM are read, merged and compared on others (embedded and Flink, Java 17
     * and 25): the hash of a value and the bytes of a state must not depend on the JVM. Pinned values
     * from a Java 17 run; the build also runs this test on Java 25.
     */
    @Test
    void hashesAndBytesAreTheSameOnEveryJvm() throws Exception {
        Feature<Object> f = Specs.feature("{kind: distinct_count, property: product_id, lgK: 8}");
        assertThat(HexFormat.of().formatHex(encode(f, fold(f, products(3, 1)))))
                .isEqualTo("020003401395c7c3658ad380df0a53");
        Object dense = fold(f, products(5_000, 1));
        assertThat(f.read(dense, T0)).isEqualTo(5207L);
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(encode(f, dense))))
                .isEqualTo("c7741c744c78be3842d8586f22a0d0e3a2bd71d566eb1a80605f2cd327058783");
    }

    @Test
    void lgKOutsideFourToSixteenIsRejected() {
        assertThatThrownBy(() -> Specs.feature("{kind: distinct_count, property: product_id, lgK: 3}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("features[3].lgK: 3 is outside [4, 16]");
        assertThatThrownBy(() -> Specs.feature("{kind: distinct_count, property: product_id, lgK: 11.5}"))
                .hasMessage("features[3].lgK: must be a whole number, got 11.5");
    }

    @Test
    void everyLgKFromFourToSixteenRoundTrips() {
        for (int lgK = 4; lgK <= 16; lgK++) {
            Feature<Object> f = Specs.feature("{kind: distinct_count, property: product_id, lgK: " + lgK + "}");
            for (int n : new int[] {0, 1, 3 << lgK >> 5, 1 + (3 << lgK >> 5), 50_000}) {
                Object s = fold(f, products(n, 1));
                byte[] bytes = encode(f, s);
                Object decoded = f.decode(new BinaryIn(bytes));
                assertThat(encode(f, decoded)).as("lgK %d, %d values", lgK, n).isEqualTo(bytes);
                assertThat(f.read(decoded, T0)).as("lgK %d, %d values", lgK, n).isEqualTo(f.read(s, T0));
            }
        }
    }

    @Test
    void aStateFromTheDataSketchesVersionIsRefusedWithTheWayOut() {
        Feature<Object> f = Specs.feature(PRODUCTS);
        // what version 1 wrote for an empty sketch: version, length, DataSketches 7.0.1's 8-byte compact image
        byte[] old = {1, 8, 2, 1, 7, 11, 3, 12, 0, 0};
        assertThatThrownBy(() -> f.decode(new BinaryIn(old)))
                .isInstanceOf(PortraitException.class)
                .hasMessageContaining("binary version 1")
                .hasMessageContaining("rebuild profiles from the event log")
                .extracting(e -> ((PortraitException) e).code()).isEqualTo("definition_mismatch");
    }

    @Test
    void aProfileWrittenWithTheDataSketchesStateIsRefusedAsAWholeNotMisread() {
        ProfileUpdater updater = new ProfileUpdater(DefinitionLoader.defaultEcommerce());
        ProfileCodec codec = new ProfileCodec(updater);
        byte[] current = codec.encode(updater.newProfile("p-old"));
        // the empty profile's states end the encoding; swap the distinct count's (3 bytes) for version 1's
        List<Feature<?>> features = updater.definition().features();
        int index = 0;
        while (!features.get(index).kind().equals("distinct_count")) {
            index++;
        }
        int after = 0;
        for (int i = index + 1; i < features.size(); i++) {
            @SuppressWarnings("unchecked")
            Feature<Object> later = (Feature<Object>) features.get(i);
            after += encode(later, later.empty()).length;
        }
        int at = current.length - after - 3;
        assertThat(Arrays.copyOfRange(current, at, at + 3)).containsExactly(2, 0, 0);
        byte[] oldState = {1, 8, 2, 1, 7, 11, 3, 12, 0, 0};
        byte[] old = new byte[current.length - 3 + oldState.length];
        System.arraycopy(current, 0, old, 0, at);
        System.arraycopy(oldState, 0, old, at, oldState.length);
        System.arraycopy(current, at + 3, old, at + oldState.length, after);
        assertThatThrownBy(() -> codec.decode(old))
                .isInstanceOf(PortraitException.class)
                .hasMessageContaining("rebuild profiles from the event log")
                .extracting(e -> ((PortraitException) e).code()).isEqualTo("definition_mismatch");
        assertThat(codec.decode(current).profileId()).isEqualTo("p-old");
    }

    @Test
    void unreadableBytesAreACorruptState() {
        Feature<Object> f = Specs.feature(PRODUCTS);
        for (byte[] bad : List.of(new byte[] {2, 0, 3, 9, 9, 9}, new byte[] {2, 0, 2, 5, 0, 0, 0, 4, 0, 0, 0},
                new byte[] {2, 0, (byte) 200, 1}, new byte[] {2, 7}, new byte[] {2, 1, 0, 0x11})) {
            assertThatThrownBy(() -> f.decode(new BinaryIn(bad))).as(HexFormat.of().formatHex(bad))
                    .isInstanceOf(PortraitException.class)
                    .extracting(e -> ((PortraitException) e).code()).isEqualTo("corrupt_state");
        }
        assertThatThrownBy(() -> f.decode(new BinaryIn(new byte[] {3, 0})))
                .hasMessage("distinct_count: unknown binary version 3");
    }
}
