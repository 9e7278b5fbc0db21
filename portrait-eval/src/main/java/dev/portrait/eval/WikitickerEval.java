package dev.portrait.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portrait.core.model.BotScore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * Bot detection on a day of Wikipedia edits, scored per user against the {@code isRobot} flag
 * (a user is a bot when most of their edits are flagged). Behaviour only: edit times, pages,
 * namespaces, channels and edit sizes. The user name, the comment, and the self-declared flags
 * ({@code isAnonymous}, {@code isMinor}) are never read. Two scorers: {@link BotScore} with its
 * documented default weights (not fitted), and a logistic regression over the same behavioural
 * measures, fitted and scored by seeded 5-fold cross-validation over users (so every reported score
 * comes from a model that never saw that user's label).
 */
public final class WikitickerEval {
    /**
     * @param path  Wikipedia edits as JSON lines (gzip or plain), or a folder holding one such file
     * @param folds cross-validation folds over users
     * @param seed  seed of the fold assignment
     */
    public record Settings(Path path, int folds, long seed) {
        public Settings {
            Objects.requireNonNull(path, "path");
            if (folds < 2) {
                throw new IllegalArgumentException("cross-validation needs at least 2 folds, not " + folds);
            }
        }
    }

    private final Path path;
    private final int folds;
    private final long seed;

    public WikitickerEval(Settings settings) {
        this.path = settings.path();
        this.folds = settings.folds();
        this.seed = settings.seed();
    }

    private record Edit(long time, String user, String page, String namespace, String channel, long added,
                        long deleted, boolean robot) {
    }

    private static final class UserBehaviour {
        final BotScore.Activity activity;
        final Set<String> pages = new HashSet<>();
        final Set<String> namespaces = new HashSet<>();
        final Set<String> channels = new HashSet<>();
        final Map<String, Integer> where = new java.util.HashMap<>();
        long edits;
        long robotEdits;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        double logAdded;
        double logDeleted;
        long zeroDelta;

        UserBehaviour(BotScore.Activity activity) {
            this.activity = activity;
        }
    }

    /** Scores every user with both scorers and returns the table. */
    public MetricTable run() {
        Path file = path;
        if (Files.isDirectory(file)) {
            try (var s = Files.list(file)) {
                file = s.filter(p -> p.getFileName().toString().contains(".json")).sorted().findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no .json or .json.gz file in " + path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        List<Edit> edits = read(file);
        edits.sort((a, b) -> Long.compare(a.time(), b.time()));
        BotScore bot = new BotScore(BotScore.Config.defaults());
        Map<String, UserBehaviour> users = new TreeMap<>();
        for (Edit e : edits) {
            UserBehaviour u = users.computeIfAbsent(e.user(), k -> new UserBehaviour(bot.empty()));
            bot.observe(u.activity, e.time(), e.page());
            u.pages.add(e.page());
            u.namespaces.add(e.namespace());
            u.channels.add(e.channel());
            u.where.merge("channel:" + e.channel(), 1, Integer::sum);
            u.where.merge("namespace:" + e.namespace(), 1, Integer::sum);
            u.edits++;
            u.robotEdits += e.robot() ? 1 : 0;
            u.first = Math.min(u.first, e.time());
            u.last = Math.max(u.last, e.time());
            u.logAdded += Math.log1p(e.added());
            u.logDeleted += Math.log1p(e.deleted());
            u.zeroDelta += e.added() == e.deleted() ? 1 : 0;
        }

        List<String> places = commonPlaces(edits);
        int n = users.size();
        double[] defaultScores = new double[n];
        boolean[] labels = new boolean[n];
        List<Map<String, Double>> features = new ArrayList<>(n);
        int i = 0;
        long bots = 0;
        for (UserBehaviour u : users.values()) {
            BotScore.Assessment a = bot.assess(u.activity);
            defaultScores[i] = a.score();
            labels[i] = 2 * u.robotEdits > u.edits;
            bots += labels[i] ? 1 : 0;
            Map<String, Double> f = behaviour(u, a);
            for (String place : places) {
                f.put("share_" + place, u.where.getOrDefault(place, 0) / (double) u.edits);
            }
            features.add(f);
            i++;
        }
        double[] fitted = crossValidated(features, labels);

        MetricTable table = new MetricTable("wikiticker");
        table.fact("edits", edits.size()).fact("users", n).fact("botUsers", bots).fact("folds", folds).fact("seed", seed)
                .fact("features", new ArrayList<>(features.get(0).keySet()))
                .fact("notRead", List.of("user", "comment", "isAnonymous", "isMinor", "isUnpatrolled", "geography"));
        table.put("users", "botscore-default", "AUC", BinaryRanking.auc(defaultScores, labels));
        table.put("users", "botscore-default", "precision@recall0.9",
                BinaryRanking.precisionAtRecall(defaultScores, labels, 0.9));
        table.put("users", "behaviour-logistic-cv", "AUC", BinaryRanking.auc(fitted, labels));
        table.put("users", "behaviour-logistic-cv", "precision@recall0.9",
                BinaryRanking.precisionAtRecall(fitted, labels, 0.9));
        return table;
    }

    /** The behavioural measures of one user, on log scales where counts and sizes span decades. */
    private static Map<String, Double> behaviour(UserBehaviour u, BotScore.Assessment a) {
        Map<String, Double> f = new LinkedHashMap<>();
        f.put("log_edits", Math.log1p(u.edits));
        f.put("log_rate_per_minute", Math.log1p(a.eventsPerMinute()));
        f.put("burstiness", u.edits > 1 ? a.burstiness() : 0.0);
        f.put("gap_cv", u.edits > 1 ? Math.min(a.gapVariation(), 10) : 0.0);
        f.put("local_variation", Double.isNaN(a.localVariation()) ? 0.0 : Math.min(a.localVariation(), 3));
        f.put("has_rhythm", Double.isNaN(a.localVariation()) ? 0.0 : 1.0);
        f.put("log_span_minutes", Math.log1p((u.last - u.first) / 60_000.0));
        f.put("distinct_page_share", u.pages.size() / (double) u.edits);
        f.put("log_namespaces", Math.log1p(u.namespaces.size()));
        f.put("log_channels", Math.log1p(u.channels.size()));
        f.put("mean_log_added", u.logAdded / u.edits);
        f.put("mean_log_deleted", u.logDeleted / u.edits);
        f.put("unchanged_size_share", u.zeroDelta / (double) u.edits);
        f.put("botscore_default", a.score());
        return f;
    }

    /**
     * The 12 most edited channels and namespaces: where a user edits is behaviour (bots keep to the
     * projects and namespaces their task covers), and a share per place lets a linear model see it.
     */
    private static List<String> commonPlaces(List<Edit> edits) {
        Map<String, Integer> counts = new java.util.HashMap<>();
        for (Edit e : edits) {
            counts.merge("channel:" + e.channel(), 1, Integer::sum);
            counts.merge("namespace:" + e.namespace(), 1, Integer::sum);
        }
        List<String> out = new ArrayList<>(counts.keySet());
        out.sort((a, b) -> !counts.get(a).equals(counts.get(b)) ? counts.get(b) - counts.get(a) : a.compareTo(b));
        return out.subList(0, Math.min(12, out.size()));
    }

    private double[] crossValidated(List<Map<String, Double>> features, boolean[] labels) {
        int n = labels.length;
        int[] fold = new int[n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            fold[i] = random.nextInt(folds);
        }
        List<String> names = new ArrayList<>(features.get(0).keySet());
        double[] out = new double[n];
        for (int f = 0; f < folds; f++) {
            List<Map<String, Double>> xs = new ArrayList<>();
            List<Boolean> ys = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (fold[i] != f) {
                    xs.add(features.get(i));
                    ys.add(labels[i]);
                }
            }
            BatchLogisticRegression model = BatchLogisticRegression.fit(names, xs, ys, 1.0);
            for (int i = 0; i < n; i++) {
                if (fold[i] == f) {
                    out[i] = model.predict(features.get(i));
                }
            }
        }
        return out;
    }

    private static List<Edit> read(Path file) {
        ObjectMapper mapper = new ObjectMapper();
        List<Edit> out = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            long n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode j = mapper.readTree(line);
                if (!j.hasNonNull("time") || !j.hasNonNull("user")) {
                    throw new IllegalArgumentException(file + " line " + n + ": an edit needs time and user");
                }
                out.add(new Edit(Instant.parse(j.get("time").asText()).toEpochMilli(), j.get("user").asText(),
                        j.path("page").asText(""), j.path("namespace").asText(""), j.path("channel").asText(""),
                        j.path("added").asLong(0), j.path("deleted").asLong(0), j.path("isRobot").asBoolean(false)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
