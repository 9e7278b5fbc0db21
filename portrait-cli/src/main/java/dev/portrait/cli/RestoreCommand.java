package dev.portrait.cli;

import dev.portrait.core.PortraitException;
import dev.portrait.store.Backups;
import dev.portrait.store.MasterKey;
import dev.portrait.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Restores a backup made by `portrait backup` into a data directory, then forgets again "
                + "everyone forgotten after the backup was taken, from the forget journal: DIR/forget-journal, or "
                + "--journal FILE (then copied to DIR/forget-journal).",
                "Refuses a data directory a server has open, and one that is not empty unless --force (which "
                        + "replaces everything in it but its forget journal). Needs the master key the backup's "
                        + "keysets are encrypted under (PORTRAIT_MASTER_KEY or PORTRAIT_MASTER_KEY_FILE)."})
final class RestoreCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--from", paramLabel = "DIR", required = true, description = "The backup's directory.")
    Path from;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "The data directory to restore into.")
    Path data;

    @Option(names = "--journal", paramLabel = "FILE",
            description = "The forget journal to re-apply (default: DIR/forget-journal). Give the old data "
                    + "directory's journal when restoring into a new directory.")
    Path journal;

    @Option(names = "--force", description = "Replace a data directory that is not empty (its forget journal stays).")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Backups.RestoreReport report;
        try {
            report = Backups.restore(from, data, journal, force, StoreOptions.defaults(),
                    MasterKey.fromEnvironment(System.getenv()).orElse(null));
        } catch (PortraitException e) {
            if (e.code().equals("restore_refused") || e.code().equals("backup_invalid")) {
                throw new PortraitCli.UsageProblem(e.getMessage(), e);
            }
            throw e;
        }
        out.printf(Locale.ROOT, "restored %s (taken at %s, %,d forgets) into %s: %,d files, %,d bytes; forget journal "
                        + "%s: %,d entries, %,d made after the backup and made again (%,d profiles forgotten again)%n",
                from, Instant.ofEpochMilli(report.takenAt()), report.backupForgets(), report.data(), report.files(),
                report.bytes(), report.journal(), report.journalEntries(), report.reapplied(), report.profilesForgotten());
        if (!Files.exists(report.journal())) {
            err.println("portrait restore: warning: there is no forget journal at " + report.journal() + ", so no forget "
                    + "made after the backup was re-applied; if the data directory's journal is elsewhere, run restore "
                    + "again with --force --journal FILE");
        }
        out.flush();
        err.flush();
        return 0;
    }
}
