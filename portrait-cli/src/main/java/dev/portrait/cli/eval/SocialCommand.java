package dev.portrait.cli.eval;

import dev.portrait.eval.SocialEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code portrait eval social}: the flags of {@link SocialEval}, which says what it measures and how. It
 * generates its stream from the seed, so it needs no data set and CI always runs it.
 */
@Command(name = "social", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Recommendation quality with \"people like you follow\" against the recommender without it, "
                + "same run, on the synthetic social stream (generated from --seed; the last day held out).")
final class SocialCommand extends EvalOutput implements Callable<Integer> {
    @Option(names = "--people", defaultValue = "2000", description = "Persons in the stream (default ${DEFAULT-VALUE}).")
    int people;

    @Option(names = "--communities", defaultValue = "20", description = "Communities, each with a topic "
            + "(default ${DEFAULT-VALUE}).")
    int communities;

    @Option(names = "--days", defaultValue = "30", description = "Days simulated; the last is held out "
            + "(default ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--echo", defaultValue = "0.5", description = "The planted chance a person views, on a day, a post "
            + "a close friend viewed the day before; 0 plants nothing (default ${DEFAULT-VALUE}).")
    double echo;

    @Option(names = "--k", defaultValue = "10", description = "List length scored (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--social-weight", paramLabel = "W",
            description = "The social part's weight instead of the shipped definition's.")
    Double socialWeight;

    @Override
    public Integer call() {
        SocialEval.Settings settings = settings(() -> new SocialEval.Settings(seed, people, communities, days, echo, k,
                socialWeight == null ? Double.NaN : socialWeight));
        return finish(new SocialEval(settings, this::progress).run());
    }
}
