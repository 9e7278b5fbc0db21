package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;
import dev.portrait.core.feature.Feature;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code distinct_count}'s sketch against the one it replaced: hash4j's UltraLogLog, as the feature
 * stores it, and DataSketches 7's HLL_4 as the feature stored it until 2026-12 (the compact image
 * behind a version byte and a length), at the same lgK, fed the same seeded streams of distinct
 * values. For each cardinality it measures the relative root-mean-square error of the reads and the
 * mean encoded size, prints one table row, and requires UltraLogLog to be at least as accurate in
 * no more bytes. The figures are in docs/BENCHMARKS.md.
 *
 * <p>Here rather than in portrait-core because DataSketches 7 needs
 * {@code --add-modules=jdk.incubator.foreign}, a module only Java 17 has: portrait-bench may depend
 * on anything, keeps DataSketches test-scoped, and gives its test JVM the option on Java 17 alone
 * (the {@code datasketches-on-17} profile of its pom). On any other JDK this test skips itself. A
 * live comparison rather than a table of old figures, so the claim is re-measured whenever the
 * sketch, its code or the hash changes.
 *
 * <pre>
 * mvn -o -q -pl portrait-bench -am verify -DskipITs -Dtest=DistinctCountComparisonTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
class DistinctCountComparisonTest {
    private static final String FEATURE = "distinct_products_viewed";

    /** One cardinality's figures for both sketches. */
    record Row(int lgK, int distinct, int streams, double ullError, double hllError, double ullBytes, double hllBytes) {
        @Override
        public String toString() {
            return String.format("| %2d | %,9d | %3d | %6.2f%% | %6.2f%% | %,7.0f | %,7.0f |", lgK, distinct, streams,
                    100 * ullError, 100 * hllError, ullBytes, hllBytes);
        }
    }

    @Test
    void ultraLogLogIsAtLeastAsAccurateAsTheHllItReplacedInNoMoreBytes() {
        assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.foreign").isPresent(),
                "DataSketches 7 runs only on Java 17 with --add-modules=jdk.incubator.foreign");
        List<Row> rows = new ArrayList<>();
        for (int lgK : new int[] {11, 8}) {
            Feature<Object> feature = distinctCount(lgK);
            for (int distinct : new int[] {10, 1_000, 100_000, 1_000_000}) {
                rows.add(measure(feature, lgK, distinct, distinct >= 1_000_000 ? 10 : 40));
            }
        }
        System.out.println("| lgK | distinct values | streams | UltraLogLog error | HLL_4 error | UltraLogLog bytes | HLL_4 bytes |");
        rows.forEach(System.out::println);
        for (Row r : rows) {
            assertThat(r.ullError()).as("relative error, %s", r).isLessThanOrEqualTo(r.hllError());
            assertThat(r.ullBytes()).as("encoded bytes, %s", r).isLessThanOrEqualTo(r.hllBytes());
        }
    }

    private static Row measure(Feature<Object> feature, int lgK, int distinct, int streams) {
        double ullSquares = 0;
        double hllSquares = 0;
        long ullBytes = 0;
        long hllBytes = 0;
        for (int stream = 0; stream < streams; stream++) {
            long seed = 1_000L * distinct + stream;
            SplittableRandom random = new SplittableRandom(seed);
            Object state = feature.empty();
            HllSketch hll = new HllSketch(lgK, TgtHllType.HLL_4);
            for (int i = 0; i < distinct; i++) {
                // distinct by construction: a counter, made unpredictable by a seeded random prefix
                String value = Long.toHexString(random.nextLong()) + "-" + i;
                state = feature.update(state, viewed(value));
                hll.update(value);
            }
            long ull = (long) feature.read(state, 0L);
            long estimate = hll.isEmpty() ? 0 : Math.round(hll.getCompositeEstimate());
            ullSquares += square(ull / (double) distinct - 1);
            hllSquares += square(estimate / (double) distinct - 1);
            BinaryOut out = new BinaryOut();
            feature.encode(state, out);
            ullBytes += out.size();
            int image = hll.toCompactByteArray().length;
            hllBytes += 1 + varIntSize(image) + image; // version byte, length, image: the old encoding
        }
        return new Row(lgK, distinct, streams, Math.sqrt(ullSquares / streams), Math.sqrt(hllSquares / streams),
                ullBytes / (double) streams, hllBytes / (double) streams);
    }

    @SuppressWarnings("unchecked")
    private static Feature<Object> distinctCount(int lgK) {
        String text = DefinitionLoader.defaultEcommerceText();
        String declared = "{name: " + FEATURE + ", kind: distinct_count, events: [Product Viewed], property: product_id}";
        assertThat(text).contains(declared);
        String yaml = text.replace(declared, declared.replace("}", ", lgK: " + lgK + "}"));
        return (Feature<Object>) DefinitionLoader.parse(yaml, "comparison.yaml").features().stream()
                .filter(f -> f.name().equals(FEATURE)).findFirst().orElseThrow();
    }

    private static Event viewed(String product) {
        return new Event(EventType.TRACK, "m", "u1", null, "Product Viewed", null, null, null,
                Map.of("product_id", product), Map.of(), Map.of(), Instant.EPOCH, null, null, null, Map.of());
    }

    private static int varIntSize(int v) {
        int bytes = 1;
        while ((v >>>= 7) != 0) {
            bytes++;
        }
        return bytes;
    }

    private static double square(double x) {
        return x * x;
    }
}
