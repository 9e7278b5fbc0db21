package dev.portrait.cli.eval;

import dev.portrait.eval.Floors;
import dev.portrait.eval.MetricTable;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Options every data set shares, and the one way a run ends: the table printed, floors checked. The
 * evaluation itself is portrait-eval's; the subcommands only turn flags into its settings.
 */
class EvalOutput {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--floors", paramLabel = "FILE",
            description = "A properties file of dataset.protocol.model.metric = floor; exit 1 when a metric is below.")
    Path floors;

    @CommandLine.Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seed of every sampled choice (default ${DEFAULT-VALUE}).")
    long seed;

    Path existing(Path p, String what) {
        if (!Files.exists(p)) {
            throw new CommandLine.ParameterException(spec.commandLine(), what + " " + p + " does not exist");
        }
        return p;
    }

    /** Settings a harness refuses (its records validate) are the user's mistake: a usage error, exit 2. */
    <T> T settings(Supplier<T> make) {
        try {
            return make.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    int finish(MetricTable table) {
        boolean ok = true;
        if (floors != null) {
            Map<String, Double> f = Floors.read(existing(floors, "floors file"));
            ok = Floors.check(f, table);
        }
        spec.commandLine().getOut().println(table.toJson());
        spec.commandLine().getOut().flush();
        if (!ok) {
            spec.commandLine().getErr().println("portrait eval " + table.dataset() + ": a metric is below its floor "
                    + "(see \"floors\" in the output)");
            spec.commandLine().getErr().flush();
            return 1;
        }
        return 0;
    }

    private final long started = System.nanoTime();

    void progress(String line) {
        spec.commandLine().getErr().printf("[%6.1fs] %s%n", (System.nanoTime() - started) / 1e9, line);
        spec.commandLine().getErr().flush();
    }
}
