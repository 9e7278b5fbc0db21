package dev.portrait.cli;

import dev.portrait.cli.PortraitCli.UsageProblem;
import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.server.runtime.IngestCounters;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * A data directory as the commands see it: the store under {@code db/} and {@code keysets/}, plus the
 * definition the profiles were built with, kept as {@code definition.yaml}.
 *
 * <p><b>Why the directory remembers its definition.</b> Stored profiles are positional binary states
 * stamped with their definition's fingerprint, and the runtime refuses to start on profiles written
 * under another definition. Without a remembered copy, every command after a {@code rebuild
 * --definition new.yaml} would have to repeat the flag, and forgetting it once would stop the server.
 * So a definition given by flag is recorded once the runtime has accepted it (for {@code rebuild},
 * before the replay, so that a rebuild cut short resumes under the new definition), and commands without
 * the flag use the recorded one, or the shipped default when there is none. A flag that disagrees with
 * the stored profiles fails with a message that says to run {@code rebuild}.
 */
final class DataDirectory {
    static final String DEFINITION_FILE = "definition.yaml";
    /** Where a historical import leaves the moment the directory lives at (see {@link #clock()}). */
    static final String NOW_FILE = "now";

    /** A definition and where it came from. */
    record Definition(ProfileDefinition definition, String text, String source, boolean explicit) {
    }

    private final Path dir;

    private DataDirectory(Path dir) {
        this.dir = dir;
    }

    /** A directory that will be created if missing (serve, import). */
    static DataDirectory createIfMissing(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageProblem("--data " + dir + " is a file, not a directory");
        }
        return new DataDirectory(dir);
    }

    /** A directory that must already hold a store (profile, rebuild). */
    static DataDirectory existing(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UsageProblem("--data " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir.resolve("db"))) {
            throw new UsageProblem("--data " + dir + " holds no Portrait data (there is no " + dir.resolve("db")
                    + "); import or serve into it first");
        }
        return new DataDirectory(dir);
    }

    Path path() {
        return dir;
    }

    /** The definition from {@code --definition}, else the one this directory remembers, else the default. */
    Definition definition(Path flag) {
        if (flag != null) {
            return load(flag, flag.toString(), true);
        }
        Path remembered = dir.resolve(DEFINITION_FILE);
        if (Files.isRegularFile(remembered)) {
            return load(remembered, remembered + " (the definition " + dir + " was built with)", false);
        }
        return new Definition(DefinitionLoader.defaultEcommerce(), DefinitionLoader.defaultEcommerceText(),
                "the default e-commerce definition", false);
    }

    private static Definition load(Path file, String source, boolean explicit) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageProblem("definition file " + file + " does not exist");
        } catch (IOException e) {
            throw new UsageProblem("cannot read definition file " + file + ": " + e.getMessage(), e);
        }
        try {
            return new Definition(DefinitionLoader.parse(text, file.toString()), text, source, explicit);
        } catch (PortraitException e) {
            // DefinitionException's message already names the path inside the file
            throw new UsageProblem(file + ": " + e.getMessage(), e);
        }
    }

    /** Records an explicitly given definition as this directory's own. */
    void remember(Definition d) {
        if (!d.explicit()) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(DEFINITION_FILE + ".tmp");
            Files.writeString(tmp, d.text(), StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(DEFINITION_FILE), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the definition in " + dir.resolve(DEFINITION_FILE), e);
        }
    }

    PortraitStore openStore() {
        try {
            Files.createDirectories(dir);
            return PortraitStore.open(dir, StoreOptions.defaults(),
                    dev.portrait.store.MasterKey.fromEnvironment(System.getenv()).orElse(null),
                    dev.portrait.store.ProfileIdSecret.fromEnvironment(System.getenv()).orElse(null),
                    // import, rebuild and profile keep RocksDB within the same budget as serve (PORTRAIT_MEMORY)
                    dev.portrait.server.runtime.MemoryBudget.ofThisProcess().store());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir, e);
        } catch (PortraitException e) {
            throw explain(e, null);
        }
    }

    /**
     * The directory's clock: the wall clock, unless a historical import said what "now" is after its load
     * ({@code historical.now} in its mapping), in which case every command on the directory (import,
     * profile, serve, rebuild) reads windows, segments and receive times at that fixed moment. A backfill
     * of 2011 read at today's date would show every customer lapsed for fifteen years. Deleting the file
     * returns the directory to the wall clock.
     */
    Clock clock() {
        return rememberedNow().map(now -> Clock.fixed(now, ZoneOffset.UTC)).orElseGet(Clock::systemUTC);
    }

    /** The moment a historical import left, if any. */
    Optional<Instant> rememberedNow() {
        Path file = dir.resolve(NOW_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (java.time.format.DateTimeParseException e) {
            throw new UsageProblem(file + " holds \"" + text + "\", not an ISO-8601 instant; it says what \"now\" is for "
                    + "a historical import's data (e.g. 2011-12-10T00:00:00Z): fix it or delete it for the wall clock");
        }
    }

    /** Records the moment a historical import says the directory lives at. */
    void rememberNow(Instant now) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(NOW_FILE + ".tmp");
            Files.writeString(tmp, now + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(NOW_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the directory's clock in " + dir.resolve(NOW_FILE), e);
        }
    }

    /** Starts the runtime on the directory's {@link #clock()}, which recovers from the log; closes nothing on failure (the caller owns the store). */
    EmbeddedRuntime startRuntime(PortraitStore store, Definition d, RuntimeOptions options) {
        try {
            return EmbeddedRuntime.start(store, d.definition(), clock(), options, IngestCounters.NONE);
        } catch (PortraitException e) {
            throw explain(e, d);
        }
    }

    /** The store's and runtime's refusals that a user can fix, reworded to say how. */
    PortraitException explain(PortraitException e, Definition d) {
        return switch (e.code()) {
            case "store_locked" -> new PortraitException(e.code(), "the data directory " + dir + " is in use by another "
                    + "process (a running `portrait serve` or `portrait demo`?); stop it or use another --data", null, e);
            case "definition_mismatch" -> new PortraitException(e.code(), "the profiles in " + dir + " were built under "
                    + "another definition than " + (d == null ? "this one" : d.source()) + ". To switch definitions run "
                    + "`portrait rebuild --data " + dir + (d != null && d.explicit() ? " --definition " + d.source() : "")
                    + "`; to keep the old one, leave out --definition. (" + e.getMessage() + ")", null, e);
            default -> e;
        };
    }
}
