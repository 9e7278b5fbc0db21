package dev.portrait.core.model;

import java.util.LinkedHashSet;

/**
 * One person's share of the models, kept inside their profile (so it is written back, encrypted,
 * merged and forgotten with it): the behaviour the bot score has seen, the examples waiting for
 * their labels, the items bought, when their vector last went to the personas. Nothing here depends
 * on the shared models (scores that do are computed when asked), so a profile is a function of its
 * own events whichever order the shared models learned in. Which parts
 * are used depends on the definition's {@code models:} section; {@link DeclaredModels} owns the
 * logic and the binary form. Bounded: a fixed number of scalars, {@code maxPending} examples per
 * labelled model and at most {@link DeclaredModels#BOUGHT_LIMIT} item ids, and
 * the feedback loop's {@code remember} answers.
 */
public final class ModelState {
    BotScore.Activity activity;
    DelayedLabels.Pending propensityPending;
    DelayedOutcomes.Pending regressionPending;
    /** The latest bought items, oldest first. */
    final LinkedHashSet<String> bought = new LinkedHashSet<>();
    long personaFedAt = Long.MIN_VALUE;
    /** The recommendations this person was shown and what came of them (with a feedback section). */
    FeedbackState feedback;
    double botScore;

    ModelState() {
    }

    /** This person's side of the feedback loop, or null without a feedback section. */
    public FeedbackState feedback() {
        return feedback;
    }

    /** The bot score as of the last event, in [0, 1]. */
    public double botScore() {
        return botScore;
    }
}
