package dev.portrait.cli;

import dev.portrait.core.PortraitException;
import dev.portrait.core.event.EventCodec;
import dev.portrait.store.BackupReport;
import dev.portrait.store.PortraitStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code portrait backup}: an online, consistent copy of a data directory. A running server holds
 * RocksDB's lock, so only it can cut a checkpoint of what it has open: with {@code --url} the command asks
 * it ({@code POST /v1/backups}); without, it opens the directory itself, which works only while no
 * server has it open (and says how to ask the server when one has).
 */
@Command(name = "backup", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Backs a data directory up while the server runs: a RocksDB checkpoint (hard links on the "
                + "same file system), the keysets as they are (encrypted ones stay encrypted) and the definition. "
                + "The forget journal stays in the data directory: `portrait restore` re-applies from it every "
                + "forget made after the backup.",
                "With a server running on the directory, give --url and --admin-key (or PORTRAIT_URL and "
                        + "PORTRAIT_ADMIN_KEY): the server makes the copy. Otherwise the command opens the "
                        + "directory itself."})
final class BackupCommand implements Callable<Integer> {
    static final String URL_ENV = "PORTRAIT_URL";
    static final String ADMIN_KEY_ENV = "PORTRAIT_ADMIN_KEY";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR",
            description = "The data directory (required unless a server makes the copy).")
    Path data;

    @Option(names = "--to", paramLabel = "DIR", required = true,
            description = "Where the backup goes: a new or empty directory (on the server's machine with --url).")
    Path to;

    @Option(names = "--url", paramLabel = "URL",
            description = "The running server's base URL, e.g. http://localhost:8080 (default: $" + URL_ENV + ").")
    String url;

    @Option(names = "--admin-key", paramLabel = "K",
            description = "An admin key of that server (default: $" + ADMIN_KEY_ENV + "; visible in `ps`: prefer it).")
    String adminKey;

    /** The environment; a field so tests can set it. */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path target = to.toAbsolutePath().normalize();
        String server = url != null ? url : env.get(URL_ENV);
        if (server != null && !server.isBlank()) {
            return viaServer(server, target, out);
        }
        if (data == null) {
            throw new PortraitCli.UsageProblem("give --data DIR (no server running on it), or --url and --admin-key "
                    + "(or $" + URL_ENV + " and $" + ADMIN_KEY_ENV + ") to ask the server that has it open");
        }
        DataDirectory dir = DataDirectory.existing(data);
        PortraitStore store;
        try {
            store = dir.openStore();
        } catch (PortraitException e) {
            if (e.code().equals("store_locked")) {
                throw new PortraitException("store_locked", "the data directory " + data + " is open in a running "
                        + "server, which alone can copy it consistently: give --url URL and --admin-key K (or $"
                        + URL_ENV + " and $" + ADMIN_KEY_ENV + ") so the server makes the backup", null, e);
            }
            throw e;
        }
        BackupReport report;
        try {
            report = store.backup(target, System.currentTimeMillis());
        } finally {
            store.close();
        }
        out.printf(Locale.ROOT, "backed up %s into %s: %,d files, %,d bytes (table files hard-linked where they "
                        + "could be), %,d log positions, %,d forgets; the forget journal stays in %s%n", data,
                report.target(), report.files(), report.bytes(), report.logSequence(), report.forgets(), data);
        out.flush();
        return 0;
    }

    /** A JSON string literal (a path may hold quotes, backslashes or control characters). */
    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private int viaServer(String server, Path target, PrintWriter out) throws IOException, InterruptedException {
        String key = adminKey != null ? adminKey : env.get(ADMIN_KEY_ENV);
        if (key == null || key.isBlank()) {
            throw new PortraitCli.UsageProblem("a server makes the backup: give its admin key with --admin-key K or $"
                    + ADMIN_KEY_ENV);
        }
        URI uri;
        try {
            uri = URI.create(server.replaceAll("/+$", "") + "/v1/backups");
        } catch (IllegalArgumentException e) {
            throw new PortraitCli.UsageProblem("--url " + server + " is not a URL: " + e.getMessage());
        }
        String body = "{\"to\":" + jsonString(target.toString()) + "}";
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (java.net.ConnectException e) {
            throw new PortraitException("unavailable", "no server answers at " + server + " (" + e.getMessage()
                    + "); without a server, back up with --data DIR alone", null, e);
        }
        Map<String, Object> answer;
        try {
            answer = EventCodec.parseRaw(response.body().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new PortraitException("unavailable", "the server at " + server + " answered " + response.statusCode()
                    + " with something that is not Portrait's JSON", null, e);
        }
        if (response.statusCode() != 201) {
            Object error = answer.get("error") instanceof Map<?, ?> m ? m.get("message") : answer;
            throw new PortraitException("backup_failed", "the server at " + server + " answered "
                    + response.statusCode() + ": " + error, null);
        }
        out.printf(Locale.ROOT, "the server at %s backed up into %s at %s: %s files, %s bytes, %s log positions, "
                        + "%s forgets; the forget journal stays in its data directory%n", server, answer.get("to"),
                Instant.parse(String.valueOf(answer.get("takenAt"))), answer.get("files"), answer.get("bytes"),
                answer.get("logSequence"), answer.get("forgets"));
        out.flush();
        return 0;
    }
}
