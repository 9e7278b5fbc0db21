package dev.portrait.bench;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.event.Event;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.core.profile.ProfileUpdater;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Serialized profile sizes after folding a synthetic stream: mean, percentiles and maximum of
 * {@link ProfileCodec} bytes per profile, and the same for profiles with at least 10 events (the
 * people a product actually profiles). Not a timing benchmark.
 *
 * Run (from the repository root, after building the benchmarks jar):
 * <pre>
 * java -Xmx8g -cp portrait-bench/target/benchmarks.jar \
 *     dev.portrait.bench.ProfileSizeReport [users] [events]
 * </pre>
 * Defaults: 1,000,000 users, 5,000,000 events, streamed (events are not kept).
 */
public final class ProfileSizeReport {
    private ProfileSizeReport() {
    }

    public static void main(String[] args) {
        int users = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long events = args.length > 1 ? Long.parseLong(args[1]) : 5_000_000L;
        ProfileUpdater updater = new ProfileUpdater(DefinitionLoader.defaultEcommerce());
        ProfileCodec codec = new ProfileCodec(updater);
        CleanedStream stream = new CleanedStream(updater.definition(), 42, users);
        Map<String, Profile> profiles = new HashMap<>();
        Map<String, int[]> eventsPer = new HashMap<>();
        long folded = 0;
        while (stream.generated < events) {
            Event e = stream.next();
            String who = CleanedStream.person(e);
            Profile p = profiles.computeIfAbsent(who,
                    k -> updater.newProfile(String.format("p_%016x", (long) k.hashCode() * 0x9E3779B97F4A7C15L)));
            updater.applyInPlace(p, e);
            eventsPer.computeIfAbsent(who, k -> new int[1])[0]++;
            folded++;
        }
        int[] sizes = new int[profiles.size()];
        int[] activeSizes = new int[profiles.size()];
        int all = 0;
        int active = 0;
        for (Map.Entry<String, Profile> p : profiles.entrySet()) {
            int size = codec.encode(p.getValue()).length;
            sizes[all++] = size;
            if (eventsPer.get(p.getKey())[0] >= 10) {
                activeSizes[active++] = size;
            }
        }
        System.out.printf("events generated: %,d; folded %,d; rejected %,d; duplicates %,d%n", stream.generated,
                folded, stream.rejected, stream.duplicates);
        System.out.printf("profiles: %,d (attributed by userId, else anonymousId; mean %.1f events each)%n",
                profiles.size(), (double) folded / profiles.size());
        print("all profiles", sizes, all);
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
