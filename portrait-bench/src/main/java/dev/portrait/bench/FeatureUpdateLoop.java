package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.feature.Feature;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * {@link FeatureUpdateBenchmark}'s loop as a plain process, for profilers (JFR) and for a shared,
 * loaded machine: it reports the thread's CPU time per update rather than wall time, so time spent
 * waiting for a core does not count, and takes the best of several rounds. Cache and memory-bandwidth
 * contention from other processes still do, so compare runs made back to back.
 *
 * <pre>
 * java --add-modules=jdk.incubator.foreign -cp portrait-bench/target/benchmarks.jar \
 *     dev.portrait.bench.FeatureUpdateLoop [rounds] [seconds per round] [feature,feature,...|all-features]
 * </pre>
 *
 * Prints one line per feature: {@code feature  best  median  ns/update (CPU)}. The name
 * {@code applyInPlace} measures {@link ProfileUpdater#applyInPlace} per event instead, as
 * {@link ProfileUpdaterBenchmark} does, with the same CPU-time accounting.
 */
public final class FeatureUpdateLoop {
    private FeatureUpdateLoop() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        ProfileDefinition definition = DefinitionLoader.defaultEcommerce();
        List<String> names = new ArrayList<>();
        if (args.length > 2 && !args[2].equals("all-features")) {
            names.addAll(List.of(args[2].split(",")));
        } else {
            names.add("all");
            for (Feature<?> f : definition.features()) {
                names.add(f.name());
            }
        }
        SyntheticWorkload workload = SyntheticWorkload.generate(definition, 42, 1_000_000, 1_000_000);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (String name : names) {
            LongSupplier batch;
            if (name.equals("applyInPlace")) {
                batch = applyInPlace(definition, workload);
            } else {
                FeatureUpdateBenchmark b = new FeatureUpdateBenchmark();
                b.feature = name;
                b.setUp(definition, workload);
                batch = b::update;
            }
            double[] perUpdate = new double[rounds];
            // warm-up: as long as two rounds
            long until = System.nanoTime() + (long) (2 * seconds * 1e9);
            while (System.nanoTime() < until) {
                sink += batch.getAsLong();
            }
            for (int r = 0; r < rounds; r++) {
                long calls = 0;
                long cpu = threads.getCurrentThreadCpuTime();
                until = System.nanoTime() + (long) (seconds * 1e9);
                while (System.nanoTime() < until) {
                    sink += batch.getAsLong();
                    calls++;
                }
                perUpdate[r] = (threads.getCurrentThreadCpuTime() - cpu) / (double) (calls * FeatureUpdateBenchmark.BATCH);
            }
            Arrays.sort(perUpdate);
            System.out.printf("%-26s %8.1f %8.1f  ns/update (CPU; best, median of %d)%n", name, perUpdate[0],
                    perUpdate[rounds / 2], rounds);
        }
        System.out.println("sink " + (sink & 1));
    }

    /** {@link FeatureUpdateBenchmark#BATCH} events through the updater per call, profiles emptied each lap. */
    private static LongSupplier applyInPlace(ProfileDefinition definition, SyntheticWorkload w) {
        ProfileUpdater updater = new ProfileUpdater(definition);
        Profile[] profiles = new Profile[w.people];
        int[] cursor = {0};
        return () -> {
            long changes = 0;
            for (int i = 0; i < FeatureUpdateBenchmark.BATCH; i++) {
                int at = cursor[0]++;
                if (cursor[0] == w.events.length) {
                    cursor[0] = 0;
                    Arrays.fill(profiles, null);
                }
                int who = w.person[at];
                Profile p = profiles[who];
                if (p == null) {
                    p = updater.newProfile("p" + who);
                    profiles[who] = p;
                }
                changes += updater.applyInPlace(p, w.events[at]).changes().size();
            }
            return changes;
        };
    }
}
