package dev.portrait.cli.eval;

import dev.portrait.eval.RetailEval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code portrait eval retail}: the flags of {@link RetailEval}, which says what it measures and how. */
@Command(name = "retail", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Cleaning report and repeat-purchase-within-30-days AUC of the online propensity model against "
                + "an offline logistic regression (FILE: the UCI Online Retail CSV layout, read through the same mapping "
                + "portrait import uses).")
final class RetailCommand extends EvalOutput implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "PATH", description = "A CSV file, or a folder holding one.")
    Path path;

    @Option(names = "--mapping", paramLabel = "FILE",
            description = "The mapping that reads the file (default: docs/examples/online-retail.yaml, in the jar), "
                    + "as portrait import takes it.")
    Path mapping;

    @Option(names = "--horizon-days", defaultValue = "30", description = "The repeat window (default ${DEFAULT-VALUE}).")
    int horizonDays;

    @Option(names = "--train-share", defaultValue = "0.7",
            description = "Share of the time range the offline model trains on (default ${DEFAULT-VALUE}).")
    double trainShare;

    @Option(names = "--alpha", defaultValue = "0.1", description = "FTRL's learning-rate scale (default ${DEFAULT-VALUE}).")
    double alpha;

    @Override
    public Integer call() {
        Path file = existing(path, "retail file");
        return finish(new RetailEval(settings(() -> new RetailEval.Settings(file,
                mapping == null ? null : existing(mapping, "mapping file"), horizonDays, trainShare, alpha))).run());
    }
}
