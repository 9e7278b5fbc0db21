package dev.portrait.bench;

import dev.portrait.eval.Ease;
import dev.portrait.synth.SyntheticRatings;

import java.nio.file.Path;
import java.util.List;

/**
 * How long EASE, the strongest offline baseline of {@code portrait eval movielens}, takes to fit on a
 * catalogue of many items: seeded synthetic ratings ({@link SyntheticRatings}: Zipf popularity, 20
 * ratings per user on average), one fit at one λ, then every user scored. A fit is one inverse of the
 * item Gram matrix, cubic in the catalogue; the movielens evaluation fits once per λ candidate plus
 * once more on the full training part. Not a JMH benchmark: one fit of minutes needs no warm-up.
 *
 * Run (from the repository root, after building the benchmarks jar):
 * <pre>
 * java -Xmx6g -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.EaseTiming [items] [users] [lambda] [ratings-file]
 * </pre>
 * Defaults: 10,000 items, 50,000 users, λ = 400. With a ratings file, the same ratings are also written
 * there in u.data's layout, for {@code portrait eval movielens FILE}.
 */
public final class EaseTiming {
    private EaseTiming() {
    }

    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int users = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        double lambda = args.length > 2 ? Double.parseDouble(args[2]) : 400;
        SyntheticRatings.Shape shape = new SyntheticRatings.Shape(7, users, items, 20, 1.0);
        if (args.length > 3) {
            SyntheticRatings.write(shape, Path.of(args[3]));
            System.out.println("ratings written to " + args[3]);
        }
        long started = System.nanoTime();
        List<int[]> userItems = SyntheticRatings.userItems(shape);
        long ratings = userItems.stream().mapToLong(u -> u.length).sum();
        long generated = System.nanoTime();
        Ease ease = new Ease(items, userItems, lambda);
        long fitted = System.nanoTime();
        double checksum = 0;
        for (int[] rated : userItems) {
            checksum += ease.scores(rated, items)[0];
        }
        long scored = System.nanoTime();
        System.out.printf("items %d, users %d, ratings %d, lambda %s, max heap %d MB%n", items, users, ratings, lambda,
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("generate %.1f s, fit (Gram + inverse + B) %.1f s, score every user %.1f s (checksum %.6g)%n",
                (generated - started) / 1e9, (fitted - generated) / 1e9, (scored - fitted) / 1e9, checksum);
    }
}
