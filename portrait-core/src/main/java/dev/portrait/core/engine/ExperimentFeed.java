package dev.portrait.core.engine;

import dev.portrait.core.definition.ExperimentSpecs;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.definition.SegmentSpec;
import dev.portrait.core.event.Event;
import dev.portrait.core.experiment.ExperimentAssignment;
import dev.portrait.core.experiment.ExperimentResults;
import dev.portrait.core.experiment.ExperimentUpdate;
import dev.portrait.core.definition.ModelSpecs;
import dev.portrait.core.model.RecommendationFeedback;
import dev.portrait.core.identity.ProfileIdKey;
import dev.portrait.core.model.ModelUpdate;
import dev.portrait.core.profile.Profile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Derives what the experiments' results learn from a step: for each experiment that measures the
 * event, the person's variant (keyed hash of the profile id), whether the profile is in the
 * population, and what the event counts as. Events no experiment measures cost one lookup.
 */
final class ExperimentFeed {
    private record Declared(ExperimentSpecs.Experiment spec, int population) {
    }

    private final List<Declared> experiments = new ArrayList<>();
    private final ExperimentAssignment assignment;

    /** The label the assignment key is derived under from the profile-id secret (another label, another key). */
    private static final byte[] DERIVED_KEY_LABEL = "portrait experiments v1".getBytes(StandardCharsets.UTF_8);

    /**
     * @param ids the engine's profile-id secret: a definition without {@code experiments.key} is keyed with
     *            HMAC(ids, label), so each installation has its own key, the same in every runtime sharing it
     */
    ExperimentFeed(ProfileDefinition definition, ProfileIdKey ids) {
        ExperimentSpecs specs = definition.experiments();
        this.assignment = specs.derivedKey() ? new ExperimentAssignment(ids.mac(DERIVED_KEY_LABEL))
                : new ExperimentAssignment(specs.key());
        List<SegmentSpec> segments = definition.segments();
        for (ExperimentSpecs.Experiment e : specs.experiments()) {
            int population = -1;
            for (int i = 0; i < segments.size(); i++) {
                if (segments.get(i).name().equals(e.population())) {
                    population = i;
                }
            }
            experiments.add(new Declared(e, population));
        }
    }

    boolean any() {
        return !experiments.isEmpty();
    }

    /** The assignment the feed uses (the same key gives the same variants everywhere). */
    ExperimentAssignment assignment() {
        return assignment;
    }

    /**
     * The experiment (definition index) varying the recommender whose variant serves this person, and the
     * variant: the first such experiment they are enrolled in (their enrolled variant) or whose population
     * holds them now (their assigned variant); null when none.
     */
    int[] servingVariant(Profile p, ExperimentResults results, IntPredicate variesRecommender) {
        for (int i = 0; i < experiments.size(); i++) {
            Declared d = experiments.get(i);
            if (!variesRecommender.test(i)) {
                continue;
            }
            String enrolled = results == null ? null : results.enrolledVariant(d.spec().name(), p.profileId());
            if (enrolled != null) {
                List<ExperimentSpecs.Variant> variants = d.spec().variants();
                for (int v = 0; v < variants.size(); v++) {
                    if (variants.get(v).name().equals(enrolled)) {
                        return new int[]{i, v};
                    }
                }
            }
            if (d.population() < 0 || p.inSegment(d.population())) {
                return new int[]{i, assignment.variant(d.spec(), p.profileId())};
            }
        }
        return null;
    }

    /**
     * After an event was folded into {@code p} (its segments already include it).
     *
     * <p>For an experiment that varies the recommender and measures the feedback loop's own shown and clicked
     * events, exposures and clicks come from the join ({@code joined}): an answer counts once, only when
     * served under this experiment, and for the variant that served it. Its other events (conversions,
     * revenue) count as for any experiment.
     */
    void folded(Profile p, Event event, RecommendationFeedback.Joined joined, ModelSpecs.Feedback feedback,
                List<ModelUpdate> out) {
        String key = event.key();
        for (int i = 0; i < experiments.size(); i++) {
            Declared d = experiments.get(i);
            ExperimentSpecs.Experiment e = d.spec();
            if (!e.counts(key)) {
                continue;
            }
            if (feedback != null && e.variesRecommender() && feedback.shown().equals(e.exposure())
                    && feedback.clicked().equals(e.click()) && (key.equals(e.exposure()) || key.equals(e.click()))) {
                if (joined != null && joined.served().experiment() == i
                        && (joined.newlyShown() || joined.newlyClicked())) {
                    out.add(new ModelUpdate.ForExperiment(new ExperimentUpdate.Observed(e.name(), p.profileId(),
                            joined.served().variant(), true, event.time(), joined.newlyShown(),
                            joined.newlyClicked(), e.conversions().contains(key), 0)));
                }
                continue;
            }
            boolean inPopulation = d.population() < 0 || p.inSegment(d.population());
            double revenue = 0;
            if (key.equals(e.revenueEvent()) && event.properties().get(e.revenueProperty()) instanceof Number n
                    && Double.isFinite(n.doubleValue())) {
                revenue = n.doubleValue();
            }
            out.add(new ModelUpdate.ForExperiment(new ExperimentUpdate.Observed(e.name(), p.profileId(),
                    assignment.variant(e, p.profileId()), inPopulation, event.time(), key.equals(e.exposure()),
                    key.equals(e.click()), e.conversions().contains(key), revenue)));
        }
    }

    /** Before {@code loser} is merged into {@code winner}: the survivor keeps its assignment. */
    void merging(Profile winner, Profile loser, List<ModelUpdate> out) {
        for (Declared d : experiments) {
            ExperimentSpecs.Experiment e = d.spec();
            out.add(new ModelUpdate.ForExperiment(new ExperimentUpdate.Moved(e.name(), loser.profileId(),
                    winner.profileId(), assignment.variant(e, winner.profileId()))));
        }
    }

    /** A forgotten person leaves every experiment. */
    void forgotten(Profile p, List<ModelUpdate> out) {
        for (Declared d : experiments) {
            out.add(new ModelUpdate.ForExperiment(new ExperimentUpdate.Left(d.spec().name(), p.profileId())));
        }
    }
}
