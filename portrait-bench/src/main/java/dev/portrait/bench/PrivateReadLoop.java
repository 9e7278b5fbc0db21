package dev.portrait.bench;

import dev.portrait.core.privacy.AggregateReleases;
import dev.portrait.core.privacy.DpRequest;
import dev.portrait.core.privacy.PrivacyCost;
import dev.portrait.server.runtime.read.PrivacyBudgets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * What differential privacy adds to an aggregate read (docs/BENCHMARKS.md, "Issue 13"): drawing the noise
 * for one count and for one feature statistic (from {@link SecureRandom}, as served, and from a seeded
 * generator for comparison), and charging the budget ledger, which writes and fsyncs a small file
 * before every private answer.
 *
 * <pre>
 * java -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.PrivateReadLoop [charges] [directory]
 * </pre>
 */
public final class PrivateReadLoop {
    private PrivateReadLoop() {
    }

    public static void main(String[] args) throws Exception {
        int charges = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("portrait-dp");
        DpRequest request = DpRequest.laplace(0.1);
        SecureRandom secure = new SecureRandom();
        SplittableRandom seeded = new SplittableRandom(1);
        long sink = 0;
        for (int round = 0; round < 3; round++) { // the last round is reported; the first two warm up
            int n = 1_000_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += AggregateReleases.count(1_000_000, request, 10, secure).count();
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += AggregateReleases.count(1_000_000, request, 10, seeded).count();
            }
            long t2 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += AggregateReleases.statistics(1_000_000, 3.0e7, 0, 100, request, 10, secure).count();
            }
            long t3 = System.nanoTime();
            if (round == 2) {
                System.out.printf("noisy count, SecureRandom: %.0f ns; seeded: %.0f ns; noisy statistics, SecureRandom: %.0f ns%n",
                        (t1 - t0) / (double) n, (t2 - t1) / (double) n, (t3 - t2) / (double) n);
            }
        }
        PrivacyBudgets budgets = new PrivacyBudgets(dir.resolve("privacy-budget.json"), Clock.systemUTC());
        PrivacyCost budget = new PrivacyCost(1e6, 0.5);
        long[] micros = new long[charges];
        for (int i = 0; i < charges; i++) {
            long t = System.nanoTime();
            budgets.charge("key_" + (i % 50), PrivacyCost.pure(0.001), budget);
            micros[i] = (System.nanoTime() - t) / 1_000;
        }
        Arrays.sort(micros);
        System.out.printf("ledger charge (write, fsync, rename; 50 keys) in %s: p50 %d µs, p99 %d µs, max %d µs (%d charges)%n",
                dir, micros[charges / 2], micros[(int) (charges * 0.99)], micros[charges - 1], charges);
        System.out.println(sink == 42 ? "" : "ok");
    }
}
