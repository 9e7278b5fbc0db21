package dev.portrait.eval;

import dev.portrait.core.model.ItemStatistics;
import dev.portrait.core.model.RecentItem;
import dev.portrait.core.model.Recommendation;
import dev.portrait.core.model.Recommender;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Recommendation quality on MovieLens, temporal leave-last-out: each user's last rating (in time) is
 * the test item; the streaming recommender is asked for that user just before the rating is replayed,
 * and ranks every item minus those the user already rated. The offline baselines (popularity,
 * ItemKNN, EASE) are fitted on the training part (every rating but the users' last ones). A second
 * protocol ranks the held-out item against 100 sampled unrated items (He et al. 2017's NCF protocol,
 * the one Dacrema et al. 2019 tabulate). Ties rank the held-out item last (pessimistic).
 *
 * <p>Tuning never sees a test item: the validation split holds out each user's second-to-last rating
 * from a stream that has no test ratings at all; the streaming recommender's settings are chosen by
 * coordinate ascent of validation HR@10 and EASE's λ by validation HR@10, then both are run once on
 * the test protocol.
 */
public final class MovieLensEval {
    /**
     * What one run reads and how it is set up.
     *
     * @param ratings  ratings in u.data's format
     * @param items    items with genre flags in u.item's format, or null (no genres)
     * @param genres   genre names in u.genre's format, or null
     * @param knn      neighbours of offline ItemKNN
     * @param lambdas  EASE's λ candidates, chosen on validation
     * @param negatives sampled unrated items per user for the sampled protocol
     * @param tune     search the streaming recommender's settings on validation instead of using {@link
     *                 StreamingSettings#movieLensTuned()}
     * @param seed     seed of every sampled choice
     */
    public record Settings(Path ratings, Path items, Path genres, int knn, double[] lambdas, int negatives, boolean tune,
                           long seed) {
        public Settings {
            Objects.requireNonNull(ratings, "ratings");
            if (knn < 1) {
                throw new IllegalArgumentException("knn must be at least 1, not " + knn);
            }
            if (lambdas == null || lambdas.length == 0) {
                throw new IllegalArgumentException("EASE needs at least one λ candidate");
            }
            for (double lambda : lambdas) {
                if (!(lambda > 0)) {
                    throw new IllegalArgumentException("EASE's λ must be positive, not " + lambda);
                }
            }
            if (negatives < 0) {
                throw new IllegalArgumentException("negatives must be 0 or more, not " + negatives);
            }
            lambdas = lambdas.clone();
        }
    }

    private final Path ratingsFile;
    private final Path itemsFile;
    private final Path genresFile;
    private final int knn;
    private final double[] lambdas;
    private final int negatives;
    private final boolean tune;
    private final long seed;
    private final Consumer<String> progress;

    /** A run of {@code settings}; {@code progress} hears a line at each stage (the CLI prints them on stderr). */
    public MovieLensEval(Settings settings, Consumer<String> progress) {
        this.ratingsFile = settings.ratings();
        this.itemsFile = settings.items();
        this.genresFile = settings.genres();
        this.knn = settings.knn();
        this.lambdas = settings.lambdas().clone();
        this.negatives = settings.negatives();
        this.tune = settings.tune();
        this.seed = settings.seed();
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    private static final long DAY = 24L * 3_600_000;

    /** The streaming recommender's knobs, ItemStatistics' and Recommender's, as the harness varies them. */
    record StreamingSettings(long halfLifeDays, long windowDays, int historyLimit, int neighbours, long recencyHalfLifeDays,
                             int maxRecent, double categoryWeight, double popularityWeight, long interestHalfLifeDays) {
        static StreamingSettings defaults() {
            ItemStatistics.Config s = ItemStatistics.Config.defaults();
            Recommender.Config r = Recommender.Config.defaults();
            return new StreamingSettings(s.halfLifeMillis() / DAY, s.windowMillis() / DAY, s.historyLimit(), s.neighbours(),
                    r.recencyHalfLifeMillis() / DAY, r.maxRecent(), r.categoryWeight(), r.popularityWeight(), 30);
        }

        /**
         * What {@code --tune} chose on the validation split (docs/EVALUATION.md): more neighbours per
         * item and fewer, fresher recent items than the shop defaults; MovieLens users rate in long
         * sittings, so the last few ratings say most about the next.
         */
        static StreamingSettings movieLensTuned() {
            return new StreamingSettings(30, 1, 20, 200, 1, 10, 0.5, 0.05, 30);
        }

        Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("halfLifeDays", halfLifeDays);
            m.put("windowDays", windowDays);
            m.put("historyLimit", historyLimit);
            m.put("neighbours", neighbours);
            m.put("recencyHalfLifeDays", recencyHalfLifeDays);
            m.put("maxRecent", maxRecent);
            m.put("categoryWeight", categoryWeight);
            m.put("popularityWeight", popularityWeight);
            m.put("interestHalfLifeDays", interestHalfLifeDays);
            return m;
        }
    }

    private MovieLensData data;
    private int[] testOf;
    private int[] validationOf;
    private boolean[] isTest;
    private boolean[] isValidation;
    private int[][] sampled;

    /** Runs both protocols over every model and returns the table (the CLI prints it and checks floors). */
    public MetricTable run() {
        long started = System.nanoTime();
        data = MovieLensData.read(ratingsFile, itemsFile, genresFile);
        int[][] byUser = data.ratingsByUser();
        testOf = new int[data.users];
        validationOf = new int[data.users];
        isTest = new boolean[data.ratings.size()];
        isValidation = new boolean[data.ratings.size()];
        int evaluated = 0;
        for (int u = 0; u < data.users; u++) {
            testOf[u] = -1;
            validationOf[u] = -1;
            // a user needs a training rating besides the validation and test ones
            if (byUser[u].length >= 3) {
                testOf[u] = byUser[u][byUser[u].length - 1];
                validationOf[u] = byUser[u][byUser[u].length - 2];
                isTest[testOf[u]] = true;
                isValidation[validationOf[u]] = true;
                evaluated++;
            }
        }
        sampled = sampleNegatives(byUser);

        MetricTable table = new MetricTable("movielens");
        table.fact("ratings", data.ratings.size()).fact("users", data.users).fact("items", data.items)
                .fact("evaluatedUsers", evaluated).fact("seed", seed).fact("sampledNegatives", negatives)
                .fact("ties", "the held-out item ranks below every item with an equal score");

        // ---- streaming: tune on validation, then test ----
        StreamingSettings defaults = StreamingSettings.defaults();
        StreamingSettings chosen = tune ? tuneStreaming(defaults) : StreamingSettings.movieLensTuned();
        table.fact("streamingSettings", chosen.describe());
        table.fact("streamingValidationHR@10", round(streaming(chosen, false).hr10()));
        Ranks streamingRanks = streaming(chosen, true);
        record(table, "streaming", streamingRanks);
        progress.accept("movielens: streaming recommender replayed");
        record(table, "streaming-untuned", streaming(defaults, true));

        // ---- offline baselines on the training part ----
        List<int[]> train = userItems(byUser, true, false);
        List<int[]> trainMinusValidation = userItems(byUser, true, true);
        record(table, "popularity", offline(train, true, popularityScorer(train)));
        progress.accept("movielens: ItemKNN (k = " + knn + ")");
        ItemKnn itemKnn = new ItemKnn(data.items, train, knn);
        Ranks itemKnnRanks = offline(train, true, (u, rated, items) -> itemKnn.scores(rated));
        record(table, "itemknn", itemKnnRanks);

        double bestLambda = lambdas[0];
        double bestHr = -1;
        Map<String, Object> lambdaTrace = new LinkedHashMap<>();
        for (double lambda : lambdas) {
            Ease e = new Ease(data.items, trainMinusValidation, lambda);
            double hr = offline(trainMinusValidation, false, (u, rated, items) -> e.scores(items, data.items)).hr10();
            lambdaTrace.put(String.valueOf(lambda), round(hr));
            progress.accept("movielens: EASE λ = " + lambda + " validation HR@10 " + round(hr));
            if (hr > bestHr) {
                bestHr = hr;
                bestLambda = lambda;
            }
        }
        table.fact("easeValidationHR@10ByLambda", lambdaTrace).fact("easeLambda", bestLambda);
        Ease ease = new Ease(data.items, train, bestLambda);
        Ranks easeRanks = offline(train, true, (u, rated, items) -> ease.scores(items, data.items));
        record(table, "ease", easeRanks);
        // the targets as figures a floor can hold: streaming >= ItemKNN and >= 0.9 x EASE
        Ranks knnRanks = itemKnnRanks;
        table.put("temporal", "streaming-vs-offline", "HR@10overItemKNN", streamingRanks.hr10() / knnRanks.hr10());
        table.put("temporal", "streaming-vs-offline", "HR@10overEASE", streamingRanks.hr10() / easeRanks.hr10());
        table.fact("seconds", Math.round((System.nanoTime() - started) / 1e8) / 10.0);
        return table;
    }

    private static double round(double v) {
        return Math.round(v * 10_000.0) / 10_000.0;
    }

    private void record(MetricTable table, String model, Ranks ranks) {
        table.put("temporal", model, "HR@10", ranks.hr10());
        table.put("temporal", model, "NDCG@10", ranks.ndcg10());
        table.put("temporal", model, "Recall@20", ranks.recall20());
        table.put("sampled", model, "HR@10", ranks.sampledHr10());
        table.put("sampled", model, "NDCG@10", ranks.sampledNdcg10());
    }

    /** Coordinate ascent over a few values per knob, scored by validation HR@10 only. */
    private StreamingSettings tuneStreaming(StreamingSettings start) {
        StreamingSettings best = start;
        double bestHr = streaming(best, false).hr10();
        progress.accept("movielens: streaming defaults, validation HR@10 " + round(bestHr));
        for (int pass = 0; pass < 2; pass++) {
            boolean improved = false;
            for (StreamingSettings candidate : neighboursOf(best)) {
                double hr = streaming(candidate, false).hr10();
                if (hr > bestHr + 1e-9) {
                    bestHr = hr;
                    best = candidate;
                    improved = true;
                    progress.accept("movielens: streaming " + best.describe() + " validation HR@10 " + round(bestHr));
                }
            }
            if (!improved) {
                break;
            }
        }
        return best;
    }

    private static List<StreamingSettings> neighboursOf(StreamingSettings s) {
        List<StreamingSettings> out = new ArrayList<>();
        for (long w : new long[] {1, 30, 3650}) {
            out.add(new StreamingSettings(s.halfLifeDays(), w, s.historyLimit(), s.neighbours(), s.recencyHalfLifeDays(),
                    s.maxRecent(), s.categoryWeight(), s.popularityWeight(), s.interestHalfLifeDays()));
        }
        for (int h : new int[] {20, 50, 100}) {
            out.add(new StreamingSettings(s.halfLifeDays(), s.windowDays(), h, s.neighbours(), s.recencyHalfLifeDays(),
                    s.maxRecent(), s.categoryWeight(), s.popularityWeight(), s.interestHalfLifeDays()));
        }
        for (int n : new int[] {50, 100, 200}) {
            out.add(new StreamingSettings(s.halfLifeDays(), s.windowDays(), s.historyLimit(), n, s.recencyHalfLifeDays(),
                    s.maxRecent(), s.categoryWeight(), s.popularityWeight(), s.interestHalfLifeDays()));
        }
        for (long r : new long[] {1, 30, 365}) {
            out.add(new StreamingSettings(s.halfLifeDays(), s.windowDays(), s.historyLimit(), s.neighbours(), r,
                    s.maxRecent(), s.categoryWeight(), s.popularityWeight(), s.interestHalfLifeDays()));
        }
        for (int m : new int[] {10, 20, 50, 100}) {
            out.add(new StreamingSettings(s.halfLifeDays(), s.windowDays(), s.historyLimit(), s.neighbours(),
                    s.recencyHalfLifeDays(), m, s.categoryWeight(), s.popularityWeight(), s.interestHalfLifeDays()));
        }
        for (double c : new double[] {0.0, 0.5, 2.0}) {
            out.add(new StreamingSettings(s.halfLifeDays(), s.windowDays(), s.historyLimit(), s.neighbours(),
                    s.recencyHalfLifeDays(), s.maxRecent(), c, s.popularityWeight(), s.interestHalfLifeDays()));
        }
        for (double p : new double[] {0.05, 0.5, 2.0}) {
            out.add(new StreamingSettings(s.halfLifeDays(), s.windowDays(), s.historyLimit(), s.neighbours(),
                    s.recencyHalfLifeDays(), s.maxRecent(), s.categoryWeight(), p, s.interestHalfLifeDays()));
        }
        for (long h : new long[] {30, 365}) {
            out.add(new StreamingSettings(h, s.windowDays(), s.historyLimit(), s.neighbours(), s.recencyHalfLifeDays(),
                    s.maxRecent(), s.categoryWeight(), s.popularityWeight(), s.interestHalfLifeDays()));
        }
        out.removeIf(c -> c.equals(s));
        return out;
    }

    // ---- the streaming recommender, replayed ----

    private static final class UserState {
        final ArrayDeque<RecentItem> history = new ArrayDeque<>();
        final Set<String> rated = new HashSet<>();
        final Map<String, Double> interest = new HashMap<>();
        long interestTime;
    }

    /**
     * Replays the stream in time order. On the test protocol every rating is replayed and each user is
     * asked just before their last one; on the validation protocol the test ratings are left out of the
     * stream and each user is asked just before their second-to-last one.
     */
    private Ranks streaming(StreamingSettings s, boolean test) {
        ItemStatistics stats = new ItemStatistics(new ItemStatistics.Config(Map.of("Product Rated", 1.0), "product_id",
                s.halfLifeDays() * DAY, s.windowDays() * DAY, s.historyLimit(), s.neighbours(), Math.max(1, data.items)));
        Recommender recommender = new Recommender(new Recommender.Config(s.recencyHalfLifeDays() * DAY, s.maxRecent(),
                s.categoryWeight(), s.popularityWeight(), 3, 50, 1_000_000, true, false));
        Map<String, Integer> indexOf = new HashMap<>();
        for (int i = 0; i < data.items; i++) {
            indexOf.put(data.itemIds[i], i);
        }
        Map<String, String> categoryOf = new HashMap<>();
        for (int i = 0; i < data.items; i++) {
            categoryOf.put(data.itemIds[i], data.genreOf[i]);
        }
        int keep = Math.max(s.historyLimit(), s.maxRecent());
        double interestLn2 = Math.log(2) / (s.interestHalfLifeDays() * DAY);
        UserState[] users = new UserState[data.users];
        Ranks ranks = new Ranks();
        for (MovieLensData.Rating r : data.ratings) {
            if (!test && isTest[r.index()]) {
                continue;
            }
            UserState u = users[r.user()];
            if (u == null) {
                u = users[r.user()] = new UserState();
            }
            String item = data.itemIds[r.item()];
            boolean target = test ? isTest[r.index()] : isValidation[r.index()];
            if (target) {
                Map<String, Double> interests = new HashMap<>();
                double fade = Math.exp(-(r.timeMillis() - u.interestTime) * interestLn2);
                u.interest.forEach((g, v) -> interests.put(g, v * fade));
                List<Recommendation> recs = recommender.recommend(stats, new Recommender.Request(List.copyOf(u.history),
                        interests, u.rated, Math.max(1, Math.min(10_000, data.items)), r.timeMillis()), categoryOf::get);
                double[] scores = new double[data.items];
                Arrays.fill(scores, Double.NEGATIVE_INFINITY);
                for (Recommendation rec : recs) {
                    scores[indexOf.get(rec.item())] = rec.score();
                }
                boolean[] excluded = new boolean[data.items];
                for (String x : u.rated) {
                    excluded[indexOf.get(x)] = true;
                }
                ranks.add(scores, excluded, r.item(), sampled[r.user()]);
            }
            stats.observe(item, 1.0, r.timeMillis(), List.copyOf(u.history));
            u.history.addFirst(new RecentItem(item, r.timeMillis()));
            while (u.history.size() > keep) {
                u.history.removeLast();
            }
            u.rated.add(item);
            double fade = Math.exp(-(r.timeMillis() - u.interestTime) * interestLn2);
            u.interest.replaceAll((g, v) -> v * fade);
            u.interestTime = r.timeMillis();
            for (String g : data.genresOf[r.item()]) {
                u.interest.merge(g, 1.0, Double::sum);
            }
        }
        return ranks;
    }

    // ---- offline baselines ----

    interface Scorer {
        double[] scores(int user, boolean[] rated, int[] ratedItems);
    }

    private Scorer popularityScorer(List<int[]> train) {
        double[] counts = new double[data.items];
        for (int[] row : train) {
            for (int i : row) {
                counts[i]++;
            }
        }
        return (u, rated, items) -> counts;
    }

    /** Each user's distinct items of the training part; also without the validation rating when asked. */
    private List<int[]> userItems(int[][] byUser, boolean withoutTest, boolean withoutValidation) {
        List<int[]> out = new ArrayList<>(data.users);
        for (int u = 0; u < data.users; u++) {
            Set<Integer> items = new java.util.TreeSet<>();
            for (int idx : byUser[u]) {
                if ((withoutTest && isTest[idx]) || (withoutValidation && isValidation[idx])) {
                    continue;
                }
                items.add(data.ratings.get(idx).item());
            }
            out.add(items.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    private Ranks offline(List<int[]> train, boolean test, Scorer scorer) {
        Ranks ranks = new Ranks();
        for (int u = 0; u < data.users; u++) {
            int target = test ? testOf[u] : validationOf[u];
            if (target < 0) {
                continue;
            }
            int[] items = train.get(u);
            boolean[] rated = new boolean[data.items];
            for (int i : items) {
                rated[i] = true;
            }
            int targetItem = data.ratings.get(target).item();
            if (rated[targetItem]) {
                // a re-rating of a training item: nothing new to find, and the ranking leaves it out
                rated = rated.clone();
                rated[targetItem] = false;
            }
            ranks.add(scorer.scores(u, rated, items), rated, targetItem, sampled[u]);
        }
        return ranks;
    }

    /** {@code negatives} distinct items each user never rated, from one seeded generator, users in order. */
    private int[][] sampleNegatives(int[][] byUser) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] out = new int[data.users][];
        for (int u = 0; u < data.users; u++) {
            boolean[] seen = new boolean[data.items];
            for (int idx : byUser[u]) {
                seen[data.ratings.get(idx).item()] = true;
            }
            int available = 0;
            for (boolean b : seen) {
                if (!b) {
                    available++;
                }
            }
            int n = Math.min(negatives, available);
            int[] picks = new int[n];
            for (int k = 0; k < n; k++) {
                int i;
                do {
                    i = random.nextInt(data.items);
                } while (seen[i]);
                seen[i] = true;
                picks[k] = i;
            }
            out[u] = picks;
        }
        return out;
    }

    /** Ranks of held-out items, full and sampled. */
    static final class Ranks {
        private long users;
        private double hits10;
        private double ndcg10;
        private double hits20;
        private double sampledHits10;
        private double sampledNdcg10;

        void add(double[] scores, boolean[] excluded, int target, int[] negatives) {
            double s = scores[target];
            int rank = 0;
            for (int j = 0; j < scores.length; j++) {
                if (j != target && !excluded[j] && scores[j] >= s) {
                    rank++;
                }
            }
            int sampledRank = 0;
            for (int j : negatives) {
                if (scores[j] >= s) {
                    sampledRank++;
                }
            }
            users++;
            if (rank < 10) {
                hits10++;
                ndcg10 += 1.0 / (Math.log(rank + 2) / Math.log(2));
            }
            if (rank < 20) {
                hits20++;
            }
            if (sampledRank < 10) {
                sampledHits10++;
                sampledNdcg10 += 1.0 / (Math.log(sampledRank + 2) / Math.log(2));
            }
        }

        double hr10() {
            return users == 0 ? 0 : hits10 / users;
        }

        double ndcg10() {
            return users == 0 ? 0 : ndcg10 / users;
        }

        /** One held-out item per user, so Recall@20 is the share of users whose item is in their top 20. */
        double recall20() {
            return users == 0 ? 0 : hits20 / users;
        }

        double sampledHr10() {
            return users == 0 ? 0 : sampledHits10 / users;
        }

        double sampledNdcg10() {
            return users == 0 ? 0 : sampledNdcg10 / users;
        }
    }
}
