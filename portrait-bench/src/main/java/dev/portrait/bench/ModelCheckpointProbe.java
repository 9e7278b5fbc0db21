package dev.portrait.bench;

import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.synth.SyntheticConfig;
import dev.portrait.synth.SyntheticStream;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;

/**
 * How large the shared models' checkpoint grows and what encoding it costs (CPU time, best of 20) as a
 * synthetic stream is folded: the embedded runtime encodes it once per write-back on the models' thread
 * (docs/BENCHMARKS.md, "Issue 10 — after the log").
 *
 * <pre>
 * java -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.ModelCheckpointProbe [events] [users]
 * </pre>
 */
public final class ModelCheckpointProbe {
    private ModelCheckpointProbe() {
    }

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 400_000;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        var definition = DefinitionLoader.defaultEcommerce();
        ProfileEngine engine = new ProfileEngine(definition);
        Cleaner cleaner = new Cleaner(definition);
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        ProfileTable table = ProfileTable.inMemory(new HashMap<>());
        SyntheticStream stream = SyntheticStream.of(SyntheticConfig.defaults(42).withUsers(users));
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        int folded = 0;
        while (folded < events) {
            CleanResult r = cleaner.clean(stream.next().json(), stream.clock());
            if (!(r instanceof CleanResult.Accepted accepted)) {
                continue;
            }
            engine.sharedModels().absorb(engine.apply(accepted.event(), identities, table).modelUpdates());
            if (++folded % Math.max(1, events / 4) == 0) {
                long best = Long.MAX_VALUE;
                int size = 0;
                for (int i = 0; i < 20; i++) {
                    long start = cpu.getCurrentThreadCpuTime();
                    size = engine.sharedModels().encode().length;
                    best = Math.min(best, cpu.getCurrentThreadCpuTime() - start);
                }
                System.out.printf("after %,d events: checkpoint %,d bytes, items %,d, encode best of 20, CPU time %.2f ms%n",
                        folded, size, engine.sharedModels().items(), best / 1e6);
            }
        }
    }
}
