package dev.portrait.core.model;

import dev.portrait.core.definition.ExperimentSpecs;
import dev.portrait.core.definition.ModelSpecs;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;
import dev.portrait.core.feature.Feature;
import dev.portrait.core.identity.ProfileIdKey;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileExtension;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The models a definition declares ({@code models:}), as logic over a person's {@link ModelState}
 * (inside their profile) and the runtime's {@link SharedModels}. The engine calls it after each fold:
 * {@link #observe} updates the person's part and lists what the shared part must learn
 * ({@link ModelUpdate}s); {@link #settle} labels examples whose horizon has passed, when the profile's
 * timer fires; {@link #merge} joins two people's parts when identity resolution merges them.
 *
 * <p><b>Time.</b> Event time only: features are read at the event's time, labels settle by event or
 * timer time. So a replay of the log rebuilds the per-person parts exactly, and the shared part too
 * when its updates are applied in the same order.
 *
 * <p><b>Reading features costs more than the rest</b>, so they are read only when an example opens
 * (at most once a day per person and model) and when personas update (daily), or when a query asks.
 */
public final class DeclaredModels {
    public static final String SUSPECTED_BOTS = "suspected_bots";
    /** Bought items remembered per profile, the most recent, so recommendations can leave them out. */
    public static final int BOUGHT_LIMIT = 100;
    private static final long DAY = 24L * 3_600_000;
    private static final int STATE_VERSION = 1;

    private final ProfileDefinition definition;
    private final ModelSpecs specs;
    final ItemStatistics.Config itemConfig;
    final Recommender.Config recommenderConfig;
    final StreamingKMeans.Config personaConfig;
    final DelayedLabels.Config propensityConfig;
    final OnlineLinearRegression.Config regressionConfig;
    final IncrementalPca.Config pcaConfig;
    final boolean personasInPcaSpace;
    private final int[] pcaIndexes;
    final String categoryProperty;
    private final DelayedLabels labels;
    private final DelayedOutcomes outcomes;
    private final BotScore bots;
    private final double botThreshold;
    private final int[] personaIndexes;
    private final int[] propensityIndexes;
    private final int[] regressionIndexes;
    private final int recentIndex;
    private final int interestIndex;
    /** The {@code tie_strength} feature the social part reads, or -1 without one. */
    private final int tiesIndex;
    /** The identifier type that names the ties' counterparts, or null without a social part. */
    private final String tieIdentifierType;
    private final Set<String> purchases;
    private final StateCodec codec = new StateCodec();
    /** Issues and reads the ids recommendation answers carry. */
    private final RecommendationIds recommendationIds;
    /** The feedback join, or null without {@code models.recommender.feedback}. */
    final RecommendationFeedback feedback;
    /**
     * Per experiment (definition order) and variant: the recommender configuration a variant's settings
     * make, or null for an experiment that does not vary the recommender.
     */
    private final Recommender.Config[][] variantConfigs;
    private final boolean[][] variantReasons;

    /** Under the public test key ({@link ProfileIdKey#publicTestKey()}): for tests and tools that keep no ids. */
    public DeclaredModels(ProfileDefinition definition) {
        this(definition, ProfileIdKey.publicTestKey());
    }

    /** @param ids the engine's profile-id secret, from which the recommendation ids' key is derived */
    public DeclaredModels(ProfileDefinition definition, ProfileIdKey ids) {
        this.definition = definition;
        this.specs = definition.models();
        this.recommendationIds = new RecommendationIds(ids);
        ModelSpecs.Recommender r = specs.recommender();
        if (r != null) {
            ItemStatistics.Config d = ItemStatistics.Config.defaults();
            itemConfig = new ItemStatistics.Config(r.interactions(), r.itemProperty(), r.halfLife().toMillis(),
                    r.pairWindow().toMillis(), d.historyLimit(), r.neighbours(), r.maxItems());
            Recommender.Config rd = Recommender.Config.defaults();
            Recommender.Config base = new Recommender.Config(rd.recencyHalfLifeMillis(), rd.maxRecent(),
                    r.categoryWeight(), r.popularityWeight(), rd.maxCategories(), rd.perCategory(), rd.scanLimit(),
                    rd.excludeBought(), rd.excludeSeen());
            ModelSpecs.Social social = r.social();
            recommenderConfig = social == null ? base : base.withSocial(social.weight(), social.maxTies());
            tiesIndex = social == null ? -1 : definition.featureIndex(social.ties());
            tieIdentifierType = social == null ? null
                    : ((dev.portrait.core.feature.Ties) definition.features().get(tiesIndex)).identifierType();
            categoryProperty = r.categoryProperty();
            purchases = r.purchaseEvents();
            recentIndex = r.recentFeature() == null ? -1 : definition.featureIndex(r.recentFeature());
            interestIndex = r.interestFeature() == null ? -1 : definition.featureIndex(r.interestFeature());
            feedback = r.feedback() == null ? null : new RecommendationFeedback(r.feedback(), r.itemProperty(),
                    recommendationIds, definition.experiments().experiments());
        } else {
            feedback = null;
            itemConfig = null;
            recommenderConfig = null;
            categoryProperty = null;
            purchases = Set.of();
            recentIndex = -1;
            interestIndex = -1;
            tiesIndex = -1;
            tieIdentifierType = null;
        }
        ModelSpecs.Pca pc = specs.pca();
        pcaConfig = pc == null ? null : IncrementalPca.Config.of(pc.features(), pc.components());
        pcaIndexes = pc == null ? new int[0] : indexes(pc.features());
        ModelSpecs.Personas p = specs.personas();
        personasInPcaSpace = p != null && p.inPcaSpace();
        if (p == null) {
            personaConfig = null;
        } else if (personasInPcaSpace) {
            List<String> axes = new ArrayList<>();
            for (int c = 1; c <= pc.components(); c++) {
                axes.add("pc" + c);
            }
            personaConfig = StreamingKMeans.Config.of(axes, p.k());
        } else {
            personaConfig = StreamingKMeans.Config.of(p.features(), p.k());
        }
        personaIndexes = p == null || personasInPcaSpace ? new int[0] : indexes(p.features());
        ModelSpecs.Propensity prop = specs.propensity();
        if (prop != null) {
            DelayedLabels.Config d = DelayedLabels.Config.defaults();
            propensityConfig = new DelayedLabels.Config(prop.target(), prop.horizon().toMillis(), d.maxPending(),
                    d.minSpacingMillis(), d.maxFeatures());
            labels = new DelayedLabels(propensityConfig);
            propensityIndexes = indexes(prop.features());
        } else {
            propensityConfig = null;
            labels = null;
            propensityIndexes = new int[0];
        }
        ModelSpecs.Regression reg = specs.regression();
        if (reg != null) {
            outcomes = new DelayedOutcomes(new DelayedOutcomes.Config(reg.target(), reg.property(),
                    reg.horizon().toMillis(), 8, DAY));
            regressionIndexes = indexes(reg.features());
            regressionConfig = new OnlineLinearRegression.Config(reg.features(), 1.0,
                    reg.logTarget() ? OnlineLinearRegression.TargetTransform.LOG1P
                            : OnlineLinearRegression.TargetTransform.IDENTITY);
        } else {
            outcomes = null;
            regressionIndexes = new int[0];
            regressionConfig = null;
        }
        ModelSpecs.BotScore b = specs.botScore();
        if (b != null) {
            BotScore.Config d = BotScore.Config.defaults();
            Map<String, Double> w = b.weights() == null ? Map.of() : b.weights();
            bots = new BotScore(new BotScore.Config(d.rateHalfLifeMillis(), d.gapSmoothing(), d.referenceRatePerMinute(),
                    d.breadthSaturation(), d.evidenceGaps(), w.getOrDefault("rate", d.rateWeight()),
                    w.getOrDefault("burstiness", d.burstinessWeight()), w.getOrDefault("regularity", d.regularityWeight()),
                    w.getOrDefault("narrowness", d.narrownessWeight())));
            botThreshold = b.threshold();
        } else {
            bots = null;
            botThreshold = Double.NaN;
        }
        List<ExperimentSpecs.Experiment> experiments = definition.experiments().experiments();
        variantConfigs = new Recommender.Config[experiments.size()][];
        variantReasons = new boolean[experiments.size()][];
        for (int e = 0; e < experiments.size(); e++) {
            ExperimentSpecs.Experiment x = experiments.get(e);
            if (recommenderConfig == null || !x.variesRecommender()) {
                continue;
            }
            variantConfigs[e] = new Recommender.Config[x.variants().size()];
            variantReasons[e] = new boolean[x.variants().size()];
            for (int v = 0; v < x.variants().size(); v++) {
                Map<String, Object> settings = x.variants().get(v).settings();
                variantConfigs[e][v] = recommenderConfig.with(settings);
                variantReasons[e][v] = !Boolean.FALSE.equals(settings.get("reasons"));
            }
        }
    }

    private int[] indexes(List<String> names) {
        int[] out = new int[names.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = definition.featureIndex(names.get(i));
        }
        return out;
    }

    /** Whether the definition declares any model. */
    public boolean any() {
        return specs.any();
    }

    /** The definition's accounts section (its state rides with the shared models). */
    dev.portrait.core.definition.AccountSpecs accountSpecs() {
        return definition.accounts();
    }

    /** The definition's experiments (their results ride with the shared models). */
    dev.portrait.core.definition.ExperimentSpecs experimentSpecs() {
        return definition.experiments();
    }

    /** Identifies the model settings, so a checkpoint is not restored under others. */
    String fingerprint() {
        return definition.fingerprint();
    }

    /** The per-person state's life cycle and binary form, for the profile. */
    public ProfileExtension<ModelState> stateCodec() {
        return codec;
    }

    /** Fresh shared state. */
    public SharedModels newShared() {
        return new SharedModels(this);
    }

    // ---- per step ----

    /**
     * Folds one event of the profile it was just folded into (the profile already includes it).
     * Appends what the shared models must learn to {@code out}. Returns what the feedback join matched
     * when the event is a shown or clicked event that joined a served answer, else null.
     */
    public RecommendationFeedback.Joined observe(Profile p, Event event, List<ModelUpdate> out) {
        ModelState s = state(p);
        long t = event.time();
        String key = event.key();
        RecommendationFeedback.Joined joined = feedback == null ? null : feedback.observe(s.feedback, event, out);
        if (bots != null) {
            boolean was = s.botScore >= botThreshold;
            bots.observe(s.activity, t, key);
            s.botScore = bots.score(s.activity);
            boolean is = s.botScore >= botThreshold;
            if (was != is) {
                out.add(new ModelUpdate.SuspectedBots(is ? 1 : -1));
            }
        }
        if (itemConfig != null && itemConfig.weightOf(key) > 0) {
            out.add(recentIndex < 0 ? new ModelUpdate.Interaction(event, null, null)
                    : new ModelUpdate.Interaction(event, recentFeature(), recentFeature().copy(p.state(recentIndex))));
            if (purchases.contains(key)) {
                for (String item : ItemStatistics.itemsOf(event, itemConfig.itemProperty())) {
                    s.bought.remove(item);
                    s.bought.add(item);
                    if (s.bought.size() > BOUGHT_LIMIT) {
                        s.bought.remove(s.bought.iterator().next());
                    }
                }
            }
        }
        if (labels != null) {
            for (LabelledExample x : labels.observe(s.propensityPending, key, t)) {
                out.add(new ModelUpdate.Labelled(x));
            }
            if (labels.wouldOpen(s.propensityPending, t)) {
                labels.open(s.propensityPending, t, vector(p, propensityIndexes, t));
            }
        }
        if (outcomes != null) {
            Object value = event.properties().get(specs.regression().property());
            for (DelayedOutcomes.Outcome o : outcomes.observe(s.regressionPending, key, value, t)) {
                out.add(new ModelUpdate.Settled(o));
            }
            if (outcomes.wouldOpen(s.regressionPending, t)) {
                outcomes.open(s.regressionPending, t, vector(p, regressionIndexes, t));
            }
        }
        // one vector per profile per day, so heavy users do not pull every centroid their way
        if (samplesVectors() && (s.personaFedAt == Long.MIN_VALUE || t - s.personaFedAt >= DAY)) {
            if (personaIndexes.length > 0) {
                out.add(new ModelUpdate.Sample(dense(p, personaIndexes, t), t));
            }
            if (pcaIndexes.length > 0) {
                out.add(new ModelUpdate.PcaSample(dense(p, pcaIndexes, t), t));
            }
            s.personaFedAt = t;
        }
        p.checkNoLaterThan(nextDeadline(s));
        return joined;
    }

    private boolean samplesVectors() {
        return personaIndexes.length > 0 || pcaIndexes.length > 0;
    }

    /** Settles the profile's examples whose horizon has passed by {@code now} (its timer fired). */
    public void settle(Profile p, long now, List<ModelUpdate> out) {
        ModelState s = state(p);
        if (labels != null) {
            for (LabelledExample x : labels.expire(s.propensityPending, now)) {
                out.add(new ModelUpdate.Labelled(x));
            }
        }
        if (outcomes != null) {
            for (DelayedOutcomes.Outcome o : outcomes.expire(s.regressionPending, now)) {
                out.add(new ModelUpdate.Settled(o));
            }
        }
        p.checkNoLaterThan(nextDeadline(s));
    }

    /** The earliest time a waiting example settles, or {@link Long#MAX_VALUE}. */
    public long nextDeadline(ModelState s) {
        long next = Long.MAX_VALUE;
        if (labels != null) {
            next = Math.min(next, labels.nextDeadline(s.propensityPending));
        }
        if (outcomes != null) {
            next = Math.min(next, outcomes.nextDeadline(s.regressionPending));
        }
        return next;
    }

    /**
     * The loser's behaviour, waiting examples and purchases join the winner's, as identity merges
     * demand; neither argument changes. The loser's bot flag leaves the count.
     */
    public ModelState merge(ModelState winner, ModelState loser, List<ModelUpdate> out) {
        ModelState m = codec.copy(winner);
        if (bots != null) {
            boolean was = winner.botScore >= botThreshold;
            boolean loserWas = loser.botScore >= botThreshold;
            m.activity = bots.merge(winner.activity, loser.activity);
            m.botScore = bots.score(m.activity);
            int delta = (m.botScore >= botThreshold ? 1 : 0) - (was ? 1 : 0) - (loserWas ? 1 : 0);
            if (delta != 0) {
                out.add(new ModelUpdate.SuspectedBots(delta));
            }
        }
        if (labels != null) {
            m.propensityPending = labels.merge(winner.propensityPending, loser.propensityPending);
        }
        if (outcomes != null) {
            m.regressionPending = outcomes.merge(winner.regressionPending, loser.regressionPending);
        }
        if (feedback != null) {
            m.feedback = feedback.merge(winner.feedback, loser.feedback, out);
        }
        for (String item : loser.bought) {
            if (!m.bought.contains(item)) {
                m.bought.add(item);
                if (m.bought.size() > BOUGHT_LIMIT) {
                    m.bought.remove(m.bought.iterator().next());
                }
            }
        }
        return m;
    }

    /** A forgotten person leaves the bot count and the feedback totals (their state goes with their profile). */
    public void forgotten(Profile p, List<ModelUpdate> out) {
        ModelState s = state(p);
        if (bots != null && s.botScore >= botThreshold) {
            out.add(new ModelUpdate.SuspectedBots(-1));
        }
        if (feedback != null && s.feedback != null) {
            feedback.forgotten(s.feedback, out);
        }
    }

    // ---- queries ----

    /** The top {@code k} items for the profile at {@code now}; empty without a recommender. */
    public List<Recommendation> recommend(Profile p, int k, long now, SharedModels shared) {
        return recommend(p, k, now, shared, recommenderConfig, Recommender.TieItems.NONE);
    }

    /** As {@link #recommend(Profile, int, long, SharedModels)}, the social part reading {@code tieItems}. */
    public List<Recommendation> recommend(Profile p, int k, long now, SharedModels shared,
                                          Recommender.TieItems tieItems) {
        return recommend(p, k, now, shared, recommenderConfig, tieItems);
    }

    /**
     * The identifier type that names the counterparts of the social part's ties ({@code user_id}), or null
     * when the recommender has no social part. A runtime resolves each key of {@link #tiesToRead} as an
     * identifier of this type, as the engine resolves counterparts ({@code CounterpartIdentities}).
     */
    public String tieIdentifierType() {
        return tieIdentifierType;
    }

    /**
     * The counterparts whose recent items the social part reads for this profile: its strongest ties
     * (at most {@code maxTies}, strongest first), whatever experiment variant the person is in (a variant
     * may change the social weight, not how many ties are read). Empty without a social part.
     */
    public List<String> tiesToRead(Profile p, long now) {
        if (tiesIndex < 0) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Double> t : Recommender.strongestTies(ties(p, now), recommenderConfig.maxTies())) {
            out.add(t.getKey());
        }
        return out;
    }

    /** A person's recent items as the recommender reads them (their {@code recent} feature); empty without one. */
    public List<RecentItem> recentItems(Profile p, long now) {
        return recent(p, now);
    }

    private Map<String, Double> ties(Profile p, long now) {
        Map<String, Double> out = new HashMap<>();
        if (tiesIndex >= 0 && read(p, tiesIndex, now) instanceof Map<?, ?> m) {
            m.forEach((key, v) -> {
                if (key instanceof String name && v instanceof Number n) {
                    out.put(name, n.doubleValue());
                }
            });
        }
        return out;
    }

    /**
     * An answer to serve: the top {@code k} items under the configuration the person's experiment variant
     * sets (the definition's otherwise), and the id the app sends back with what it showed and what was
     * clicked ({@link RecommendationIds}).
     *
     * @param servedAt   the serving time (the runtime's clock), written into the id
     * @param serial     the runtime's counter, which makes ids unique
     * @param experiment the index of the experiment varying the recommender that the person takes part in
     *                   (the engine's choice, {@code ProfileEngine.serve}), or -1
     * @param variant    their variant in it, or -1
     */
    public ServedRecommendations serve(Profile p, int k, String placement, long servedAt, long serial, int experiment,
                                       int variant, SharedModels shared) {
        return serve(p, k, placement, servedAt, serial, experiment, variant, shared, Recommender.TieItems.NONE);
    }

    /**
     * As {@link #serve(Profile, int, String, long, long, int, int, SharedModels)}, with the social part
     * reading the person's ties' recent items from {@code tieItems} (see {@link #tiesToRead}).
     */
    public ServedRecommendations serve(Profile p, int k, String placement, long servedAt, long serial, int experiment,
                                       int variant, SharedModels shared, Recommender.TieItems tieItems) {
        Recommender.Config config = recommenderConfig;
        boolean reasons = true;
        if (experiment >= 0 && experiment < variantConfigs.length && variantConfigs[experiment] != null
                && variant >= 0 && variant < variantConfigs[experiment].length) {
            config = variantConfigs[experiment][variant];
            reasons = variantReasons[experiment][variant];
        } else {
            experiment = -1;
            variant = -1;
        }
        long now = Math.max(servedAt, p.clock());
        List<Recommendation> items = recommend(p, k, now, shared, config, tieItems);
        RecommendationIds.Served id = recommendationIds.issue(servedAt, serial, placement, experiment, variant);
        String experimentName = experiment < 0 ? null : definition.experiments().experiments().get(experiment).name();
        String variantName = experiment < 0 ? null
                : definition.experiments().experiments().get(experiment).variants().get(variant).name();
        return new ServedRecommendations(id.id(), placement, RecommendationFeedback.MODEL, experimentName, variantName,
                reasons, items);
    }

    /** Whether an experiment (by definition index) has variants that set the recommender. */
    public boolean variesRecommender(int experiment) {
        return experiment >= 0 && experiment < variantConfigs.length && variantConfigs[experiment] != null;
    }

    /** The ids' reader, for tests and tools that check an id. */
    public RecommendationIds recommendationIds() {
        return recommendationIds;
    }

    /** The feedback section, or null without one. */
    public ModelSpecs.Feedback feedbackSpec() {
        return feedback == null ? null : feedback.spec();
    }

    private List<Recommendation> recommend(Profile p, int k, long now, SharedModels shared, Recommender.Config config,
                                           Recommender.TieItems tieItems) {
        if (shared.recommender == null) {
            return List.of();
        }
        Map<String, Double> interests = new HashMap<>();
        if (interestIndex >= 0 && read(p, interestIndex, now) instanceof Map<?, ?> m) {
            m.forEach((key, v) -> {
                if (key instanceof String name && v instanceof Number n) {
                    interests.put(name, n.doubleValue());
                }
            });
        }
        Map<String, Double> ties = config.socialWeight() > 0 ? ties(p, now) : Map.of();
        return shared.recommender.recommend(shared.items,
                new Recommender.Request(recent(p, now), interests, state(p).bought, k, now, ties),
                shared.categoryOfItem::get, config, tieItems);
    }

    /**
     * The profile's scores read at {@code now}: propensity, regression and persona from its features as
     * they are now and the shared models as they are now. On the thread that owns {@code shared}; other
     * threads score with a frozen copy ({@link SharedModels#scoring()}).
     */
    public ModelScores scores(Profile p, long now, SharedModels shared) {
        return scores(p, now, ScoringModels.live(shared));
    }

    /** As {@link #scores(Profile, long, SharedModels)}, from a frozen copy of the shared models: any thread. */
    public ModelScores scores(Profile p, long now, ScoringModels shared) {
        ModelState s = state(p);
        double propensity = shared.propensity == null ? 0.0 : shared.propensity.applyAsDouble(vector(p, propensityIndexes, now));
        int persona = -1;
        double distance = Double.NaN;
        double[] components = components(p, now, shared);
        double[] personaVector = personasInPcaSpace ? components : dense(p, personaIndexes, now);
        if (shared.personas != null && personaVector != null) {
            var a = shared.personas.assign(personaVector);
            if (a.isPresent()) {
                persona = a.get().cluster();
                distance = a.get().distance();
            }
        }
        double predicted = shared.regression == null ? Double.NaN
                : shared.regression.predict(vector(p, regressionIndexes, now));
        return new ModelScores(p.profileId(), persona, distance, propensity, predicted, s.botScore,
                bots != null && s.botScore >= botThreshold ? List.of(SUSPECTED_BOTS) : List.of(),
                components == null ? List.of() : toList(components));
    }

    /** The profile's coordinates on the principal components at {@code now}, or null before they exist. */
    private double[] components(Profile p, long now, ScoringModels shared) {
        IncrementalPca basis = shared.pcaBasis;
        return pcaIndexes.length == 0 || basis == null ? null : basis.project(dense(p, pcaIndexes, now));
    }

    private static List<Double> toList(double[] v) {
        List<Double> out = new ArrayList<>(v.length);
        for (double x : v) {
            out.add(x);
        }
        return out;
    }

    /**
     * The scores as the profile JSON's {@code models} field shows them, with the experiments the person
     * takes part in and their variants; null without models and experiments.
     */
    public Map<String, Object> scoresJson(Profile p, long now, SharedModels shared) {
        return scoresJson(p, now, ScoringModels.live(shared));
    }

    /** As {@link #scoresJson(Profile, long, SharedModels)}, from a frozen copy of the shared models: any thread. */
    public Map<String, Object> scoresJson(Profile p, long now, ScoringModels shared) {
        if (!any()) {
            return shared.experiments == null ? null : Map.of("experiments", shared.enrolment(p.profileId()));
        }
        ModelScores s = scores(p, now, shared);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("persona", s.persona() < 0 ? null : s.persona());
        out.put("personaDistance", Double.isFinite(s.personaDistance()) ? s.personaDistance() : null);
        out.put("propensity", s.propensity());
        if (specs.regression() != null) {
            out.put("predicted", Double.isFinite(s.predicted()) ? s.predicted() : null);
        }
        if (specs.pca() != null) {
            out.put("components", s.components().isEmpty() ? null : s.components());
        }
        out.put("botScore", s.botScore());
        out.put("segments", s.segments());
        if (feedback != null) {
            out.put("feedback", feedback.json(state(p).feedback)); // this person's own shown / clicked / converted
        }
        if (shared.experiments != null) {
            out.put("experiments", shared.enrolment(p.profileId())); // name → variant, enrolled only
        }
        return out;
    }

    /**
     * A persona: its centroid, its strongest standardised features and its size — the daily samples
     * assigned to it, decayed with a 7-day half-life, which counts the people active in it.
     */
    public record PersonaSummary(int persona, long size, List<StreamingKMeans.StandardisedFeature> strongest,
                                 Map<String, Double> center) {
    }

    /** Every persona (empty until seeded, or without personas). */
    public List<PersonaSummary> personas(SharedModels shared) {
        if (shared.personas == null) {
            return List.of();
        }
        List<PersonaSummary> out = new ArrayList<>();
        for (StreamingKMeans.Centroid c : shared.personas.centroids()) {
            long size = c.cluster() < shared.personaSizes.length ? Math.round(shared.personaSizes[c.cluster()]) : 0;
            out.add(new PersonaSummary(c.cluster(), size, c.strongest(), c.center()));
        }
        return out;
    }

    // ---- reading the profile ----

    private ModelState state(Profile p) {
        Object e = p.extension();
        if (e instanceof ModelState s) {
            return s;
        }
        ModelState fresh = codec.empty();
        p.replaceExtension(fresh);
        return fresh;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object read(Profile p, int index, long at) {
        Feature f = definition.features().get(index);
        return f.read(p.state(index), at);
    }

    private double number(Profile p, int index, long at) {
        return read(p, index, at) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Named features on a log scale: counts and amounts span decades; FTRL adapts rates, not scale. */
    private Map<String, Double> vector(Profile p, int[] indexes, long t) {
        Map<String, Double> out = new TreeMap<>();
        for (int index : indexes) {
            double x = number(p, index, t);
            if (Double.isFinite(x)) {
                out.put(definition.features().get(index).name(), Math.signum(x) * Math.log1p(Math.abs(x)));
            }
        }
        return out;
    }

    private double[] dense(Profile p, int[] indexes, long t) {
        double[] v = new double[indexes.length];
        for (int d = 0; d < v.length; d++) {
            double x = number(p, indexes[d], t);
            v[d] = Double.isInfinite(x) ? Double.NaN : x;
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private Feature<Object> recentFeature() {
        return (Feature<Object>) definition.features().get(recentIndex);
    }

    private List<RecentItem> recent(Profile p, long at) {
        return recentIndex < 0 ? List.of() : RecentItem.fromLastN(read(p, recentIndex, at));
    }

    /** The per-person state's life cycle and binary form. */
    private final class StateCodec implements ProfileExtension<ModelState> {
        @Override
        public ModelState empty() {
            ModelState s = new ModelState();
            if (bots != null) {
                s.activity = bots.empty();
            }
            if (labels != null) {
                s.propensityPending = labels.empty();
            }
            if (outcomes != null) {
                s.regressionPending = outcomes.empty();
            }
            if (feedback != null) {
                s.feedback = new FeedbackState();
            }
            return s;
        }

        @Override
        public ModelState copy(ModelState state) {
            BinaryOut out = new BinaryOut(128);
            encode(state, out);
            return decode(new BinaryIn(out.toByteArray()));
        }

        @Override
        public void encode(ModelState s, BinaryOut out) {
            out.writeByte(STATE_VERSION);
            if (bots != null) {
                s.activity.encode(out);
                out.writeDouble(s.botScore);
            }
            if (labels != null) {
                s.propensityPending.encode(out);
            }
            if (outcomes != null) {
                s.regressionPending.encode(out);
            }
            if (samplesVectors()) {
                out.writeSignedVarLong(s.personaFedAt);
            }
            if (itemConfig != null) {
                out.writeVarInt(s.bought.size());
                s.bought.forEach(out::writeString);
            }
            if (feedback != null) {
                s.feedback.encode(out);
            }
        }

        @Override
        public ModelState decode(BinaryIn in) {
            in.expectVersion("model state", STATE_VERSION);
            ModelState s = new ModelState();
            if (bots != null) {
                s.activity = BotScore.Activity.decode(in);
                s.botScore = in.readDouble();
            }
            if (labels != null) {
                s.propensityPending = DelayedLabels.Pending.decode(in);
            }
            if (outcomes != null) {
                s.regressionPending = DelayedOutcomes.Pending.decode(in);
            }
            if (samplesVectors()) {
                s.personaFedAt = in.readSignedVarLong();
            }
            if (itemConfig != null) {
                int n = in.readLength();
                for (int i = 0; i < n; i++) {
                    s.bought.add(in.readString());
                }
            }
            if (feedback != null) {
                s.feedback = FeedbackState.decode(in);
            }
            return s;
        }
    }
}
