package dev.portrait.cli;

import dev.portrait.cli.DataDirectory.Definition;
import dev.portrait.cli.PortraitCli.UsageProblem;
import dev.portrait.core.PortraitException;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.PortraitStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints one profile as JSON (what GET /v1/profiles/ID_TYPE/ID answers). Exit code 1 when there "
                + "is none.",
                "Starts the runtime on the data directory, so it recovers (replays what the last run had not written "
                        + "back) first; a running server holds the directory, so ask it over HTTP instead."})
final class ProfileCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID_TYPE",
            description = "profile_id, user_id, anonymous_id, email, or another identifier type of the definition.")
    String idType;

    @Parameters(index = "1", paramLabel = "ID", description = "The identifier's value.")
    String id;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "The data directory.")
    Path data;

    @Option(names = "--at", paramLabel = "ISO", converter = IsoTime.class,
            description = "The profile as it was at this time (2025-03-01T12:00:00Z, an offset, or a date for its "
                    + "start in UTC); replays the log, so it is slower.")
    Instant at;

    @Override
    public Integer call() {
        DataDirectory dir = DataDirectory.existing(data);
        Definition d = dir.definition(null);
        Optional<ProfileView> found;
        PortraitStore store = dir.openStore();
        try {
            EmbeddedRuntime runtime = dir.startRuntime(store, d, RuntimeOptions.defaults());
            try {
                found = runtime.profile(idType, id, at);
            } catch (PortraitException e) {
                if (e.code().equals("unknown_identifier_type")) {
                    throw new UsageProblem(e.getMessage(), e);
                }
                throw e;
            } finally {
                runtime.close();
            }
        } finally {
            store.close();
        }
        if (found.isEmpty()) {
            spec.commandLine().getErr().println("portrait profile: no profile for " + idType + " \"" + id + "\" in "
                    + data + (at == null ? "" : " at " + at));
            spec.commandLine().getErr().flush();
            return 1;
        }
        spec.commandLine().getOut().println(ProfileJson.pretty(found.get()));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** ISO-8601 instants, date-times with an offset, and plain dates (their start, UTC). */
    static final class IsoTime implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            String v = value.strip();
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException ignored) {
                // try the other forms
            }
            try {
                return OffsetDateTime.parse(v).toInstant();
            } catch (DateTimeParseException ignored) {
                // try the other forms
            }
            try {
                return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new picocli.CommandLine.TypeConversionException("\"" + value + "\" is not an ISO-8601 time "
                        + "(e.g. 2025-03-01T12:00:00Z, 2025-03-01T20:00:00+08:00 or 2025-03-01)");
            }
        }
    }
}
