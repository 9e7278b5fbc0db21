package dev.portrait.core.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Scores items for one user from {@link ItemStatistics} and what the profile knows about them.
 *
 * <p>For a candidate {@code j}:
 * <pre>
 *   score(j) = Σ_i sim(i, j) · 2^(−(now − t_i) / recencyHalfLife)            item part
 *            + categoryWeight · share(cat(j)) · pop(j) / max pop in cat(j)    category part
 *            + popularityWeight · pop(j) / max pop                            popularity part
 *            + socialWeight · Σ_u (s_u / Σ_v s_v) · Σ_{i of u, i = j} 2^(−(now − t_i) / recencyHalfLife)   social part
 * </pre>
 * where {@code i} runs over the user's {@code maxRecent} most recent items (seen at {@code t_i}) and
 * {@code share(c)} is the user's decayed interest in {@code c} over the sum of their top
 * {@code maxCategories} positive interests. Candidates are the neighbours of the recent items, the
 * most popular items of the user's top categories (found among the {@code scanLimit} most popular
 * items, at most {@code perCategory} each) and the overall most popular items; so a user with no
 * history and no interests gets plain popularity. The reason names the largest part: the recent item
 * that contributed most to the item part, the category, or popularity.
 *
 * <p><b>The social part ("people like you follow").</b> {@code u} runs over the person's {@code maxTies}
 * strongest ties (a {@code tie_strength} reading: counterpart → decayed strength {@code s_u}; ties broken by
 * key), and {@code i} over each tie's {@code maxRecent} most recent items, which the caller's lookup reads
 * from that person's profile. Strengths are normalised over the ties considered, so the part is at most
 * {@code socialWeight} whatever the absolute strengths (which decay with time while their order does not);
 * a tie whose profile the lookup cannot find still counts in the normalisation, so a friend who vanished
 * does not inflate the others. Items the ties saw recently pull in proportion to how close the tie is
 * and how recently they saw them; they become candidates like co-occurrence neighbours do, even when the
 * item statistics do not keep them (then they have no popularity part). When the social part is the
 * largest, the reason names the tie that contributed most to it: {@code "people like you follow: u17"}.
 * Without ties, or with {@code socialWeight} 0, the lookup is not called and every score and reason is
 * what it was without the part.
 *
 * <p>The item part is unbounded (one term per recent item, each about 0 to 1), the other two at most
 * their weights, so co-occurrence evidence wins when there is some; the defaults let a category's top
 * item outrank weak co-occurrence and keep popularity a tie-breaker. They are starting points, to be
 * tuned by {@code portrait eval}.
 *
 * <p><b>Why one class past the usual length.</b> The four parts score one candidate set and one reason is
 * chosen among them; split into classes, each would need the candidates, the exclusions and the decay.
 *
 * <p>Work per call is bounded: {@code maxRecent × neighbours + scanLimit + maxTies × maxRecent} candidates
 * at most, and {@code maxTies} lookups.
 */
public final class Recommender {
    static final Comparator<ItemScore> BEST_FIRST_SCORES =
            Comparator.comparingDouble(ItemScore::score).reversed().thenComparing(ItemScore::item);
    /** The reason's prefix when the social part is the largest; the strongest contributing tie follows. */
    public static final String SOCIAL_REASON = "people like you follow: ";
    private static final Comparator<Recommendation> BEST_FIRST =
            Comparator.comparingDouble(Recommendation::score).reversed().thenComparing(Recommendation::item);

