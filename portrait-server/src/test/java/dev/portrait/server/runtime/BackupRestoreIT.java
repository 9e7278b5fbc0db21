package dev.portrait.server.runtime;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.EventCodec;
import dev.portrait.server.port.BackupCopy;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.store.Backups;
import dev.portrait.store.LogEntry;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static dev.portrait.server.runtime.ForgetReachesEverythingIT.filesContaining;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backups through the embedded runtime over RocksDB: taken while a writer keeps ingesting, a backup holds
 * every event acknowledged before it was asked for; restored after a later forget, it does not bring the
 * forgotten person back (the forget journal is re-applied), by the API and by a byte scan of the files.
 */
class BackupRestoreIT {
    private static final ProfileDefinition DEFINITION = DefinitionLoader.defaultEcommerce();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String ADA_USER = "ada-user-b4ck";
    private static final String ADA_EMAIL = "ada.backup-71@example.com";
    private static final String ADA_ANON = "anon-ada-b4ck-9z";

    @TempDir
    Path dir;

    private static IncomingEvent event(String json) {
        byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        return new IncomingEvent(EventCodec.parseRaw(raw), raw, NOW, 0);
    }

    private static String page(String messageId, String userId) {
        return "{\"type\":\"page\",\"name\":\"Home\",\"messageId\":\"" + messageId + "\",\"userId\":\"" + userId
                + "\",\"timestamp\":\"2026-03-01T11:01:00Z\"}";
    }

    private static String identifyAda(String messageId) {
        return "{\"type\":\"identify\",\"messageId\":\"" + messageId + "\",\"userId\":\"" + ADA_USER
                + "\",\"anonymousId\":\"" + ADA_ANON + "\",\"traits\":{\"email\":\"" + ADA_EMAIL + "\"},"
                + "\"timestamp\":\"2026-03-01T11:02:00Z\"}";
    }

    @Test
    void aBackupUnderIngestHoldsEveryAcknowledgedEventAndARestoreAfterAForgetKeepsThePersonForgotten() throws Exception {
        Path data = dir.resolve("data");
        Path backup = dir.resolve("backup");
        Set<String> acknowledgedBefore;
        String adaProfile;
        BackupCopy copy;
        int acknowledgedInAll;
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            EmbeddedRuntime runtime = EmbeddedRuntime.start(store, DEFINITION, CLOCK, RuntimeOptions.defaults(),
                    IngestCounters.NONE);
            List<IngestOutcome> ada = runtime.ingest(List.of(event(identifyAda("msg-ada-1"))));
            assertThat(ada.get(0)).isInstanceOf(IngestOutcome.Stored.class);
            runtime.awaitPosition(((IngestOutcome.Stored) ada.get(0)).sequence());
            adaProfile = runtime.profile("email", ADA_EMAIL, null).orElseThrow().profileId();

            ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; !stop.get(); i++) {
                        String id = "msg-w-" + i;
                        List<IngestOutcome> o = runtime.ingest(List.of(event(page(id, "u-" + (i % 97)))));
                        if (o.get(0) instanceof IngestOutcome.Stored) {
                            acknowledged.add(id);
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "backup-it-writer");
            writer.start();
            while (acknowledged.size() < 300 && failure.get() == null) {
                Thread.sleep(5);
            }
            acknowledgedBefore = new HashSet<>(acknowledged);
            copy = runtime.backup(backup, "key:test0001");
            int atBackup = acknowledged.size();
            while (acknowledged.size() < atBackup + 200 && failure.get() == null) {
                Thread.sleep(5);
            }
            stop.set(true);
            writer.join();
            assertThat(failure.get()).isNull();
            acknowledgedInAll = acknowledged.size();
            System.out.printf("backup under ingest: %d events acknowledged before it, %d in all; %d files, %d bytes%n",
                    acknowledgedBefore.size(), acknowledgedInAll, copy.files(), copy.bytes());
            assertThat(copy.forgets()).isZero();
            assertThat(copy.logSequence()).isGreaterThanOrEqualTo(acknowledgedBefore.size() + 1L);

            // after the backup: Ada is forgotten
            assertThat(runtime.startForget("email", ADA_EMAIL, "key:test0001")).isNotNull();
            assertThat(runtime.profile("user_id", ADA_USER, null)).isEmpty();
            runtime.close();
        }
        assertThat(filesContaining(backup, adaProfile)).as("control: the backup holds Ada's profile id").isNotEmpty();

        Backups.RestoreReport report = Backups.restore(backup, data, null, true, StoreOptions.defaults(), null);
        assertThat(report.reapplied()).isEqualTo(1);
        assertThat(report.profilesForgotten()).isEqualTo(1);

        String otherProfile;
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            Set<String> logged = new HashSet<>();
            List<LogEntry> page;
            long from = 1;
            do {
                page = store.events().read(from, 1000);
                for (LogEntry e : page) {
                    if (!e.forgotten()) {
                        logged.add(e.decode().messageId());
                    }
                    from = e.sequence() + 1;
                }
            } while (!page.isEmpty());
            assertThat(logged).as("every event acknowledged before the backup").containsAll(acknowledgedBefore);
            assertThat(logged).doesNotContain("msg-ada-1");

            EmbeddedRuntime restored = EmbeddedRuntime.start(store, DEFINITION, CLOCK, RuntimeOptions.defaults(),
                    IngestCounters.NONE);
            assertThat(restored.profile("email", ADA_EMAIL, null)).isEmpty();
            assertThat(restored.profile("user_id", ADA_USER, null)).isEmpty();
            assertThat(restored.profile("anonymous_id", ADA_ANON, null)).isEmpty();
            otherProfile = restored.profile("user_id", "u-5", null).orElseThrow().profileId();
            List<IngestOutcome> later = restored.ingest(List.of(event(identifyAda("msg-ada-2"))));
            assertThat(later.get(0)).isInstanceOfSatisfying(IngestOutcome.Quarantined.class,
                    q -> assertThat(q.code()).isEqualTo("suppressed"));
            restored.flush();
            restored.close();
        }
        PortraitStore.open(data, StoreOptions.defaults()).close(); // the manifest rewritten from the live files
        List<String> found = new ArrayList<>();
        for (String s : List.of(ADA_USER, ADA_EMAIL, ADA_ANON, "msg-ada-1", adaProfile)) {
            filesContaining(data, s).forEach(f -> found.add(s + " in " + f));
        }
        assertThat(found).as("Ada in the restored data directory").isEmpty();
        assertThat(filesContaining(data, otherProfile)).as("control: the scan finds another person's profile id").isNotEmpty();
    }
}
