package dev.portrait.synth;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Seeded user-item ratings shaped like MovieLens but of any size: item popularity follows a Zipf law
 * over the catalogue, every user rates at least three distinct items (so the leave-last-out protocols
 * evaluate every user). For timing the offline baselines on catalogues far larger than MovieLens 100K's
 * 1,682 items, where their cost in the catalogue's size shows; the ratings carry no taste to learn.
 */
public final class SyntheticRatings {
    /**
     * @param seed               the whole data set follows from it
     * @param users              how many users rate
     * @param items              catalogue size; item ids are 0 to items − 1, id 0 the most popular
     * @param meanRatingsPerUser each user rates uniformly 3 to 2 × mean − 3 items, at most the catalogue
     * @param zipfExponent       popularity of the item at rank k is proportional to k^−exponent
     */
    public record Shape(long seed, int users, int items, int meanRatingsPerUser, double zipfExponent) {
        public Shape {
            if (users < 1) {
                throw new IllegalArgumentException("at least one user rates, not " + users);
            }
            if (items < 3) {
                throw new IllegalArgumentException("a catalogue needs at least 3 items, not " + items);
            }
            if (meanRatingsPerUser < 3) {
                throw new IllegalArgumentException("each user rates at least 3 items on average, not " + meanRatingsPerUser);
            }
            if (!(zipfExponent > 0)) {
                throw new IllegalArgumentException("a Zipf exponent must be positive, not " + zipfExponent);
            }
        }
    }

    private SyntheticRatings() {
    }

    /** Each user's distinct item ids, ascending, users in order. */
    public static List<int[]> userItems(Shape shape) {
        SeededRandom random = new SeededRandom(shape.seed());
        ZipfSampler popularity = new ZipfSampler(shape.items(), shape.zipfExponent());
        int spread = 2 * shape.meanRatingsPerUser() - 5;
        List<int[]> out = new ArrayList<>(shape.users());
        BitSet rated = new BitSet(shape.items());
        for (int u = 0; u < shape.users(); u++) {
            int count = Math.min(shape.items(), 3 + random.nextInt(spread));
            rated.clear();
            int[] items = new int[count];
            int n = 0;
            while (n < count) {
                int item = popularity.sample(random) - 1;
                if (!rated.get(item)) {
                    rated.set(item);
                    items[n++] = item;
                }
            }
            Arrays.sort(items);
            out.add(items);
        }
        return out;
    }

    /**
     * Writes the ratings in u.data's layout (user id, item id, stars 1–5, unix seconds; tab separated;
     * ids from 1), one minute apart, the users' ratings interleaved in time; a file {@code portrait eval
     * movielens} reads.
     */
    public static void write(Shape shape, Path file) throws IOException {
        List<int[]> userItems = userItems(shape);
        SeededRandom stars = new SeededRandom(SeededRandom.salt(shape.seed(), 1));
        // each user's items in a seeded order, so a user's last rating is not always their least popular item
        List<int[]> orders = new ArrayList<>(userItems.size());
        for (int[] items : userItems) {
            int[] order = items.clone();
            for (int i = order.length - 1; i > 0; i--) {
                int j = stars.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            orders.add(order);
        }
        long second = 880_000_000L;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            int longest = orders.stream().mapToInt(o -> o.length).max().orElse(0);
            for (int k = 0; k < longest; k++) {
                for (int u = 0; u < orders.size(); u++) {
                    int[] order = orders.get(u);
                    if (k < order.length) {
                        w.write((u + 1) + "\t" + (order[k] + 1) + "\t" + (1 + stars.nextInt(5)) + "\t" + second + "\n");
                        second += 60;
                    }
                }
            }
        }
    }
}
