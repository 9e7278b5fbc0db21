package dev.portrait.cli.eval;

import dev.portrait.eval.WikitickerEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code portrait eval wikiticker}: the flags of {@link WikitickerEval}, which says what it measures and how. */
@Command(name = "wikiticker", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Bot detection ROC AUC and precision at 90%% recall against isRobot, from behaviour only "
                + "(FILE: Wikipedia edits as JSON lines, gzip or plain).")
final class WikitickerCommand extends EvalOutput implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH", description = "A .json[.gz] file, or a folder holding one.")
    Path path;

    @Option(names = "--folds", defaultValue = "5", description = "Cross-validation folds (default ${DEFAULT-VALUE}).")
    int folds;

    @Override
    public Integer call() {
        Path file = existing(path, "edits file");
        return finish(new WikitickerEval(settings(() -> new WikitickerEval.Settings(file, folds, seed))).run());
    }
}
