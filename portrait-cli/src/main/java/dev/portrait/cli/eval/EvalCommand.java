package dev.portrait.cli.eval;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code portrait eval}: replays a public data set through Portrait's models in time order and prints
 * a JSON table of metrics. Each data set is a subcommand taking its folder (or file) as an argument, so
 * any file in the same format works. With {@code --floors FILE} the run fails (exit 1) when a metric
 * falls below its floor: CI's check, with the floors in one file that docs/EVALUATION.md documents.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Replays a data set through the engine in time order and prints a JSON table of metrics.",
        subcommands = {MovieLensCommand.class, WikitickerCommand.class, RetailCommand.class,
                SocialCommand.class})
public final class EvalCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "name a data set: movielens, wikiticker, retail or social (portrait help eval tells more)");
    }
}
