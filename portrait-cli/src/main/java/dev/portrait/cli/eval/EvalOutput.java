package dev.portrait.cli.eval;

import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Options every data set shares, and the one way a run ends: the table printed, floors checked. */
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
