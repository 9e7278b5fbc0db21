package dev.portrait.cli;

import dev.portrait.cli.DataDirectory.Definition;
import dev.portrait.cli.PortraitCli.UsageProblem;
import dev.portrait.core.mapping.MappingException;
import dev.portrait.core.mapping.RowMapping;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.PortraitStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Imports files of Segment events into a data directory, without HTTP.",
                "JSON lines: one event object per line, or a {\"batch\": [...]} line. CSV: a header row and a "
                        + "--mapping file saying which column is userId, event, timestamp, … and which become "
                        + "properties or traits; it may give constants, transforms (a timestamp pattern and zone, ids "
                        + "written as 12923.0, trim, lower), cases (InvoiceNo starts with C → Order Refunded) and "
                        + "groupBy (order lines → one order with products and revenue). With --mapping, JSON-lines "
                        + "files are read through it too (an app log's objects as rows). See docs/IMPORT.md.",
                "Every event ends accepted, duplicate (its messageId is already logged, also by an earlier "
                        + "import), or quarantined with a reason code; lines that are not JSON objects are "
                        + "quarantined as malformed_json with their line number. Events are stamped with the "
                        + "import's clock as receivedAt, so events older than the definition's "
                        + "cleaning.maxPastAge (365d by default) are quarantined as timestamp_too_old, unless the "
                        + "mapping says the file is historical (then maxPastAge does not apply, and its "
                        + "historical.now becomes the data directory's clock)."})
