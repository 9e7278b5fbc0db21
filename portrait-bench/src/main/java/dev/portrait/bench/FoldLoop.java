package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;

/**
 * The updater benchmark's loop without JMH, for profilers (JFR, async-profiler) that want a plain
 * process: folds the synthetic workload {@code laps} times and prints events/s per lap.
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=fold.jfr \
 *     -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.FoldLoop [events] [laps] [users]
 * </pre>
 */
public final class FoldLoop {
    private FoldLoop() {
    }

    public static void main(String[] args) {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int laps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int users = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        ProfileUpdater updater = new ProfileUpdater(DefinitionLoader.defaultEcommerce());
        SyntheticWorkload w = SyntheticWorkload.generate(updater.definition(), 42, users, events);
        long sink = 0;
        for (int lap = 0; lap < laps; lap++) {
            Profile[] profiles = new Profile[w.people];
            long start = System.nanoTime();
            for (int i = 0; i < w.events.length; i++) {
                int who = w.person[i];
                Profile p = profiles[who];
                if (p == null) {
                    p = updater.newProfile("p" + who);
                    profiles[who] = p;
                }
                sink += updater.applyInPlace(p, w.events[i]).changes().size();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("lap %d: %,.0f events/s%n", lap, w.events.length / seconds);
        }
        System.out.printf("people: %,d; changes: %,d%n", w.people, sink);
    }
}
