package dev.portrait.bench;

import com.github.luben.zstd.ZstdDictTrainer;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.event.EventBinaryCodec;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Trains the zstd dictionary the event log compresses events with, from the binary form of cleaned
 * synthetic events, and writes it where portrait-store ships it. A new dictionary gets a new id (the
 * old one stays: records written with it must still read); then raise
 * {@code EventCompression.CURRENT_DICTIONARY}.
 *
 * <pre>
 * java -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.LogDictionaryTrainer \
 *     portrait-store/src/main/resources/dev/portrait/store/log/zstd-log-1.dict [samples 20000] [bytes 16384] [seed 7]
 * </pre>
 * The seed differs from the benchmarks' (42) so the dictionary is measured on events it was not trained on.
 */
public final class LogDictionaryTrainer {
    private LogDictionaryTrainer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: LogDictionaryTrainer OUT_FILE [samples] [dictionary bytes] [seed]");
        }
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 16_384;
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 7;
        byte[] dictionary = train(samples, size, seed);
        Files.write(Path.of(args[0]), dictionary);
        System.out.printf("trained a %,d-byte dictionary from %,d events (seed %d) into %s%n", dictionary.length,
                samples, seed, args[0]);
    }

    static byte[] train(int samples, int size, long seed) {
        CleanedStream stream = new CleanedStream(DefinitionLoader.defaultEcommerce(), seed, 100_000);
        byte[][] encoded = new byte[samples][];
        long total = 0;
        for (int i = 0; i < samples; i++) {
            encoded[i] = EventBinaryCodec.encode(stream.next());
            total += encoded[i].length;
        }
        ZstdDictTrainer trainer = new ZstdDictTrainer((int) Math.min(Integer.MAX_VALUE, total + 1), size);
        for (byte[] e : encoded) {
            trainer.addSample(e);
        }
        return trainer.trainSamples();
    }
}
