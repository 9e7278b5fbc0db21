package dev.portrait.core.feature;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

/**
 * {@code distinct_count}: how many different values a property took, with hash4j's UltraLogLog.
 *
 * <p>Up to {@code 0.75 * 2^(lgK-3)} values (192 at the default lgK 11) the state is the list of the
 * values' 32-bit hash tokens and counts exactly; past that it is an UltraLogLog sketch of
 * {@code 2^lgK} registers ({@link DistinctSketch}) read with hash4j's default (optimal FGRA)
 * estimator, whose relative standard error is about {@code 0.78 / sqrt(2^lgK)}: 1.7% at lgK 11. The registers are
 * stored in a Huffman code built from their own histogram ({@link RegisterCode}), about 4 bits a
 * register once the sketch is full, so a large state takes about 1 KB at lgK 11.
 *
 * <p>Until 2026-12 this kind used DataSketches 7's HLL_4 sketch, whose serialisation goes through
 * Java 17's incubating foreign-memory module: every JVM needed {@code --add-modules} for it, and
 * Java 21 and later, which no longer have that module, could not run Portrait at all. UltraLogLog
 * needs no flag on any Java from 17 up. At the same lgK it is more accurate than HLL_4 (1.7% against
 * 2.3% at lgK 11) in about as many bytes: portrait-bench's DistinctCountComparisonTest measures both
 * sketches over seeded streams of 10 to 1,000,000 values, with DataSketches kept there as a
 * test-scoped dependency that runs on Java 17 only; docs/BENCHMARKS.md has the figures.
 *
 * <p>The binary form is version 2. Version 1 was DataSketches' compact image; it is refused with
 * {@code definition_mismatch}, the code that tells a runtime to rebuild profiles from the event log
 * (a profile's definition fingerprint does not change with the library underneath, so this is the
 * one place that can tell).
 */
final class DistinctCount extends AbstractFeature<DistinctSketch> {
    static final FeatureKind KIND = new DeclaredKind("distinct_count",
            "The number of distinct values of a property (UltraLogLog of 2^lgK registers; optional lgK: 4-16).",
            DistinctCount::new);

    private static final int VERSION = 2;
    private static final int DATASKETCHES_VERSION = 1;

    private final String property;
    private final int lgK;

    private DistinctCount(FeatureSpec spec) {
        super(spec, "distinct_count", ValueType.INT);
        this.property = spec.params().requireString("property");
        this.lgK = spec.params().optInt("lgK", 11, 4, 16);
    }

    @Override
    public DistinctSketch empty() {
        return DistinctSketch.empty(lgK);
    }

    @Override
    public DistinctSketch update(DistinctSketch state, Event event) {
        for (String value : PropertyValues.strings(event, property)) {
            state.add(value);
        }
        return state;
    }

    @Override
    public DistinctSketch merge(DistinctSketch a, DistinctSketch b) {
        return DistinctSketch.union(a, b);
    }

    @Override
    public Object read(DistinctSketch state, long now) {
        return state.estimate();
    }

    @Override
    public long nextChange(DistinctSketch state, long now) {
        return Long.MAX_VALUE;
    }

    @Override
    public DistinctSketch copy(DistinctSketch state) {
        return state.copy();
    }

    @Override
    public void encode(DistinctSketch state, BinaryOut out) {
        out.writeByte(VERSION);
        state.encode(out);
    }

    @Override
    public DistinctSketch decode(BinaryIn in) {
        int version = in.readByte();
        if (version == DATASKETCHES_VERSION) {
            throw new PortraitException("definition_mismatch", "distinct_count: this state was written by an "
                    + "older Portrait with a DataSketches HLL (binary version 1), which this version does not read; "
                    + "rebuild profiles from the event log (portrait rebuild --data DIR)", null);
        }
        if (version != VERSION) {
            throw new PortraitException("corrupt_state", "distinct_count: unknown binary version " + version, null);
        }
        return DistinctSketch.decode(in, lgK);
    }
}
