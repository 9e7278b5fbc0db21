package dev.portrait.core.model;

import dev.portrait.core.definition.ExperimentSpecs;
import dev.portrait.core.definition.ModelSpecs;
import dev.portrait.core.event.Event;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The feedback loop's join, folded into each person's {@link FeedbackState}: what people did with the
 * recommendations they were served.
 *
 * <p><b>Shown and clicked.</b> An event of the definition's shown or clicked kind carries the answer's id
 * ({@link RecommendationIds}); the id says when, where (placement) and under which experiment variant the
 * answer was served. It counts when the id is one this installation issued ({@code unknown_id} otherwise)
 * and the event happened within {@code window} after serving, allowing {@link #CLOCK_SKEW} before it for
 * clocks that disagree ({@code expired} otherwise). Each answer counts once as shown and once as clicked,
 * however many Shown or Clicked events repeat it; a click on an answer never reported shown counts it shown
 * too, so clicked ≤ shown and CTR (clicked / shown) is a proportion.
 *
 * <p><b>Conversions.</b> An event of a declared conversion kind converts the clicked answers, not yet
 * converted, whose click was at most {@code conversionWindow} before it: those whose clicked items it names
 * (the recommender's item property, also inside {@code products}), or, when it names no item (a
 * subscription), the latest such click alone. Each answer converts once, so converted ≤ clicked.
 *
 * <p><b>Bounded and deterministic.</b> A person remembers their {@code remember} latest answers; an answer
 * past every window ({@code servedAt + window + conversionWindow}) or pushed out is let go, and
 * {@link FeedbackState#forgottenUpTo} keeps its serving time, so an id served no later than that and not
 * remembered is not counted again ({@code forgotten}). Everything reads event time and the id, so a replay
 * of the log rebuilds the same state, and it lives in the profile: it survives restarts, merges with the
 * person and is forgotten with them.
 *
 * <p><b>Merges.</b> When both profiles remember the same answer (shown as one person, clicked after they
 * identified), the merged state holds it once and the double count is taken back from the person's and the
 * shared counts. An answer one side had already let go cannot be recognised: exact while both remember it.
 */
public final class RecommendationFeedback {
    /** The model label of the answers the recommender serves. */
    public static final String MODEL = "recommender";
    /** How long before its serving time an event may say it happened (clients' clocks run early). */
    static final long CLOCK_SKEW = 10L * 60_000;

    private final ModelSpecs.Feedback spec;
    private final String conversionItemProperty;
    private final RecommendationIds ids;
    private final List<ExperimentSpecs.Experiment> experiments;
    private final long window;
    private final long conversionWindow;

    /** The join's verdict on one shown or clicked event that joined: what it counted, for the experiments. */
    public record Joined(RecommendationIds.Served served, boolean newlyShown, boolean newlyClicked) {
    }

    RecommendationFeedback(ModelSpecs.Feedback spec, String conversionItemProperty, RecommendationIds ids,
                           List<ExperimentSpecs.Experiment> experiments) {
        this.spec = spec;
        this.conversionItemProperty = conversionItemProperty;
        this.ids = ids;
        this.experiments = List.copyOf(experiments);
        this.window = spec.window().toMillis();
        this.conversionWindow = spec.conversionWindow().toMillis();
    }

    ModelSpecs.Feedback spec() {
        return spec;
    }

    /** The experiment's name for an index an id carries, or "" (none, or one the definition no longer has). */
    String experimentName(int experiment) {
        return experiment >= 0 && experiment < experiments.size() ? experiments.get(experiment).name() : "";
    }

    String variantName(int experiment, int variant) {
        if (experiment < 0 || experiment >= experiments.size()) {
            return "";
        }
        var variants = experiments.get(experiment).variants();
        return variant >= 0 && variant < variants.size() ? variants.get(variant).name() : "";
    }

    /**
     * Folds one event into the person's state; appends the shared counts' updates to {@code out}. Returns
     * what a shown or clicked event joined, or null (another event, or one that did not join).
     */
    Joined observe(FeedbackState s, Event event, List<ModelUpdate> out) {
        String key = event.key();
        long t = event.time();
        boolean shown = key.equals(spec.shown());
        boolean clicked = key.equals(spec.clicked());
        boolean conversion = spec.conversions().contains(key);
        if (!shown && !clicked && !conversion) {
            return null;
        }
        letGoPast(s, t);
        if (conversion) {
            convert(s, event, t, out);
            return null;
        }
        RecommendationIds.Served served = ids.read(event.properties().get(spec.idProperty()));
        if (served == null) {
            out.add(new ModelUpdate.FeedbackUnjoined(MODEL, "unknown_id"));
            return null;
        }
        if (t < served.servedAt() - CLOCK_SKEW || t > served.servedAt() + window) {
            out.add(new ModelUpdate.FeedbackUnjoined(MODEL, "expired"));
            return null;
        }
        FeedbackState.Answer a = s.answers.get(served.id());
        boolean newlyShown = false;
        boolean newlyClicked = false;
        if (a == null) {
            if (served.servedAt() <= s.forgottenUpTo) {
                out.add(new ModelUpdate.FeedbackUnjoined(MODEL, "forgotten"));
                return null;
            }
            a = new FeedbackState.Answer(served.id(), served.servedAt(), served.placement(), served.experiment(),
                    served.variant());
            s.answers.put(a.id, a);
            newlyShown = true;
        }
        if (clicked) {
            if (!a.clicked) {
                a.clicked = true;
                a.clickedAt = t;
                newlyClicked = true;
            }
            Object item = event.properties().get(spec.itemProperty());
            a.addClickedItem(item instanceof String text && !text.isEmpty() ? text
                    : item instanceof Number n ? String.valueOf(n) : null);
        }
        count(s, a, newlyShown ? 1 : 0, newlyClicked ? 1 : 0, 0, out);
        keepAtMost(s, spec.remember());
        return new Joined(served, newlyShown, newlyClicked);
    }

    private void convert(FeedbackState s, Event event, long t, List<ModelUpdate> out) {
        List<String> items = ItemStatistics.itemsOf(event, conversionItemProperty);
        FeedbackState.Answer latest = null;
        for (FeedbackState.Answer a : s.answers.values()) {
            if (!a.clicked || a.converted || t < a.clickedAt || t - a.clickedAt > conversionWindow) {
                continue;
            }
            if (items.isEmpty()) {
                if (latest == null || a.clickedAt > latest.clickedAt
                        || (a.clickedAt == latest.clickedAt && a.id.compareTo(latest.id) < 0)) {
                    latest = a;
                }
            } else if (a.clickedItems.stream().anyMatch(items::contains)) {
                a.converted = true;
                count(s, a, 0, 0, 1, out);
            }
        }
        if (latest != null) {
            latest.converted = true;
            count(s, latest, 0, 0, 1, out);
        }
    }

    private void count(FeedbackState s, FeedbackState.Answer a, int shown, int clicked, int converted,
                       List<ModelUpdate> out) {
        if (shown == 0 && clicked == 0 && converted == 0) {
            return;
        }
        String experiment = experimentName(a.experiment);
        String variant = variantName(a.experiment, a.variant);
        long[] row = s.row(a.placement, experiment, variant);
        row[0] += shown;
        row[1] += clicked;
        row[2] += converted;
        out.add(new ModelUpdate.Feedback(MODEL, a.placement, experiment, variant, shown, clicked, converted));
    }

    /** Lets go of answers past every window at {@code t}: nothing can count for them any more. */
    private void letGoPast(FeedbackState s, long t) {
        long horizon = window + conversionWindow;
        for (Iterator<FeedbackState.Answer> it = s.answers.values().iterator(); it.hasNext(); ) {
            FeedbackState.Answer a = it.next();
            if (t - a.servedAt > horizon) {
                s.forgottenUpTo = Math.max(s.forgottenUpTo, a.servedAt);
                it.remove();
            }
        }
    }

    /** Lets go of the oldest answers beyond {@code limit}. */
    private static void keepAtMost(FeedbackState s, int limit) {
        while (s.answers.size() > limit) {
            FeedbackState.Answer oldest = null;
            for (FeedbackState.Answer a : s.answers.values()) {
                if (oldest == null || a.olderThan(oldest)) {
                    oldest = a;
                }
            }
            s.answers.remove(oldest.id);
            s.forgottenUpTo = Math.max(s.forgottenUpTo, oldest.servedAt);
        }
    }

    /**
     * The two people's states as one; neither changes. An answer both remember is kept once and its
     * double count taken back (appended to {@code out} as negative updates).
     */
    FeedbackState merge(FeedbackState winner, FeedbackState loser, List<ModelUpdate> out) {
        FeedbackState m = copy(winner);
        loser.counts.forEach((key, c) -> {
            String[] parts = FeedbackState.rowParts(key);
            long[] row = m.row(parts[0], parts[1], parts[2]);
            for (int i = 0; i < 3; i++) {
                row[i] += c[i];
            }
        });
        m.forgottenUpTo = Math.max(m.forgottenUpTo, loser.forgottenUpTo);
        for (FeedbackState.Answer l : loser.answers.values()) {
            FeedbackState.Answer w = m.answers.get(l.id);
            if (w == null) {
                m.answers.put(l.id, copy(l));
                continue;
            }
            int clickedTwice = w.clicked && l.clicked ? 1 : 0;
            int convertedTwice = w.converted && l.converted ? 1 : 0;
            if (l.clicked && (!w.clicked || l.clickedAt < w.clickedAt)) {
                w.clickedAt = l.clickedAt;
            }
            w.clicked |= l.clicked;
            w.converted |= l.converted;
            l.clickedItems.forEach(w::addClickedItem);
            count(m, w, -1, -clickedTwice, -convertedTwice, out);
        }
        keepAtMost(m, spec.remember());
        return m;
    }

    /** A forgotten person's share leaves the shared counts (their state goes with their profile). */
    void forgotten(FeedbackState s, List<ModelUpdate> out) {
        s.counts.forEach((key, c) -> {
            String[] parts = FeedbackState.rowParts(key);
            out.add(new ModelUpdate.Feedback(MODEL, parts[0], parts[1], parts[2], -c[0], -c[1], -c[2]));
        });
    }

    /** The person's counts as the profile's model scores show them. */
    Map<String, Object> json(FeedbackState s) {
        long[] total = new long[3];
        Map<String, Object> byPlacement = new java.util.TreeMap<>();
        s.countsByPlacement().forEach((placement, c) -> {
            for (int i = 0; i < 3; i++) {
                total[i] += c[i];
            }
            byPlacement.put(placement, row(c));
        });
        Map<String, Object> out = row(total);
        out.put("byPlacement", byPlacement);
        return out;
    }

    private static Map<String, Object> row(long[] c) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("shown", c[0]);
        out.put("clicked", c[1]);
        out.put("converted", c[2]);
        out.put("ctr", c[0] == 0 ? null : (double) c[1] / c[0]);
        out.put("conversionRate", c[1] == 0 ? null : (double) c[2] / c[1]);
        return out;
    }

    static FeedbackState copy(FeedbackState s) {
        FeedbackState c = new FeedbackState();
        c.forgottenUpTo = s.forgottenUpTo;
        s.answers.values().forEach(a -> c.answers.put(a.id, copy(a)));
        s.counts.forEach((k, v) -> c.counts.put(k, v.clone()));
        return c;
    }

    private static FeedbackState.Answer copy(FeedbackState.Answer a) {
        FeedbackState.Answer c = new FeedbackState.Answer(a.id, a.servedAt, a.placement, a.experiment, a.variant);
        c.clicked = a.clicked;
        c.clickedAt = a.clickedAt;
        c.converted = a.converted;
        c.clickedItems.addAll(a.clickedItems);
        return c;
    }

    /** Ids of the answers a person remembers, oldest first (tests). */
    static List<String> remembered(FeedbackState s) {
        List<FeedbackState.Answer> all = new ArrayList<>(s.answers.values());
        all.sort((x, y) -> x.olderThan(y) ? -1 : y.olderThan(x) ? 1 : 0);
        return all.stream().map(a -> a.id).toList();
    }
}
