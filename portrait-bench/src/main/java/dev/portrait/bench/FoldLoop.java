package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;

import java.util.HashMap;

/**
 * The fold and engine benchmarks' loops without JMH, for profilers (JFR, async-profiler) that want a
 * plain process: folds the synthetic workload {@code laps} times and prints events/s per lap.
 * Modes: {@code fold} (the updater, change values not computed), {@code tracking} (the updater with
 * change values), {@code engine} (the whole engine step: identity, fold, segments, per-person models),
 * {@code engine+learn} (and the shared models learning each step's updates).
 *
 * <p>{@code definitions} is {@code ecommerce} (the shop stream under the shipped e-commerce
 * definition, the default), {@code social} (the social stream among {@code socialPeople} people,
 * default 10,000, under the shipped social definition), or {@code ecommerce,social}: each lap then runs both, one after the
 * other, so the two are measured under the same load.
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=fold.jfr,settings=profile \
 *     -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.FoldLoop [events] [laps] [users] [mode] [definitions] [socialPeople]
 * </pre>
 */
public final class FoldLoop {
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private FoldLoop() {
    }

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int laps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int users = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        String mode = args.length > 3 ? args[3] : "fold";
        String[] definitions = (args.length > 4 ? args[4] : "ecommerce").split(",");
        int socialPeople = args.length > 5 ? Integer.parseInt(args[5]) : 10_000;
        ProfileDefinition[] defs = new ProfileDefinition[definitions.length];
        SyntheticWorkload[] workloads = new SyntheticWorkload[definitions.length];
        for (int d = 0; d < definitions.length; d++) {
            switch (definitions[d]) {
                case "ecommerce":
                    defs[d] = DefinitionLoader.defaultEcommerce();
                    workloads[d] = SyntheticWorkload.generate(defs[d], 42, users, events);
                    break;
                case "social":
                    defs[d] = DefinitionLoader.defaultSocial();
                    workloads[d] = SyntheticWorkload.social(defs[d], 42, socialPeople, events);
                    break;
                default:
                    throw new IllegalArgumentException("definitions are ecommerce and social, not " + definitions[d]);
            }
            System.out.printf("%s: %,d events into %,d people, %d features%n", definitions[d],
                    workloads[d].events.length, workloads[d].people, defs[d].features().size());
        }
        long sink = 0;
        for (int lap = 0; lap < laps; lap++) {
            for (int d = 0; d < defs.length; d++) {
                sink += lap(defs[d], workloads[d], mode, definitions[d], lap);
            }
        }
        System.out.printf("sink: %,d%n", sink);
    }

    private static long lap(ProfileDefinition definition, SyntheticWorkload w, String mode, String name, int lap) {
        ProfileUpdater updater = new ProfileUpdater(definition, null,
                mode.equals("tracking") ? ProfileUpdater.ChangeTracking.ON : ProfileUpdater.ChangeTracking.OFF);
        long sink = 0;
        Profile[] profiles = new Profile[w.people];
        ProfileEngine engine = new ProfileEngine(definition);
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        ProfileTable table = ProfileTable.inMemory(new HashMap<>(2 * w.people));
        long start = System.nanoTime();
        long cpuStart = CPU.getCurrentThreadCpuTime();
        for (int i = 0; i < w.events.length; i++) {
            if (mode.startsWith("engine")) {
                var step = engine.apply(w.events[i], identities, table);
                if (mode.equals("engine+learn")) {
                    engine.sharedModels().absorb(step.modelUpdates());
                }
                sink += step.modelUpdates().size();
                continue;
            }
            int who = w.person[i];
            Profile p = profiles[who];
            if (p == null) {
                p = updater.newProfile("p" + who);
                profiles[who] = p;
            }
            sink += updater.applyInPlace(p, w.events[i]).changes().size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (CPU.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        // CPU time of this thread: on a shared machine, waiting for a core does not count
        System.out.printf("%s %s lap %d: %,.0f events/s (wall), %,.0f events/s of CPU%n", name, mode, lap,
                w.events.length / seconds, w.events.length / cpuSeconds);
        return sink;
    }
}