    /**
     * @param recencyHalfLifeMillis how fast a recent item's pull fades, by its age at request time
     * @param maxRecent             how many of the most recent items count
     * @param categoryWeight        weight of the category part
     * @param popularityWeight      weight of the popularity part
     * @param maxCategories         how many of the user's top interests count
     * @param perCategory           candidates taken per category
     * @param scanLimit             how far down the popularity ranking categories are looked for
     * @param excludeBought         leave out items the user bought
     * @param excludeSeen           leave out the user's recent items
     * @param maxNeighbours         how many of a recent item's strongest neighbours pull (at most the table keeps)
     * @param socialWeight          weight of the social part (0: none)
     * @param maxTies               how many of the strongest ties the social part reads
     */
    public record Config(long recencyHalfLifeMillis, int maxRecent, double categoryWeight, double popularityWeight,
                         int maxCategories, int perCategory, int scanLimit, boolean excludeBought, boolean excludeSeen,
                         int maxNeighbours, double socialWeight, int maxTies) {
        /** How many ties the social part reads unless told. */
        public static final int DEFAULT_MAX_TIES = 10;

        /** No social part. */
        public Config(long recencyHalfLifeMillis, int maxRecent, double categoryWeight, double popularityWeight,
                      int maxCategories, int perCategory, int scanLimit, boolean excludeBought, boolean excludeSeen,
                      int maxNeighbours) {
            this(recencyHalfLifeMillis, maxRecent, categoryWeight, popularityWeight, maxCategories, perCategory,
                    scanLimit, excludeBought, excludeSeen, maxNeighbours, 0.0, DEFAULT_MAX_TIES);
        }

        /** Every neighbour the table keeps pulls. */
        public Config(long recencyHalfLifeMillis, int maxRecent, double categoryWeight, double popularityWeight,
                      int maxCategories, int perCategory, int scanLimit, boolean excludeBought, boolean excludeSeen) {
            this(recencyHalfLifeMillis, maxRecent, categoryWeight, popularityWeight, maxCategories, perCategory,
                    scanLimit, excludeBought, excludeSeen, Integer.MAX_VALUE);
        }

        public Config {
            if (recencyHalfLifeMillis <= 0) {
                throw new IllegalArgumentException("recencyHalfLifeMillis must be positive, got " + recencyHalfLifeMillis);
            }
            ItemStatistics.requireIn("maxRecent", maxRecent, 1, 1_000);
            requireWeight("categoryWeight", categoryWeight);
            requireWeight("popularityWeight", popularityWeight);
            ItemStatistics.requireIn("maxCategories", maxCategories, 0, 100);
            ItemStatistics.requireIn("perCategory", perCategory, 1, 10_000);
            ItemStatistics.requireIn("scanLimit", scanLimit, 1, 10_000_000);
            ItemStatistics.requireIn("maxNeighbours", maxNeighbours, 1, Integer.MAX_VALUE);
            requireWeight("socialWeight", socialWeight);
            ItemStatistics.requireIn("maxTies", maxTies, 1, 1_000);
        }

        /** A 1-day recency half-life, 20 recent items, 0.5 and 0.05 as weights, 3 categories of 50 among the top 5,000 items, bought items left out. */
        public static Config defaults() {
            return new Config(24L * 3_600_000, 20, 0.5, 0.05, 3, 50, 5_000, true, false);
        }

        public Config withExclusions(boolean bought, boolean seen) {
            return new Config(recencyHalfLifeMillis, maxRecent, categoryWeight, popularityWeight, maxCategories,
                    perCategory, scanLimit, bought, seen, maxNeighbours, socialWeight, maxTies);
        }

        /** This configuration with a social part of this weight over at most {@code ties} ties. */
        public Config withSocial(double weight, int ties) {
            return new Config(recencyHalfLifeMillis, maxRecent, categoryWeight, popularityWeight, maxCategories,
                    perCategory, scanLimit, excludeBought, excludeSeen, maxNeighbours, weight, ties);
        }

        /**
         * This configuration with an experiment variant's settings over it (the keys
         * {@code ExperimentsLoader} accepts, already checked there); {@code reasons} is the serving side's.
         */
        public Config with(java.util.Map<String, Object> settings) {
            return new Config(
                    settings.get("recencyHalfLife") instanceof Number n ? n.longValue() : recencyHalfLifeMillis,
                    settings.get("maxRecent") instanceof Number n ? n.intValue() : maxRecent,
                    settings.get("categoryWeight") instanceof Number n ? n.doubleValue() : categoryWeight,
                    settings.get("popularityWeight") instanceof Number n ? n.doubleValue() : popularityWeight,
                    settings.get("maxCategories") instanceof Number n ? n.intValue() : maxCategories,
                    settings.get("perCategory") instanceof Number n ? n.intValue() : perCategory,
                    scanLimit,
                    settings.get("excludeBought") instanceof Boolean b ? b : excludeBought,
                    settings.get("excludeSeen") instanceof Boolean b ? b : excludeSeen,
                    settings.get("neighbours") instanceof Number n ? n.intValue() : maxNeighbours,
                    settings.get("socialWeight") instanceof Number n ? n.doubleValue() : socialWeight,
                    maxTies);
        }

        private static void requireWeight(String name, double w) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException(name + " must be a finite number >= 0, got " + w);
            }
        }
    }

    /**
     * What the profile knows about the user, at request time.
     *
     * @param recent    recent items with times (any order; duplicates keep the latest)
     * @param interests decayed interest per category, as a {@code decayed_scores} feature reads
     * @param bought    items the user bought
     * @param k         how many recommendations to return
     * @param now       request time, epoch ms
     * @param ties      the user's ties: counterpart → decayed strength, as a {@code tie_strength} feature reads
     *                  (any order; non-positive or non-finite strengths are ignored)
     */
    public record Request(List<RecentItem> recent, Map<String, Double> interests, Set<String> bought, int k, long now,
                          Map<String, Double> ties) {
        public Request {
            recent = recent == null ? List.of() : List.copyOf(recent);
            interests = interests == null ? Map.of() : Map.copyOf(interests);
            bought = bought == null ? Set.of() : Set.copyOf(bought);
            ties = ties == null ? Map.of() : Map.copyOf(ties);
            ItemStatistics.requireIn("k", k, 1, 10_000);
        }

        /** No ties. */
        public Request(List<RecentItem> recent, Map<String, Double> interests, Set<String> bought, int k, long now) {
            this(recent, interests, bought, k, now, Map.of());
        }
    }

    /**
     * Another person's recent items, by the key a tie names them with; null (or empty) when there is no
     * such person. The runtime reads them from that person's published profile.
     */
    @FunctionalInterface
    public interface TieItems {
        /** None: the social part finds nothing. */
        TieItems NONE = counterpart -> null;

        List<RecentItem> recentOf(String counterpart);
    }

    private final Config config;

    public Recommender(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    /** Scored parts of one candidate. */
    private static final class Candidate {
        final ItemRecord record;
        double itemPart;
        double strongestPull;
        String pulledBy;
        double categoryPart;
        String category;
        double socialPart;
        double strongestTiePull;
        String tie;

        Candidate(ItemRecord record) {
            this.record = record;
        }
    }

    /**
     * The top {@code request.k()} items for the user, best first (ties: by id).
     *
     * @param categoryOf the catalogue's category of an item, or {@code null} when unknown
     */
    public List<Recommendation> recommend(ItemStatistics stats, Request request, Function<String, String> categoryOf) {
        return recommend(stats, request, categoryOf, config);
    }

    /**
     * As {@link #recommend(ItemStatistics, Request, Function)} under another configuration: an experiment
     * variant's settings ({@link Config#with}) over this recommender's.
     */
    public List<Recommendation> recommend(ItemStatistics stats, Request request, Function<String, String> categoryOf,
                                          Config config) {
        return recommend(stats, request, categoryOf, config, TieItems.NONE);
    }

    /**
     * As {@link #recommend(ItemStatistics, Request, Function, Config)} with the social part: {@code tieItems}
     * gives the recent items of the request's strongest ties (called at most {@code maxTies} times, and not
     * at all without ties or social weight).
     */
    public List<Recommendation> recommend(ItemStatistics stats, Request request, Function<String, String> categoryOf,
                                          Config config, TieItems tieItems) {
        List<RecentItem> recent = mostRecent(request.recent(), config.maxRecent());

        Set<String> excluded = new HashSet<>();
        if (config.excludeBought()) {
            excluded.addAll(request.bought());
        }
        if (config.excludeSeen()) {
            for (RecentItem r : request.recent()) {
                excluded.add(r.item());
            }
        }

        Map<String, Candidate> candidates = new LinkedHashMap<>();
        double ln2OverHalfLife = Math.log(2) / config.recencyHalfLifeMillis();
        for (RecentItem r : recent) {
            ItemRecord from = stats.record(r.item());
            if (from == null) {
                continue;
            }
            double recency = Math.exp(-Math.max(0, request.now() - r.time()) * ln2OverHalfLife);
            for (int at : strongest(stats, from, config.maxNeighbours())) {
                String item = from.neighbours[at];
                if (excluded.contains(item)) {
                    continue;
                }
                double pull = stats.similarity(from, at) * recency;
                if (pull <= 0) {
                    continue;
                }
                Candidate c = candidates.computeIfAbsent(item, i -> new Candidate(stats.record(i)));
                c.itemPart += pull;
                if (pull > c.strongestPull || (pull == c.strongestPull && r.item().compareTo(c.pulledBy) < 0)) {
                    c.strongestPull = pull;
                    c.pulledBy = r.item();
                }
            }
        }

        if (config.socialWeight() > 0) {
            addSocialPart(stats, request, config, tieItems, excluded, candidates, ln2OverHalfLife);
        }

        Map<String, Double> shares = topShares(request.interests(), config);
        Map<String, ItemRecord> categoryLeaders = new HashMap<>();
        Map<String, Integer> taken = new HashMap<>();
        int scanned = 0;
        int popularNeeded = request.k();
        ItemRecord mostPopular = null;
        for (ItemRecord r : stats.byPopularity()) {
            if (mostPopular == null) {
                mostPopular = r;
            }
            if (scanned++ == config.scanLimit() || (popularNeeded == 0 && taken.size() == shares.size()
                    && allFull(taken, config))) {
                break;
            }
            boolean allowed = !excluded.contains(r.item);
            if (allowed && popularNeeded > 0) {
                candidates.computeIfAbsent(r.item, i -> new Candidate(r));
                popularNeeded--;
            }
            if (shares.isEmpty()) {
                continue;
            }
            String category = categoryOf.apply(r.item);
            if (category == null || !shares.containsKey(category)) {
                continue;
            }
            categoryLeaders.putIfAbsent(category, r);
            int count = taken.getOrDefault(category, 0);
            if (allowed && count < config.perCategory()) {
                taken.put(category, count + 1);
                candidates.computeIfAbsent(r.item, i -> new Candidate(r));
            }
        }
        if (mostPopular == null) {
            return List.of();
        }

        ForwardDecay decay = stats.decay();
        List<Recommendation> out = new ArrayList<>(candidates.size());
        for (Map.Entry<String, Candidate> e : candidates.entrySet()) {
            Candidate c = e.getValue();
            if (c.record == null && c.socialPart <= 0) {
                continue;
            }
            if (!shares.isEmpty()) {
                String category = categoryOf.apply(e.getKey());
                ItemRecord leader = category == null ? null : categoryLeaders.get(category);
                if (leader != null && c.record != null) {
                    c.category = category;
                    c.categoryPart = config.categoryWeight() * shares.get(category)
                            * Math.min(1.0, c.record.popularityRelativeTo(leader, decay));
                }
            }
            double popularityPart = c.record == null ? 0.0
                    : config.popularityWeight() * Math.min(1.0, c.record.popularityRelativeTo(mostPopular, decay));
            double score = c.itemPart + c.categoryPart + popularityPart + c.socialPart;
            String reason;
            if (c.itemPart > 0 && c.itemPart >= c.socialPart && c.itemPart >= c.categoryPart
                    && c.itemPart >= popularityPart) {
                reason = "viewed together with " + c.pulledBy;
            } else if (c.socialPart > 0 && c.socialPart >= c.categoryPart && c.socialPart >= popularityPart) {
                reason = SOCIAL_REASON + c.tie;
            } else if (c.categoryPart > 0 && c.categoryPart >= popularityPart) {
                reason = "popular in " + c.category;
            } else {
                reason = "popular";
            }
            out.add(new Recommendation(e.getKey(), score, reason));
        }
        out.sort(BEST_FIRST);
        return List.copyOf(out.subList(0, Math.min(request.k(), out.size())));
    }

    /**
     * Adds each strong tie's recent items as candidates with their social pull (see the class comment):
     * the {@code maxTies} strongest ties, strengths normalised over them, each tie's {@code maxRecent}
     * most recent distinct items, each fading by its age.
     */
    private static void addSocialPart(ItemStatistics stats, Request request, Config config, TieItems tieItems,
                                      Set<String> excluded, Map<String, Candidate> candidates, double ln2OverHalfLife) {
        List<Map.Entry<String, Double>> ties = strongestTies(request.ties(), config.maxTies());
        double total = 0;
        for (Map.Entry<String, Double> t : ties) {
            total += t.getValue();
        }
        for (Map.Entry<String, Double> t : ties) {
            List<RecentItem> theirs = tieItems.recentOf(t.getKey());
            if (theirs == null || theirs.isEmpty()) {
                continue;
            }
            double closeness = t.getValue() / total;
            for (RecentItem r : mostRecent(theirs, config.maxRecent())) {
                if (excluded.contains(r.item())) {
                    continue;
                }
                double pull = config.socialWeight() * closeness
                        * Math.exp(-Math.max(0, request.now() - r.time()) * ln2OverHalfLife);
                if (!(pull > 0)) {
                    continue;
                }
                Candidate c = candidates.computeIfAbsent(r.item(), i -> new Candidate(stats.record(i)));
                c.socialPart += pull;
                if (pull > c.strongestTiePull || (pull == c.strongestTiePull && t.getKey().compareTo(c.tie) < 0)) {
                    c.strongestTiePull = pull;
                    c.tie = t.getKey();
                }
            }
        }
    }

    /** The {@code limit} strongest ties with a positive, finite strength, strongest first (ties: by key). */
    static List<Map.Entry<String, Double>> strongestTies(Map<String, Double> ties, int limit) {
        List<Map.Entry<String, Double>> out = new ArrayList<>();
        for (Map.Entry<String, Double> e : ties.entrySet()) {
            if (e.getKey() != null && e.getValue() != null && e.getValue() > 0 && Double.isFinite(e.getValue())) {
                out.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        out.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return out.subList(0, Math.min(limit, out.size()));
    }

    /** The {@code limit} most recent distinct items, newest first (ties: by id); an item keeps its latest time. */
    private static List<RecentItem> mostRecent(List<RecentItem> items, int limit) {
        Map<String, RecentItem> latest = new HashMap<>();
        for (RecentItem r : items) {
            latest.merge(r.item(), r, (a, b) -> a.time() >= b.time() ? a : b);
        }
        List<RecentItem> out = new ArrayList<>(latest.values());
        out.sort((a, b) -> a.time() != b.time() ? Long.compare(b.time(), a.time()) : a.item().compareTo(b.item()));
        return out.subList(0, Math.min(limit, out.size()));
    }

    /** The positions of the item's {@code limit} most similar neighbours (all of them when it keeps fewer). */
    private static int[] strongest(ItemStatistics stats, ItemRecord from, int limit) {
        int[] all = new int[from.size];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        if (limit >= all.length) {
            return all;
        }
        Integer[] order = new Integer[all.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int bySimilarity = Double.compare(stats.similarity(from, b), stats.similarity(from, a));
            return bySimilarity != 0 ? bySimilarity : from.neighbours[a].compareTo(from.neighbours[b]);
        });
        int[] out = new int[limit];
        for (int i = 0; i < limit; i++) {
            out[i] = order[i];
        }
        return out;
    }

    private static boolean allFull(Map<String, Integer> taken, Config config) {
        for (int n : taken.values()) {
            if (n < config.perCategory()) {
                return false;
            }
        }
        return true;
    }

    /** The top {@code maxCategories} positive interests as shares of their sum. */
    private static Map<String, Double> topShares(Map<String, Double> interests, Config config) {
        List<Map.Entry<String, Double>> positive = new ArrayList<>();
        for (Map.Entry<String, Double> e : interests.entrySet()) {
            if (e.getKey() != null && e.getValue() != null && e.getValue() > 0 && Double.isFinite(e.getValue())) {
                positive.add(e);
            }
        }
        positive.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        positive = positive.subList(0, Math.min(config.maxCategories(), positive.size()));
        double sum = 0;
        for (Map.Entry<String, Double> e : positive) {
            sum += e.getValue();
        }
        Map<String, Double> out = new HashMap<>();
        for (Map.Entry<String, Double> e : positive) {
            out.put(e.getKey(), e.getValue() / sum);
        }
        return out;
    }
}
