package dev.portrait.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * A JSON-lines file of many people who each did little: every person is an {@code identify} (an email
 * trait, a plan) followed by one {@code Product Viewed}. The synthetic streams ({@link ImportLoop},
 * {@link LoadGenerator}) make few, active people; this file makes the opposite, a store of a million
 * profiles most of which stay idle, which is what measures memory per profile (docs/BENCHMARKS.md,
 * "Issue 10 — bounded memory at 1,000,000 profiles"). The file belongs under /tmp, not in the repository.
 *
 * <pre>
 * java -cp portrait-bench/target/benchmarks.jar dev.portrait.bench.PeopleFile /tmp/people-1m.jsonl 1000000 [SEED]
 * ./portrait import /tmp/people-1m.jsonl --data /tmp/people-1m-data
 * </pre>
 *
 * <p>Event times start a day before now and advance 50 ms per person, so every event is inside the
 * cleaner's accepted past and the import's clock; the seed picks plans and products.
 */
public final class PeopleFile {
    private static final String[] PLANS = {"free", "basic", "pro", "team"};
    private static final int PRODUCTS = 5_000;

    private PeopleFile() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: PeopleFile FILE PEOPLE [SEED]");
        }
        Path file = Path.of(args[0]);
        int people = Integer.parseInt(args[1]);
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        long bytes = write(file, people, seed, Instant.now().minus(Duration.ofDays(1)));
        System.out.printf("wrote %,d people (%,d events, %,d bytes) to %s, seed %d%n", people, 2L * people, bytes,
                file, seed);
    }

    static long write(Path file, int people, long seed, Instant start) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long bytes = 0;
        long t = start.toEpochMilli();
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (int i = 0; i < people; i++) {
                String user = "user-" + i;
                String anon = "anon-" + Long.toHexString(random.nextLong());
                bytes += line(out, identify(i, user, anon, PLANS[random.nextInt(PLANS.length)], Instant.ofEpochMilli(t)));
                bytes += line(out, viewed(i, user, anon, random.nextInt(PRODUCTS), random.nextInt(1, 500),
                        Instant.ofEpochMilli(t + 20)));
                t += 50;
            }
        }
        return bytes;
    }

    static String identify(int i, String user, String anon, String plan, Instant at) {
        return "{\"type\":\"identify\",\"messageId\":\"p-" + i + "-i\",\"userId\":\"" + user
                + "\",\"anonymousId\":\"" + anon + "\",\"traits\":{\"email\":\"" + user + "@example.com\",\"plan\":\""
                + plan + "\"},\"timestamp\":\"" + at + "\"}";
    }

    static String viewed(int i, String user, String anon, int product, int price, Instant at) {
        return "{\"type\":\"track\",\"event\":\"Product Viewed\",\"messageId\":\"p-" + i + "-v\",\"userId\":\""
                + user + "\",\"anonymousId\":\"" + anon + "\",\"properties\":{\"product_id\":\"sku-" + product
                + "\",\"category\":\"c" + (product % 40) + "\",\"price\":" + price + "},\"timestamp\":\"" + at + "\"}";
    }

    private static int line(OutputStream out, String json) throws IOException {
        byte[] b = (json + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(b);
        return b.length;
    }
}
