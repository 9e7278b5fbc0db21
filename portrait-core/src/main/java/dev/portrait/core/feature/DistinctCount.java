package dev.portrait.core.feature;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.FeatureSpec;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * {@code distinct_count}: how many different values a property took, with DataSketches'
 * HyperLogLog. Small cardinalities are kept as a list or set of 4-byte coupons, which counts exactly
 * in practice (two values would have to share 26 hash bits); past {@code 0.75 * 2^(lgK-3)} values
 * (192 at the default lgK 11) the sketch switches to registers with a relative error of about
 * {@code 1.04 / sqrt(2^lgK)} (2.3% at lgK 11) in {@code 2^(lgK-1)} bytes plus a small exception
 * table (HLL_4), about 1 KB at lgK 11.
 *
 * <p>Reads use the composite estimator, never the HIP one: HIP is a little more accurate for a sketch
 * fed directly, but it depends on the order of updates and is lost in a union, so the same set of
 * events folded whole or in parts and merged would read differently. The composite estimate is a
 * function of the coupons or registers alone, which are the same for any order and any split.
 */
final class DistinctCount extends AbstractFeature<HllSketch> {
    static final FeatureKind KIND = new DeclaredKind("distinct_count",
            "The number of distinct values of a property (HyperLogLog; optional lgK: 4-16).", DistinctCount::new);

    private static final int VERSION = 1;
    private static final TgtHllType TYPE = TgtHllType.HLL_4;
    /** The compact image's layout, from DataSketches' documented HLL serialisation format. */
    private static final int LIST_PREINTS = 2;
    private static final int HASH_SET_PREINTS = 3;
    private static final int HLL_PREINTS = 10;
    private static final int TGT_HLL_TYPE_MASK = 12;
    static final boolean FOREIGN_MEMORY = ModuleLayer.boot().findModule("jdk.incubator.foreign").isPresent();

    private final String property;
    private final int lgK;

    private DistinctCount(FeatureSpec spec) {
        super(spec, "distinct_count", ValueType.INT);
        this.property = spec.params().requireString("property");
        this.lgK = spec.params().optInt("lgK", 11, 4, 16);
    }

    @Override
    public HllSketch empty() {
        return new HllSketch(lgK, TYPE);
    }

    @Override
    public HllSketch update(HllSketch state, Event event) {
        for (String value : PropertyValues.strings(event, property)) {
            state.update(value);
        }
        return state;
    }

    @Override
    public HllSketch merge(HllSketch a, HllSketch b) {
        Union union = new Union(lgK);
        union.update(a);
        union.update(b);
        return union.getResult(TYPE);
    }

    @Override
    public Object read(HllSketch state, long now) {
        return state.isEmpty() ? 0L : Math.round(state.getCompositeEstimate());
    }

    @Override
    public long nextChange(HllSketch state, long now) {
        return Long.MAX_VALUE;
    }

    @Override
    public HllSketch copy(HllSketch state) {
        return state.copy();
    }

    @Override
    public void encode(HllSketch state, BinaryOut out) {
        requireForeignMemory();
        out.writeByte(VERSION).writeBytes(canonical(state.toCompactByteArray()));
    }

    /**
     * The compact image with its coupons (list and set modes) or its HLL_4 exception entries sorted.
     * The library writes them in the order of its internal hash table, which depends on the history
     * of insertions: a decoded set-mode state re-encodes to different bytes without this (the
     * exception table happens to survive a round trip today; it is sorted for the same reason).
     * Heapifying re-inserts the entries one by one, so their order carries no meaning.
     */
    static byte[] canonical(byte[] image) {
        int preInts = image[0] & 0xFF;
        int from;
        int count;
        if (preInts == LIST_PREINTS) {
            from = 8;
            count = (image.length - from) / 4;
        } else if (preInts == HASH_SET_PREINTS) {
            from = 12;
            count = intAt(image, 8);
        } else if (preInts == HLL_PREINTS && (image[7] & TGT_HLL_TYPE_MASK) == 0) {
            from = 40 + (1 << ((image[3] & 0xFF) - 1));
            count = intAt(image, 36);
        } else {
            return image;
        }
        if (count <= 1 || from + 4L * count != image.length) {
            return image;
        }
        int[] entries = new int[count];
        for (int i = 0; i < count; i++) {
            entries[i] = intAt(image, from + 4 * i);
        }
        java.util.Arrays.sort(entries);
        byte[] out = image.clone();
        for (int i = 0; i < count; i++) {
            int v = entries[i];
            int at = from + 4 * i;
            out[at] = (byte) v;
            out[at + 1] = (byte) (v >>> 8);
            out[at + 2] = (byte) (v >>> 16);
            out[at + 3] = (byte) (v >>> 24);
        }
        return out;
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    /**
     * DataSketches 7 serialises through datasketches-memory 4, which on Java 17 is built on the
     * incubating foreign-memory API: without {@code --add-modules=jdk.incubator.foreign} on the JVM
     * command line every encode and decode dies with a NoClassDefFoundError. Say so plainly instead.
     */
    private static void requireForeignMemory() {
        if (!FOREIGN_MEMORY) {
            throw new PortraitException("unsupported_runtime", "distinct_count needs the JVM option "
                    + "--add-modules=jdk.incubator.foreign (DataSketches 7 serialises through the incubating "
                    + "foreign-memory API of Java 17)", null);
        }
    }

    @Override
    public HllSketch decode(BinaryIn in) {
        in.expectVersion("distinct_count", VERSION);
        requireForeignMemory();
        byte[] bytes = in.readBytes();
        try {
            return HllSketch.heapify(bytes);
        } catch (RuntimeException e) { // the sketch library reports bad bytes with several unchecked types
            throw new PortraitException("corrupt_state", "distinct_count: unreadable sketch: " + e.getMessage(), null, e);
        }
    }
}
