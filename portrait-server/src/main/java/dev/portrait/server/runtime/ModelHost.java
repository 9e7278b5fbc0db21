package dev.portrait.server.runtime;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;
import dev.portrait.core.feature.Feature;
import dev.portrait.core.feature.ValueType;
import dev.portrait.core.model.BotScore;
import dev.portrait.core.model.DelayedLabels;
import dev.portrait.core.model.ItemStatistics;
import dev.portrait.core.model.LabelledExample;
import dev.portrait.core.model.OnlineLogisticRegression;
import dev.portrait.core.model.RecentItem;
import dev.portrait.core.model.Recommendation;
import dev.portrait.core.model.Recommender;
import dev.portrait.core.model.StreamingKMeans;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.server.port.ModelPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * The models of the embedded runtime, fed by the {@link ProfileWorker} after each fold and owned by
 * its thread: item statistics for recommendations (global, keyed by item), personas (streaming
 * k-means over standardised profile features), propensity (FTRL logistic regression on labels the
 * stream settles after the delay) and the behaviour-only bot score with its {@code suspected_bots}
 * segment.
 *
 * <p><b>Time.</b> Models see event time only ({@code observe(profile, event)}), never the wall clock,
 * so replaying the log rebuilds them exactly. Features are read at the event's time.
 *
 * <p><b>Durability.</b> {@link #encode} goes into a profile write-back through
 * {@code WriteBack.putModelState}, at that write-back's log position, and is {@link #restore}d before the
 * start-up replay, which feeds the models the events after the profiles' position. The whole state
 * (global models plus a few hundred bytes per profile) is one blob, so the periodic write-backs carry it
 * only every {@code RuntimeOptions.modelCheckpointEvery} (a minute); a clean stop and every explicit
 * write-back always do. After a crash the models therefore miss at most that interval's events (the
 * profiles miss none); no event reaches them twice. Past some hundred thousand profiles the per-profile
 * part belongs in the profile itself (docs/EVALUATION.md).
 *
 * <p><b>Forgetting.</b> {@link #forget} drops a profile's model state; the next write-back stores the
 * state without it. Item statistics keep no person.
 */
final class ModelHost {
    static final String SUSPECTED_BOTS = "suspected_bots";
    private static final int VERSION = 1;
    private static final long DAY = 24L * 3_600_000;
    /** Candidate persona dimensions, used when the definition has them with numeric values. */
    static final List<String> PERSONA_FEATURES = List.of("views_30d", "orders_30d", "revenue_30d", "cart_adds_7d",
            "distinct_products_viewed", "days_since_last_seen");
    private static final int PROPENSITY_FEATURE_LIMIT = 16;
    /** Bought items remembered per profile, the most recent, so recommendations can leave them out. */
    static final int BOUGHT_LIMIT = 100;
    private static final String PURCHASE = "Order Completed";

    private final ProfileUpdater updater;
    private final double suspectedBotThreshold;
    private final int[] personaIndexes;
    private final List<String> personaNames = new ArrayList<>();
    private final int[] propensityIndexes;
    private final List<String> propensityNames = new ArrayList<>();
    private final int recentIndex;
    private final int interestIndex;

    private ItemStatistics items = new ItemStatistics(ItemStatistics.Config.defaults());
    private final Recommender recommender = new Recommender(Recommender.Config.defaults());
    private StreamingKMeans personas;
    private OnlineLogisticRegression propensity = new OnlineLogisticRegression(OnlineLogisticRegression.Config.defaults());
    private final DelayedLabels labels = new DelayedLabels(DelayedLabels.Config.defaults());
    private final BotScore bots = new BotScore(BotScore.Config.defaults());
    private final TreeMap<String, PerProfile> profiles = new TreeMap<>();
    private final Map<String, String> categoryOfItem = new HashMap<>();
    private final PriorityQueue<Object[]> deadlines = new PriorityQueue<>((a, b) ->
            (long) a[0] != (long) b[0] ? Long.compare((long) a[0], (long) b[0]) : ((String) a[1]).compareTo((String) b[1]));

    /** One profile's share of the models. */
    private static final class PerProfile {
        BotScore.Activity activity;
        DelayedLabels.Pending pending;
        int persona = -1;
        double distance = Double.NaN;
        double propensity;
        double botScore;
        long lastFed = Long.MIN_VALUE;
        final java.util.LinkedHashSet<String> bought = new java.util.LinkedHashSet<>();
    }

    ModelHost(ProfileUpdater updater) {
        this.updater = updater;
        this.suspectedBotThreshold = 0.8;
        List<Feature<?>> features = updater.definition().features();
        List<Integer> persona = new ArrayList<>();
        for (String name : PERSONA_FEATURES) {
            int i = updater.definition().featureIndex(name);
            if (i >= 0 && numeric(features.get(i))) {
                persona.add(i);
                personaNames.add(name);
            }
        }
        this.personaIndexes = persona.stream().mapToInt(Integer::intValue).toArray();
        this.personas = personaNames.isEmpty() ? null : new StreamingKMeans(StreamingKMeans.Config.of(personaNames, 5));
        List<Integer> prop = new ArrayList<>();
        for (int i = 0; i < features.size() && prop.size() < PROPENSITY_FEATURE_LIMIT; i++) {
            if (numeric(features.get(i))) {
                prop.add(i);
                propensityNames.add(features.get(i).name());
            }
        }
        this.propensityIndexes = prop.stream().mapToInt(Integer::intValue).toArray();
        this.recentIndex = firstOfKind(features, "last_n");
        this.interestIndex = updater.definition().featureIndex("interest_category");
    }

    private static boolean numeric(Feature<?> f) {
        return f.valueType() == ValueType.INT || f.valueType() == ValueType.DOUBLE;
    }

    private static int firstOfKind(List<Feature<?>> features, String kind) {
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i).kind().equals(kind)) {
                return i;
            }
        }
        return -1;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object read(Profile p, int index, long at) {
        Feature f = updater.definition().features().get(index);
        return f.read(p.state(index), at);
    }

    private double number(Profile p, int index, long at) {
        return read(p, index, at) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    // ---- fed by the worker ----

    /** Folds one event of the profile it was just folded into. */
    void observe(Profile p, Event event) {
        long t = event.time();
        settleDue(t);
        PerProfile s = profiles.computeIfAbsent(p.profileId(), k -> {
            PerProfile fresh = new PerProfile();
            fresh.activity = bots.empty();
            fresh.pending = labels.empty();
            return fresh;
        });
        // behaviour only: the time and the kind of event, nothing the person typed or is called
        bots.observe(s.activity, t, event.key());
        s.botScore = bots.score(s.activity);

        if (items.config().weightOf(event.key()) > 0) {
            items.observe(event, recent(p, t));
            if (PURCHASE.equals(event.key())) {
                for (String item : items.itemsOf(event)) {
                    s.bought.remove(item);
                    s.bought.add(item);
                    if (s.bought.size() > BOUGHT_LIMIT) {
                        s.bought.remove(s.bought.iterator().next());
                    }
                }
            }
            if (event.properties().get("category") instanceof String category) {
                for (String item : items.itemsOf(event)) {
                    categoryOfItem.put(item, category);
                }
            }
        }

        for (LabelledExample x : labels.observe(s.pending, event.key(), t)) {
            propensity.update(x.features(), x.label());
        }
        // Reading a profile's features costs more than the rest of this method: they are read only when
        // an example opens (once a day at most) and when a query asks (scores(Profile, long)).
        if (labels.wouldOpen(s.pending, t)) {
            Map<String, Double> features = propensityFeatures(p, t);
            s.propensity = propensity.predict(features);
            if (labels.open(s.pending, t, features)) {
                deadlines.add(new Object[] {t + labels.config().delayMillis(), p.profileId()});
            }
        }

        // one vector per profile per day, so heavy users do not pull every centroid their way
        if (personas != null && (s.lastFed == Long.MIN_VALUE || t - s.lastFed >= DAY)) {
            double[] v = personaVector(p, t);
            personas.observe(v);
            s.lastFed = t;
            personas.assign(v).ifPresent(a -> {
                s.persona = a.cluster();
                s.distance = a.distance();
            });
        }
    }

    private double[] personaVector(Profile p, long t) {
        double[] v = new double[personaIndexes.length];
        for (int d = 0; d < v.length; d++) {
            double x = number(p, personaIndexes[d], t);
            v[d] = Double.isInfinite(x) ? Double.NaN : x;
        }
        return v;
    }

    /** Examples whose delay ran out by stream time {@code t} are negatives; learn them. */
    private void settleDue(long t) {
        while (!deadlines.isEmpty() && (long) deadlines.peek()[0] <= t) {
            Object[] due = deadlines.poll();
            PerProfile s = profiles.get((String) due[1]);
            if (s == null) {
                continue;
            }
            for (LabelledExample x : labels.expire(s.pending, (long) due[0])) {
                propensity.update(x.features(), x.label());
            }
            long next = labels.nextDeadline(s.pending);
            if (next != Long.MAX_VALUE && next > (long) due[0]) {
                deadlines.add(new Object[] {next, due[1]});
            }
        }
    }

    private Map<String, Double> propensityFeatures(Profile p, long t) {
        Map<String, Double> out = new TreeMap<>();
        for (int k = 0; k < propensityIndexes.length; k++) {
            double x = number(p, propensityIndexes[k], t);
            if (Double.isFinite(x)) {
                // counts and amounts span decades; FTRL adapts rates per coordinate, not scale
                out.put(propensityNames.get(k), Math.signum(x) * Math.log1p(Math.abs(x)));
            }
        }
        return out;
    }

    private List<RecentItem> recent(Profile p, long at) {
        return recentIndex < 0 ? List.of() : RecentItem.fromLastN(read(p, recentIndex, at));
    }

    /** The loser's behaviour and waiting examples join the winner's, as identity merges demand. */
    void merged(String winner, String loser) {
        PerProfile l = profiles.remove(loser);
        PerProfile w = profiles.get(winner);
        if (l == null || w == null) {
            if (l != null) {
                profiles.put(winner, l);
            }
            return;
        }
        w.activity = bots.merge(w.activity, l.activity);
        w.pending = labels.merge(w.pending, l.pending);
        w.botScore = bots.score(w.activity);
    }

    void forget(String profileId) {
        profiles.remove(profileId);
    }

    // ---- queries, on the worker thread ----

    List<Recommendation> recommend(Profile p, int k, long now) {
        Map<String, Double> interests = new HashMap<>();
        if (interestIndex >= 0 && read(p, interestIndex, now) instanceof Map<?, ?> m) {
            m.forEach((key, v) -> {
                if (key instanceof String name && v instanceof Number n) {
                    interests.put(name, n.doubleValue());
                }
            });
        }
        // bought items are left out (Recommender.Config.excludeBought); recently viewed ones stay eligible
        PerProfile s = profiles.get(p.profileId());
        Set<String> bought = s == null ? Set.of() : s.bought;
        return recommender.recommend(items, new Recommender.Request(recent(p, now), interests, bought, k, now),
                categoryOfItem::get);
    }

    ModelPort.ProfileScores scores(String profileId) {
        PerProfile s = profiles.get(profileId);
        if (s == null) {
            return new ModelPort.ProfileScores(profileId, -1, Double.NaN, 0.0, 0.0, List.of());
        }
        return new ModelPort.ProfileScores(profileId, s.persona, s.distance, s.propensity, s.botScore,
                s.botScore >= suspectedBotThreshold ? List.of(SUSPECTED_BOTS) : List.of());
    }

    /**
     * The scores of {@code p} read at {@code now}: propensity and persona from its features as they are
     * now (the stored ones are as of the last example opened and the last daily persona update).
     */
    ModelPort.ProfileScores scores(Profile p, long now) {
        ModelPort.ProfileScores stored = scores(p.profileId());
        double score = propensity.predict(propensityFeatures(p, now));
        int persona = stored.persona();
        double distance = stored.personaDistance();
        if (personas != null) {
            var a = personas.assign(personaVector(p, now));
            if (a.isPresent()) {
                persona = a.get().cluster();
                distance = a.get().distance();
            }
        }
        return new ModelPort.ProfileScores(p.profileId(), persona, distance, score, stored.botScore(),
                stored.segments());
    }

    /** The scores as the profile JSON's {@code models} field shows them. */
    Map<String, Object> scoresJson(Profile p, long now) {
        ModelPort.ProfileScores s = scores(p, now);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("persona", s.persona() < 0 ? null : s.persona());
        out.put("personaDistance", Double.isFinite(s.personaDistance()) ? s.personaDistance() : null);
        out.put("propensity", s.propensity());
        out.put("botScore", s.botScore());
        out.put("segments", s.segments());
        return out;
    }

    List<ModelPort.PersonaView> personas() {
        if (personas == null) {
            return List.of();
        }
        long[] sizes = new long[personas.config().k()];
        for (PerProfile s : profiles.values()) {
            if (s.persona >= 0) {
                sizes[s.persona]++;
            }
        }
        List<ModelPort.PersonaView> out = new ArrayList<>();
        for (StreamingKMeans.Centroid c : personas.centroids()) {
            List<Map<String, Object>> strongest = new ArrayList<>();
            for (StreamingKMeans.StandardisedFeature f : c.strongest()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("feature", f.feature());
                m.put("z", f.z());
                strongest.add(m);
            }
            out.add(new ModelPort.PersonaView(c.cluster(), sizes[c.cluster()], strongest, c.center()));
        }
        return out;
    }

    ModelPort.ModelQuality quality() {
        long bots = profiles.values().stream().filter(s -> s.botScore >= suspectedBotThreshold).count();
        return new ModelPort.ModelQuality(propensity.metrics().auc(), propensity.metrics().logLoss(),
                propensity.metrics().count(), items.size(), bots);
    }

    // ---- durability ----

    byte[] encode() {
        BinaryOut out = new BinaryOut(4096);
        out.writeByte(VERSION);
        items.encode(out);
        out.writeBoolean(personas != null);
        if (personas != null) {
            personas.encode(out);
        }
        propensity.encode(out);
        out.writeVarInt(categoryOfItem.size());
        new TreeMap<>(categoryOfItem).forEach((k, v) -> out.writeString(k).writeString(v));
        out.writeVarInt(profiles.size());
        profiles.forEach((id, s) -> {
            out.writeString(id);
            s.activity.encode(out);
            s.pending.encode(out);
            out.writeSignedVarLong(s.persona).writeDouble(s.distance).writeDouble(s.propensity).writeDouble(s.botScore)
                    .writeSignedVarLong(s.lastFed).writeVarInt(s.bought.size());
            s.bought.forEach(out::writeString);
        });
        return out.toByteArray();
    }

    /** Restores what {@link #encode} wrote; null (nothing stored yet) leaves the models empty. */
    void restore(byte[] bytes) {
        if (bytes == null) {
            return;
        }
        BinaryIn in = new BinaryIn(bytes);
        in.expectVersion("models", VERSION);
        items = ItemStatistics.decode(in);
        if (in.readBoolean()) {
            StreamingKMeans stored = StreamingKMeans.decode(in);
            // a definition with other persona features starts personas afresh
            personas = personas != null && stored.config().features().equals(personaNames) ? stored : personas;
        }
        propensity = OnlineLogisticRegression.decode(in);
        int categories = in.readLength();
        for (int i = 0; i < categories; i++) {
            categoryOfItem.put(in.readString(), in.readString());
        }
        int n = in.readLength();
        for (int i = 0; i < n; i++) {
            PerProfile s = new PerProfile();
            String id = in.readString();
            s.activity = BotScore.Activity.decode(in);
            s.pending = DelayedLabels.Pending.decode(in);
            s.persona = (int) in.readSignedVarLong();
            s.distance = in.readDouble();
            s.propensity = in.readDouble();
            s.botScore = in.readDouble();
            s.lastFed = in.readSignedVarLong();
            int bought = in.readLength();
            for (int b = 0; b < bought; b++) {
                s.bought.add(in.readString());
            }
            profiles.put(id, s);
            long next = labels.nextDeadline(s.pending);
            if (next != Long.MAX_VALUE) {
                deadlines.add(new Object[] {next, id});
            }
        }
    }
}
