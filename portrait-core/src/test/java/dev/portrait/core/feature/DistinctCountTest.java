package dev.portrait.core.feature;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.event.Event;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
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
    void theJvmRunsWithTheForeignMemoryModuleDataSketchesNeedsToSerialise() {
        assertThat(DistinctCount.FOREIGN_MEMORY)
                .as("DataSketches 7 / datasketches-memory 4 need the JVM option --add-modules=jdk.incubator.foreign"
                        + " (surefire: <argLine>--add-modules=jdk.incubator.foreign</argLine>)")
                .isTrue();
    }

    @Test
    void smallCardinalitiesAreCountedExactly() {
        Feature<Object> f = Specs.feature(PRODUCTS);
        for (int n : new int[] {0, 1, 2, 7, 8, 50, 150, 191}) {
            assertThat(f.read(fold(f, products(n, 3)), T0)).as(n + " products").isEqualTo((long) n);
        }
    }

    @Test
    void largeCardinalitiesAreWithinThreeStandardErrors() {
        Feature<Object> f = Specs.feature(PRODUCTS);
        int n = 20_000;
        long estimate = (long) f.read(fold(f, products(n, 1)), T0);
        double threeSigma = 3 * 1.04 / Math.sqrt(2048) * n;
        assertThat((double) Math.abs(estimate - n)).isLessThanOrEqualTo(threeSigma);
    }

    @Test
    void mergedSketchesReadExactlyLikeOneSketchOfEverything() {
        Feature<Object> f = Specs.feature("{kind: distinct_count, property: product_id, lgK: 10}");
        SplittableRandom random = new SplittableRandom(3);
        List<Event> all = products(5_000, 1);
        List<Event> left = new ArrayList<>();
        List<Event> right = new ArrayList<>();
        for (Event e : all) {
            (random.nextBoolean() ? left : right).add(e);
        }
        Object whole = fold(f, all);
        Object merged = f.merge(fold(f, left), fold(f, TestEvents.shuffled(right, random)));
        assertThat(f.read(merged, T0)).isEqualTo(f.read(whole, T0));
        assertThat(f.read(f.decode(new BinaryIn(encode(f, merged))), T0)).isEqualTo(f.read(whole, T0));
    }

    @Test
    void registerStatesWithExceptionEntriesRoundTripByteForByte() {
        Feature<Object> f = Specs.feature("{kind: distinct_count, property: product_id, lgK: 8}");
        int withExceptions = 0;
        for (int seed = 0; seed < 100; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Object s = f.empty();
            for (int i = 0; i < 3_000; i++) {
                s = f.update(s, viewed(T0, Map.of("product_id", "p" + random.nextInt(1_000_000))));
            }
            byte[] bytes = encode(f, s);
            BinaryIn in = new BinaryIn(bytes);
            in.expectVersion("distinct_count", 1);
            byte[] image = in.readBytes();
            if (image[0] == 10 && (image[36] | image[37] | image[38] | image[39]) != 0) {
                withExceptions++;
            }
            Object decoded = f.decode(new BinaryIn(bytes));
            assertThat(encode(f, decoded)).as("seed=" + seed).isEqualTo(bytes);
            assertThat(f.read(decoded, T0)).as("seed=" + seed).isEqualTo(f.read(s, T0));
        }
        assertThat(withExceptions).as("states whose HLL_4 image has exception entries").isPositive();
    }

    @Test
    void eachElementOfAListIsAValueAndNumbersCountByTheirText() {
        Feature<Object> f = Specs.feature("{kind: distinct_count, property: tags}");
        Object s = fold(f, List.of(viewed(T0, Map.of("tags", List.of("a", "b"))), viewed(T0, Map.of("tags", "b")),
                viewed(T0, Map.of("tags", 7L)), viewed(T0, Map.of("tags", "7")), viewed(T0, Map.of())));
        assertThat(f.read(s, T0)).isEqualTo(3L);
    }

    @Test
    void aSmallSetCostsFourBytesPerValue() {
        Feature<Object> f = Specs.feature(PRODUCTS);
        assertThat(encode(f, f.empty())).hasSize(1 + 1 + 8);
        assertThat(encode(f, fold(f, products(5, 1)))).hasSize(1 + 1 + 8 + 5 * 4);
        assertThat(encode(f, fold(f, products(100, 1))).length).isLessThanOrEqualTo(1 + 2 + 12 + 100 * 4);
        assertThat(encode(f, fold(f, products(100_000, 1))).length).isLessThanOrEqualTo(1 + 2 + 40 + 1024 + 64);
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
    void unreadableBytesAreACorruptState() {
        Feature<Object> f = Specs.feature(PRODUCTS);
        assertThatThrownBy(() -> f.decode(new BinaryIn(new byte[] {1, 3, 9, 9, 9})))
                .isInstanceOf(PortraitException.class)
                .extracting(e -> ((PortraitException) e).code()).isEqualTo("corrupt_state");
        assertThatThrownBy(() -> f.decode(new BinaryIn(new byte[] {2, 0})))
                .hasMessage("distinct_count: unknown binary version 2");
    }
}
