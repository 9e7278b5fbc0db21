package dev.portrait.eval;

import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.EngineStep;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.model.DeclaredModels;
import dev.portrait.core.model.Recommendation;
import dev.portrait.core.model.Recommender;
import dev.portrait.core.profile.Profile;
import dev.portrait.synth.SyntheticEvent;
import dev.portrait.synth.SyntheticSocial;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * "People like you follow" measured: the recommender with its social part against the same recommender
 * without it, in one run, on the synthetic social stream ({@link SyntheticSocial}) folded through the real
 * engine under the shipped social definition.
 *
 * <p><b>Protocol.</b> The stream is generated from the seed; every event before the last day's start is
 * cleaned and folded ({@link ProfileEngine#apply}, the shared models absorbing each step). At the last
 * day's start each person who views at least one post that day that they had never viewed before is asked
 * for recommendations twice from the same profiles and shared models: with the social part (each tie's
 * recent items read from that person's profile, resolved through identity as the runtime resolves it) and
 * without it (no tie is read: exactly the recommender without the part). Posts the person viewed before
 * are dropped from both lists (a feed does not re-recommend them), then the top {@code k} are scored
 * against that day's new posts: HR@k (any hit), NDCG@k (binary relevance) and Recall@k. The share of
 * answers whose first item carries the social reason says how often the part leads.
 *
 * <p>The stream's {@code echo} is the planted effect (a person views a post a close friend viewed the day
 * before); with {@code echo 0} a friend's views say no more than the community's, and the comparison shows
 * what the part gains without it. Every figure is deterministic for a seed.
 */
public final class SocialEval {
    private static final long DAY = 86_400_000L;
    private static final java.util.regex.Pattern SHIPPED_SOCIAL =
            java.util.regex.Pattern.compile("(social: \\{ties: ties, weight: )[0-9.]+(, maxTies: \\d+})");

    /**
     * @param seed        the stream's seed
     * @param people      persons in the stream
     * @param communities communities (topics)
     * @param days        days simulated; the last one is held out
     * @param echo        the planted chance of viewing what a close friend viewed the day before
     * @param k           the list length scored
     * @param socialWeight the social part's weight, or NaN for the shipped definition's
     */
    public record Settings(long seed, int people, int communities, int days, double echo, int k, double socialWeight) {
        public Settings {
            if (!Double.isNaN(socialWeight) && !(socialWeight > 0 && socialWeight <= 1e6)) {
                throw new IllegalArgumentException("the social weight must be in (0, 1e6], got " + socialWeight);
            }
            if (days < 2) {
                throw new IllegalArgumentException("days must be at least 2 (the last is held out), got " + days);
            }
            if (k < 1 || k > 1_000) {
                throw new IllegalArgumentException("k must be 1 to 1000, got " + k);
            }
            shape(seed, people, communities, days, echo); // checks the rest
        }

        /** 2,000 people in 20 communities over 30 days, echo 0.5, top 10. */
        public static Settings defaults(long seed) {
            SyntheticSocial.Shape d = SyntheticSocial.Shape.defaults(seed);
            return new Settings(seed, d.people(), d.communities(), d.days(), d.echo(), 10, Double.NaN);
        }

        SyntheticSocial.Shape shape() {
            return shape(seed, people, communities, days, echo);
        }

        private static SyntheticSocial.Shape shape(long seed, int people, int communities, int days, double echo) {
            return SyntheticSocial.Shape.defaults(seed).withPeople(people, communities).withDays(days).withEcho(echo);
        }
    }

    private final Settings settings;
    private final Consumer<String> progress;

    public SocialEval(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** Hits of one list against one person's held-out posts, summed over people. */
    private static final class Ranks {
        final int k;
        int people;
        double hits;
        double ndcg;
        double recall;
        int socialFirst;
        long socialItems;
        long items;

        Ranks(int k) {
            this.k = k;
        }

        void add(List<Recommendation> list, Set<String> heldOut) {
            people++;
            double dcg = 0;
            int found = 0;
            for (int r = 0; r < list.size(); r++) {
                if (heldOut.contains(list.get(r).item())) {
                    found++;
                    dcg += 1 / log2(r + 2);
                }
                if (list.get(r).reason().startsWith(Recommender.SOCIAL_REASON)) {
                    socialItems++;
                    socialFirst += r == 0 ? 1 : 0;
                }
                items++;
            }
            double ideal = 0;
            for (int r = 0; r < Math.min(k, heldOut.size()); r++) {
                ideal += 1 / log2(r + 2);
            }
            hits += found > 0 ? 1 : 0;
            ndcg += dcg / ideal;
            recall += (double) found / heldOut.size();
        }

        private static double log2(double x) {
            return Math.log(x) / Math.log(2);
        }
    }

    public MetricTable run() {
        SyntheticSocial.Shape shape = settings.shape();
        ProfileDefinition definition = definition();
        Cleaner cleaner = new Cleaner(definition);
        ProfileEngine engine = new ProfileEngine(definition);
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        Map<String, Profile> stored = new HashMap<>();
        ProfileTable profiles = ProfileTable.inMemory(stored);
        long cutoff = shape.start().toEpochMilli() + (shape.days() - 1L) * DAY;

        SyntheticSocial stream = SyntheticSocial.of(shape);
        Map<String, Set<String>> viewedBefore = new HashMap<>();
        Map<String, Set<String>> heldOut = new TreeMap<>();
        long folded = 0;
        long rejected = 0;
        long heldOutViews = 0;
        while (stream.hasNext()) {
            SyntheticEvent s = stream.next();
            Instant at = stream.clock();
            if (at.toEpochMilli() < cutoff) {
                CleanResult r = cleaner.clean(s.json(), at);
                if (!(r instanceof CleanResult.Accepted accepted)) {
                    rejected++;
                    continue;
                }
                EngineStep step = engine.apply(accepted.event(), identities, profiles);
                engine.sharedModels().absorb(step.modelUpdates());
                folded++;
                String post = viewedPost(accepted.event());
                if (post != null) {
                    viewedBefore.computeIfAbsent(accepted.event().userId(), u -> new HashSet<>()).add(post);
                }
                if (folded % 500_000 == 0) {
                    progress.accept("social: " + folded + " events folded");
                }
            } else if ("Post Viewed".equals(s.json().get("event"))
                    && s.json().get("properties") instanceof Map<?, ?> p && p.get("post_id") instanceof String post
                    && !viewedBefore.getOrDefault(s.personId(), Set.of()).contains(post)) {
                if (heldOut.computeIfAbsent(s.personId(), u -> new HashSet<>()).add(post)) {
                    heldOutViews++;
                }
            }
        }
        progress.accept("social: " + folded + " events folded, " + heldOut.size() + " people to score");

        DeclaredModels models = engine.models();
        String tieType = models.tieIdentifierType();
        Ranks with = new Ranks(settings.k());
        Ranks without = new Ranks(settings.k());
        for (Map.Entry<String, Set<String>> person : heldOut.entrySet()) {
            Profile p = profileOf(identities, stored, "user_id", person.getKey());
            if (p == null) {
                continue; // held-out views of someone never seen before the last day: nothing to recommend from
            }
            Set<String> seen = viewedBefore.getOrDefault(person.getKey(), Set.of());
            int ask = Math.min(10_000, settings.k() + seen.size());
            Recommender.TieItems tieItems = tie -> {
                Profile theirs = profileOf(identities, stored, tieType, tie);
                return theirs == null || theirs.profileId().equals(p.profileId()) ? null
                        : models.recentItems(theirs, cutoff);
            };
            with.add(unseen(models.recommend(p, ask, cutoff, engine.sharedModels(), tieItems), seen), person.getValue());
            without.add(unseen(models.recommend(p, ask, cutoff, engine.sharedModels()), seen), person.getValue());
        }

        MetricTable table = new MetricTable("social");
        table.fact("seed", settings.seed()).fact("people", shape.people()).fact("communities", shape.communities())
                .fact("days", shape.days()).fact("echo", shape.echo()).fact("k", settings.k())
                .fact("definition", definition.name())
                .fact("social", definition.models().recommender().social() == null ? null
                        : Map.of("ties", definition.models().recommender().social().ties(),
                        "weight", definition.models().recommender().social().weight(),
                        "maxTies", definition.models().recommender().social().maxTies()))
                .fact("eventsFolded", folded).fact("eventsRejected", rejected)
                .fact("peopleScored", with.people).fact("heldOutNewPostViews", heldOutViews);
        String at = "@" + settings.k();
        Map<String, Ranks> lists = new java.util.LinkedHashMap<>();
        lists.put("with-social", with);
        lists.put("without-social", without);
        for (Map.Entry<String, Ranks> e : lists.entrySet()) {
            Ranks r = e.getValue();
            int n = Math.max(1, r.people);
            table.put("lastday", e.getKey(), "HR" + at, r.hits / n);
            table.put("lastday", e.getKey(), "NDCG" + at, r.ndcg / n);
            table.put("lastday", e.getKey(), "Recall" + at, r.recall / n);
        }
        table.put("lastday", "with-social", "socialFirstShare", (double) with.socialFirst / Math.max(1, with.people));
        table.put("lastday", "with-social", "socialItemShare", (double) with.socialItems / Math.max(1, with.items));
        table.put("lastday", "with-vs-without", "HR" + at + "gain", (with.hits - without.hits) / Math.max(1, with.people));
        table.put("lastday", "with-vs-without", "NDCG" + at + "gain", (with.ndcg - without.ndcg) / Math.max(1, with.people));
        return table;
    }

    /** The shipped social definition, with the social weight of the settings when they set one. */
    private ProfileDefinition definition() {
        if (Double.isNaN(settings.socialWeight())) {
            return DefinitionLoader.defaultSocial();
        }
        // the shipped text itself, one value changed, so every other setting is the shipped one
        String text = DefinitionLoader.defaultSocialText();
        java.util.regex.Matcher m = SHIPPED_SOCIAL.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("the shipped social definition no longer declares its social part as "
                    + SHIPPED_SOCIAL.pattern() + "; update SocialEval");
        }
        return DefinitionLoader.parse(m.replaceFirst("$1" + settings.socialWeight() + "$2"),
                "default-social.yaml (social weight " + settings.socialWeight() + ")");
    }

    private static String viewedPost(Event e) {
        return "Post Viewed".equals(e.key()) && e.properties().get("post_id") instanceof String post ? post : null;
    }

    private static Profile profileOf(InMemoryIdentityStore identities, Map<String, Profile> stored, String type,
                                     String value) {
        return identities.profileOf(new Identifier(type, value)).map(stored::get).orElse(null);
    }

    /** The list without posts the person viewed before, the first {@code k} kept. */
    private List<Recommendation> unseen(List<Recommendation> list, Set<String> seen) {
        List<Recommendation> out = new ArrayList<>(settings.k());
        for (Recommendation r : list) {
            if (!seen.contains(r.item())) {
                out.add(r);
                if (out.size() == settings.k()) {
                    break;
                }
            }
        }
        return out;
    }
}