final class ImportCommand implements Callable<Integer> {
    enum Format { jsonl, csv }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to import, in order.")
    List<Path> files;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "The data directory (created if missing).")
    Path data;

    @Option(names = "--definition", paramLabel = "FILE",
            description = "The profile definition (default: the one the data directory was built with, else the "
                    + "shipped e-commerce definition).")
    Path definition;

    @Option(names = "--format", paramLabel = "jsonl|csv",
            description = "The files' format (default: csv for *.csv and *.tsv, jsonl otherwise).")
    Format format;

    @Option(names = "--mapping", paramLabel = "FILE",
            description = "The YAML mapping from rows to events: needed for CSV; JSON lines with it are read as rows.")
    Path mapping;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "1000",
            description = "Events read and cleaned as one piece of work (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--group-events", paramLabel = "N", defaultValue = "25000",
            description = "Events made durable together, with one fsync (default ${DEFAULT-VALUE}).")
    int groupEvents;

    @Option(names = "--cleaners", paramLabel = "N",
            description = "Threads that clean and encode events (default: one a core but one, at most 4).")
    Integer cleaners;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<Format> formats = checkArguments();
        RowMapping rows = mapping == null ? null : loadMapping(mapping);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        List<EventSource> sources = new ArrayList<>();
        long totalBytes = 0;
        ImportSummary summary = new ImportSummary();
        try {
            // every file is opened first, so a CSV whose header lacks a mapped column fails before anything is imported
            for (int i = 0; i < files.size(); i++) {
                Path f = files.get(i);
                sources.add(formats.get(i) == Format.csv ? CsvSource.open(f, rows)
                        : rows != null ? MappedJsonLinesSource.open(f, rows) : JsonLinesSource.open(f));
                totalBytes += Files.size(f);
            }
            DataDirectory dir = DataDirectory.createIfMissing(data);
            Definition d = dir.definition(definition);
            Definition cleaning = d;
            if (rows != null && rows.historical()) {
                cleaning = new Definition(rows.cleaningUnder(d.definition()), d.text(), d.source(), d.explicit());
                Optional<Instant> now = rows.now();
                Optional<Instant> before = dir.rememberedNow();
                if (now.isPresent() && (before.isEmpty() || now.get().isAfter(before.get()))) {
                    dir.rememberNow(now.get()); // a directory's time never runs backwards
                }
            }
            long started;
            long ingested;
            PortraitStore store = dir.openStore();
            try {
                RuntimeOptions options = RuntimeOptions.defaults();
                EmbeddedRuntime runtime = dir.startRuntime(store, cleaning, options);
                try {
                    dir.remember(d);
                    started = System.nanoTime();
                    ProgressBar bar = ProgressBar.onStderr(err, "events");
                    long total = totalBytes;
                    new Importer(runtime, dir.clock(), batchSize,
                            cleaners != null ? cleaners : Importer.defaultCleaners(), groupEvents, options.maxLag(),
                            summary)
                            .run(sources, bytes -> bar.update(summary.events(), bytes, total));
                    bar.finish(summary.events(), total, total);
                    ingested = System.nanoTime();
                } finally {
                    runtime.close(); // folds what is queued and writes every profile back
                }
            } finally {
                store.close();
            }
            long finished = System.nanoTime();
            out.printf(Locale.ROOT, "imported %d file%s (%,d bytes) into %s, definition: %s%n", files.size(),
                    files.size() == 1 ? "" : "s", totalBytes, dir.path(), d.source());
            out.print(summary.render());
            long read = 0;
            for (EventSource s : sources) {
                read += s instanceof CsvSource c ? c.rows() : s instanceof MappedJsonLinesSource j ? j.rows() : 0;
            }
            if (rows != null) {
                out.printf(Locale.ROOT, "%s read through the mapping %s%s%n", ImportSummary.count(read, "row"),
                        mapping, rows.grouped() ? " (rows of one group are one event)" : "");
            }
            if (rows != null && rows.historical()) {
                out.println("historical file: cleaning.maxPastAge was not applied"
                        + dir.rememberedNow().map(n -> "; the data directory's clock is " + n + " (profile, serve and "
                        + "import read at that time; delete " + dir.path().resolve(DataDirectory.NOW_FILE) + " for the "
                        + "wall clock)").orElse(""));
            }
            double seconds = (ingested - started) / 1e9;
            out.printf(Locale.ROOT, "%s in %.2f s: %,.0f events/s into the log (durable); profiles folded and "
                            + "written back %.2f s later%n", ImportSummary.count(summary.events(), "event"), seconds,
                    summary.events() / Math.max(seconds, 1e-9), (finished - ingested) / 1e9);
            if (summary.quarantinedTotal() > 0) {
                out.println("quarantined events are kept with their reasons: list them with GET /v1/quarantine and "
                        + "re-drive them with POST /v1/quarantine/redrive (admin key) once the cause is fixed");
            }
            out.flush();
            return 0;
        } finally {
            for (EventSource s : sources) {
                s.close();
            }
        }
    }

    static RowMapping loadMapping(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageProblem("mapping file " + file + " does not exist");
        } catch (IOException e) {
            throw new UsageProblem("cannot read mapping file " + file + ": " + e.getMessage(), e);
        }
        try {
            return RowMapping.parse(text, file.toString());
        } catch (MappingException e) {
            throw new UsageProblem(e.getMessage(), e); // names the file and the path inside it
        }
    }

    /** Checks files, formats and the mapping; returns each file's format. */
    List<Format> checkArguments() {
        if (batchSize < 1 || batchSize > 100_000) {
            throw new UsageProblem("--batch-size " + batchSize + " is outside 1-100000");
        }
        if (groupEvents < 1 || groupEvents > 1_000_000) {
            throw new UsageProblem("--group-events " + groupEvents + " is outside 1-1000000");
        }
        if (cleaners != null && (cleaners < 1 || cleaners > 64)) {
            throw new UsageProblem("--cleaners " + cleaners + " is outside 1-64");
        }
        List<Format> formats = new ArrayList<>();
        for (Path f : files) {
            if (!Files.exists(f)) {
                throw new UsageProblem("no such file: " + f);
            }
            if (!Files.isRegularFile(f)) {
                throw new UsageProblem(f + " is not a file");
            }
            if (!Files.isReadable(f)) {
                throw new UsageProblem(f + " cannot be read (permissions)");
            }
            formats.add(format != null ? format : formatOf(f));
        }
        if (formats.contains(Format.csv) && mapping == null) {
            Path first = files.get(formats.indexOf(Format.csv));
            throw new UsageProblem(first + " is CSV and needs --mapping FILE, a YAML file saying which column is userId, "
                    + "event, timestamp, … (see portrait help import and the README)");
        }
        return formats;
    }

    static Format formatOf(Path f) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".csv") || name.endsWith(".tsv") ? Format.csv : Format.jsonl;
    }
}
