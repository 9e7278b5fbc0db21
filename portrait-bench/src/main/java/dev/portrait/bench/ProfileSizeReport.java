package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.core.profile.ProfileUpdater;

import java.util.Arrays;

/**
 * Serialized profile sizes after folding a synthetic stream: mean, percentiles and maximum of
 * {@link ProfileCodec} bytes per profile, and the same for profiles with at least 10 events (the
 * people a product actually profiles). Not a timing benchmark.
 *
 * Run (from the repository root, after building the benchmarks jar):
 * <pre>
 * java --add-modules=jdk.incubator.foreign -Xmx12g -cp portrait-bench/target/benchmarks.jar \
 *     dev.portrait.bench.ProfileSizeReport [users] [events]
 * </pre>
 * Defaults: 1,000,000 users, 10,000,000 events.
 */
public final class ProfileSizeReport {
    private ProfileSizeReport() {
    }

    public static void main(String[] args) {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
        ProfileUpdater updater = new ProfileUpdater(DefinitionLoader.defaultEcommerce());
        ProfileCodec codec = new ProfileCodec(updater);
        SyntheticWorkload w = SyntheticWorkload.generate(updater.definition(), 42, users, events);
        Profile[] profiles = new Profile[w.people];
        int[] eventsPer = new int[w.people];
        for (int i = 0; i < w.events.length; i++) {
            int who = w.person[i];
            if (profiles[who] == null) {
                profiles[who] = updater.newProfile(String.format("p_%016x", (long) who * 0x9E3779B97F4A7C15L));
            }
            updater.applyInPlace(profiles[who], w.events[i]);
            eventsPer[who]++;
        }
        int[] sizes = new int[profiles.length];
        int[] activeSizes = new int[profiles.length];
        int active = 0;
        for (int i = 0; i < profiles.length; i++) {
            sizes[i] = codec.encode(profiles[i]).length;
            if (eventsPer[i] >= 10) {
                activeSizes[active++] = sizes[i];
            }
        }
        System.out.printf("events folded: %,d (generated %,d; rejected %,d; duplicates %,d)%n", w.events.length,
                w.generated, w.rejected, w.duplicates);
        System.out.printf("profiles: %,d (mean %.1f events each)%n", profiles.length, (double) w.events.length / profiles.length);
        print("all profiles", sizes, sizes.length);
        print("profiles with >= 10 events", activeSizes, active);
    }

    private static void print(String what, int[] values, int n) {
        if (n == 0) {
            System.out.printf("%s: none%n", what);
            return;
        }
        int[] v = Arrays.copyOf(values, n);
        Arrays.sort(v);
        long sum = 0;
        for (int x : v) {
            sum += x;
        }
        System.out.printf("%s (%,d): mean %.0f B, p50 %d B, p90 %d B, p99 %d B, max %d B%n", what, n, (double) sum / n,
                v[n / 2], v[(int) (n * 0.9)], v[(int) Math.min(n - 1, (long) (n * 0.99))], v[n - 1]);
    }
}
