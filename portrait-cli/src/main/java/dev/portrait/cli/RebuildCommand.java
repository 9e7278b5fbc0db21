package dev.portrait.cli;

import dev.portrait.cli.DataDirectory.Definition;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.PortraitStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "rebuild", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rebuilds every profile from the event log, under a new definition or the same one.",
                "Clears what is derived from the log (profiles, identities, merges, changelog) and replays the whole "
                        + "log; the log itself, the dedup index and the quarantine stay. Forgotten people stay "
                        + "forgotten. The definition given becomes the data directory's own."})
final class RebuildCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "The data directory.")
    Path data;

    @Option(names = "--definition", paramLabel = "FILE",
            description = "The definition to rebuild under (default: the one the data directory was built with).")
    Path definition;

    @Override
    public Integer call() throws InterruptedException {
        DataDirectory dir = DataDirectory.existing(data);
        Definition d = dir.definition(definition);
        PrintWriter out = spec.commandLine().getOut();
        long started = System.nanoTime();
        long replayed;
        long logged;
        long profiles;
        PortraitStore store = dir.openStore();
        try {
            logged = store.events().lastSequence();
            store.clearDerivedState();
            // recorded before the replay: a rebuild cut short then resumes under the new definition on the next start
            dir.remember(d);
            ProgressBar bar = ProgressBar.onStderr(spec.commandLine().getErr(), "log positions");
            Thread watcher = new Thread(() -> watch(store, bar, logged), "portrait-rebuild-progress");
            watcher.setDaemon(true);
            watcher.start();
            EmbeddedRuntime runtime;
            try {
                // the runtime's start-up recovery replays the log from the applied position, which is now 0
                runtime = dir.startRuntime(store, d, RuntimeOptions.defaults());
            } finally {
                watcher.interrupt();
                watcher.join();
            }
            bar.finish(logged, logged, logged);
            replayed = runtime.recoveredEvents();
            runtime.close();
            profiles = countProfiles(store);
        } finally {
            store.close();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "rebuilt %s in %s from the log: %,d events replayed (of %s; forgotten ones are "
                        + "skipped) in %.2f s, definition: %s%n", ImportSummary.count(profiles, "profile"), dir.path(),
                replayed, ImportSummary.count(logged, "log position"), seconds, d.source());
        out.flush();
        return 0;
    }

    /** Polls how far the replay has written back (it does so every few thousand events). */
    private static void watch(PortraitStore store, ProgressBar bar, long logged) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                long applied = store.profiles().appliedSequence();
                bar.update(applied, applied, logged);
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // a progress bar must never fail the rebuild; the store may be closing
        }
    }

    private static long countProfiles(PortraitStore store) {
        long n = 0;
        String after = null;
        while (true) {
            List<String> ids = store.profiles().ids(after, 10_000);
            if (ids.isEmpty()) {
                return n;
            }
            n += ids.size();
            after = ids.get(ids.size() - 1);
        }
    }
}
