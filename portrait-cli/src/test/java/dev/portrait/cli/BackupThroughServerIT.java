package dev.portrait.cli;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.event.EventCodec;
import dev.portrait.server.http.HttpApi;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.server.runtime.IngestCounters;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code portrait backup --url} against a server that has the data directory open (started in this JVM:
 * the store, the runtime and the HTTP API a {@code serve} would start), and the refusals around it.
 */
class BackupThroughServerIT {
    private static final String WRITE = "write-key-0123456789abcdefghij";
    private static final String READ = "read-key-0123456789abcdefghijkl";
    private static final String ADMIN = "admin-key-0123456789abcdefghijk";

    @TempDir
    Path tmp;

    @Test
    void aRunningServerMakesTheBackupTheCommandAsksForAndTheDirectoryItHoldsIsNotRestoredOver() throws Exception {
        Path data = tmp.resolve("data");
        Path backup = tmp.resolve("backup");
        PortraitStore store = PortraitStore.open(data, StoreOptions.defaults());
        EmbeddedRuntime runtime = EmbeddedRuntime.start(store, DefinitionLoader.defaultEcommerce(), Clock.systemUTC(),
                RuntimeOptions.defaults(), IngestCounters.NONE);
        HttpApi api = HttpApi.start(new HttpConfig("127.0.0.1", 0, new HttpConfig.ApiKeys(Set.of(WRITE), Set.of(READ),
                Set.of(ADMIN)), HttpConfig.Limits.DEFAULT), runtime, runtime, runtime,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        String url = "http://127.0.0.1:" + api.port();
        try {
            List<IncomingEvent> events = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                byte[] raw = ("{\"type\":\"page\",\"name\":\"Home\",\"messageId\":\"m-" + i + "\",\"userId\":\"u-" + i
                        + "\",\"timestamp\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
                events.add(new IncomingEvent(EventCodec.parseRaw(raw), raw, Instant.now(), i));
            }
            assertThat(runtime.ingest(events)).allMatch(o -> o instanceof IngestOutcome.Stored);

            Cli.Run local = Cli.run("backup", "--data", data.toString(), "--to", backup.toString());
            assertThat(local.exit()).isEqualTo(1);
            assertThat(local.err()).contains("is open in a running server").contains("--url");

            HttpResponse<String> readKey = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url
                            + "/v1/backups")).header("Authorization", "Bearer " + READ)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"" + backup + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(readKey.statusCode()).as("a read key may not back up").isEqualTo(403);
            HttpResponse<String> relative = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url
                            + "/v1/backups")).header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"relative/dir\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(relative.statusCode()).isEqualTo(400);
            assertThat(relative.body()).contains("absolute path");

            Cli.Run remote = Cli.run("backup", "--url", url, "--admin-key", ADMIN, "--to", backup.toString());
            assertThat(remote.exit()).as(remote.toString()).isZero();
            assertThat(remote.out()).contains("backed up into " + backup).contains("50 log positions");
            assertThat(backup.resolve("BACKUP")).exists();

            Cli.Run again = Cli.run("backup", "--url", url, "--admin-key", ADMIN, "--to", backup.toString());
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("409").contains("exists and is not empty");

            Cli.Run inUse = Cli.run("restore", "--from", backup.toString(), "--data", data.toString(), "--force");
            assertThat(inUse.exit()).isEqualTo(2);
            assertThat(inUse.err()).contains("is in use");
        } finally {
            api.close();
            runtime.close();
            store.close();
        }
        Path restored = tmp.resolve("restored");
        Cli.Run r = Cli.run("restore", "--from", backup.toString(), "--data", restored.toString(),
                "--journal", data.resolve("forget-journal").toString());
        // no forget was made, so the data directory has no journal to give
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("is not a file");
        Cli.Run plain = Cli.run("restore", "--from", backup.toString(), "--data", restored.toString());
        assertThat(plain.exit()).as(plain.toString()).isZero();
        try (PortraitStore back = PortraitStore.open(restored, StoreOptions.defaults())) {
            assertThat(back.events().lastSequence()).isEqualTo(50);
        }
    }
}
