package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/** Seeded runs that name the seed when they fail, and byte helpers shared by the model tests. */
final class Seeds {
    static final long T0 = 1_700_000_000_000L;
    static final long SECOND = 1_000L;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;

    /** Set {@code -Dmodel.seed=N} to replay one seed of a failure. */
    private static final long ONLY = Long.getLong("model.seed", -1L);

    private Seeds() {
    }

    /** Runs {@code check} for seeds {@code 0 .. count-1} (or just {@code model.seed}); a failure names its seed. */
    static void forEach(String what, int count, Consumer<SplittableRandom> check) {
        long from = ONLY >= 0 ? ONLY : 0;
        long to = ONLY >= 0 ? ONLY + 1 : count;
        for (long seed = from; seed < to; seed++) {
            try {
                check.accept(new SplittableRandom(seed));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(what + " failed with seed=" + seed + " (replay: -Dmodel.seed=" + seed + "): "
                        + e.getMessage(), e);
            }
        }
    }

    static byte[] bytes(Consumer<BinaryOut> encoder) {
        BinaryOut out = new BinaryOut();
        encoder.accept(out);
        return out.toByteArray();
    }

    /** Decodes and checks that nothing was left over. */
    static <T> T decode(byte[] bytes, Function<BinaryIn, T> decoder) {
        BinaryIn in = new BinaryIn(bytes);
        T value = decoder.apply(in);
        if (in.hasMore()) {
            throw new AssertionError("decoding left " + (bytes.length - in.position()) + " bytes unread");
        }
        return value;
    }
}
