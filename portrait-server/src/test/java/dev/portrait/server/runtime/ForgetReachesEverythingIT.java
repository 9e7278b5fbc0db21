package dev.portrait.server.runtime;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.EventCodec;
import dev.portrait.server.port.ForgetStatus;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.runtime.admin.AuditLog;
import dev.portrait.store.LogEntry;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN invariant 7 through the embedded runtime, over RocksDB: after a forget and the compaction it
 * schedules, no file of the data directory holds the person's profile id or any of their identifiers
 * (user ids — including one the profile refused —, anonymous id, e-mail in any case, device id,
 * message ids), the log holds none of their events readable, the quarantine none of their events, a
 * rebuild does not bring them back, and their next events are held back as {@code suppressed} until an
 * admin lifts it. The control: before the forget, the same scan finds the profile id in the files.
 */
class ForgetReachesEverythingIT {
    private static final ProfileDefinition DEFINITION = DefinitionLoader.defaultEcommerce();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final RuntimeOptions OPTIONS = RuntimeOptions.defaults();

    private static final String ADA_USER = "ada-user-8f3k";
    /** Past the anonymous_id cap of 50 new values a day: never attached, yet its event is Ada's. */
    private static final String ADA_REFUSED_ANON = "anon-ada-extra-49";
    private static final String ADA_ANON = "anon-ada-77xw";
    /** Sent in mixed case; the cleaner keeps e-mails lower-cased, so the API finds it by that form. */
    private static final String ADA_EMAIL = "Ada.Lovelace-93@Example.com";
    private static final String ADA_DEVICE = "device-ada-5tt1";
    private static final String ADA_MESSAGE = "msg-ada-first-0001";
    private static final List<String> ADA = List.of(ADA_USER, ADA_REFUSED_ANON, ADA_ANON, ADA_EMAIL,
            ADA_EMAIL.toLowerCase(Locale.ROOT), ADA_DEVICE, ADA_MESSAGE);
    private static final String BOB_USER = "bob-user-4r4r";

    @TempDir
    Path dir;

    private static IncomingEvent event(String json) {
        byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        return new IncomingEvent(EventCodec.parseRaw(raw), raw, NOW, 0);
    }

    private static String page(String messageId, String userId, String anonymousId, String minute) {
        return "{\"type\":\"page\",\"name\":\"Home\",\"messageId\":\"" + messageId + "\""
                + (userId == null ? "" : ",\"userId\":\"" + userId + "\"")
                + (anonymousId == null ? "" : ",\"anonymousId\":\"" + anonymousId + "\"")
                + ",\"timestamp\":\"2026-03-01T11:" + minute + ":00Z\"}";
    }

    private static List<IngestOutcome> ingest(EmbeddedRuntime runtime, String... json) {
        List<IncomingEvent> events = new ArrayList<>();
        for (String j : json) {
            events.add(event(j));
        }
        List<IngestOutcome> outcomes = runtime.ingest(events);
        long last = outcomes.stream().filter(o -> o instanceof IngestOutcome.Stored).mapToLong(o ->
                ((IngestOutcome.Stored) o).sequence()).max().orElse(0);
        if (last > 0) {
            runtime.awaitPosition(last);
        }
        return outcomes;
    }

    static List<Path> filesContaining(Path root, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(f);
                outer:
                for (int i = 0; i <= bytes.length - needle.length; i++) {
                    for (int j = 0; j < needle.length; j++) {
                        if (bytes[i + j] != needle[j]) {
                            continue outer;
                        }
                    }
                    found.add(root.relativize(f));
                    break;
                }
            }
        }
        return found;
    }

    private static ForgetStatus awaitDone(EmbeddedRuntime runtime, String forgetId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        ForgetStatus s = runtime.forgetStatus(forgetId).orElseThrow();
        while (!s.done() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            s = runtime.forgetStatus(forgetId).orElseThrow();
        }
        return s;
    }

    @Test
    void aForgottenPersonLeavesNoIdentifierNorProfileIdInAnyFileAndDoesNotComeBack() throws Exception {
        Path data = dir.resolve("data");
        String adaProfile;
        String bobProfile;
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            EmbeddedRuntime runtime = EmbeddedRuntime.start(store, DEFINITION, CLOCK, OPTIONS, IngestCounters.NONE);
            String[] extra = new String[50];
            for (int i = 0; i < extra.length; i++) {
                extra[i] = "{\"type\":\"identify\",\"messageId\":\"msg-ada-extra-" + i + "\",\"anonymousId\":"
                        + "\"anon-ada-extra-" + i + "\",\"traits\":{\"email\":\"" + ADA_EMAIL + "\"},"
                        + "\"timestamp\":\"2026-03-01T11:06:00Z\"}";
            }
            List<IngestOutcome> first = ingest(runtime,
                    page(ADA_MESSAGE, null, ADA_ANON, "01"),
                    "{\"type\":\"identify\",\"messageId\":\"msg-ada-2\",\"userId\":\"" + ADA_USER + "\",\"anonymousId\":\""
                            + ADA_ANON + "\",\"traits\":{\"email\":\"" + ADA_EMAIL + "\"},\"context\":{\"device\":{\"id\":\""
                            + ADA_DEVICE + "\"}},\"timestamp\":\"2026-03-01T11:02:00Z\"}",
                    page("msg-bob-1", BOB_USER, "anon-bob-1", "04"));
            assertThat(first).allMatch(o -> o instanceof IngestOutcome.Stored);
            assertThat(ingest(runtime, extra)).allMatch(o -> o instanceof IngestOutcome.Stored);
            // a quarantined event that names Ada's e-mail in another case
            List<IngestOutcome> bad = ingest(runtime, "{\"type\":\"identify\",\"messageId\":\"msg-ada-bad\",\"traits\":"
                    + "{\"email\":\"" + ADA_EMAIL.toUpperCase(Locale.ROOT) + "\"},\"timestamp\":\"2026-03-01T11:05:00Z\"}");
            assertThat(bad.get(0)).isInstanceOf(IngestOutcome.Quarantined.class);
            adaProfile = runtime.profile("email", ADA_EMAIL.toLowerCase(Locale.ROOT), null).orElseThrow().profileId();
            bobProfile = runtime.profile("user_id", BOB_USER, null).orElseThrow().profileId();
            assertThat(runtime.profile("anonymous_id", ADA_ANON, null).orElseThrow().profileId()).isEqualTo(adaProfile);
            assertThat(runtime.profile("device_id", ADA_DEVICE, null).orElseThrow().profileId()).isEqualTo(adaProfile);
            assertThat(runtime.profile("anonymous_id", "anon-ada-extra-48", null).orElseThrow().profileId()).isEqualTo(adaProfile);
            assertThat(runtime.profile("anonymous_id", ADA_REFUSED_ANON, null)).as("refused by the cap").isEmpty();

            runtime.flush(); // write the profiles back, so the control finds an id in the files
            runtime.compact();
            assertThat(filesContaining(data, adaProfile)).as("control: the profile id before the forget").isNotEmpty();

            long t0 = System.nanoTime();
            ForgetStatus started = runtime.startForget("email", ADA_EMAIL.toLowerCase(Locale.ROOT), "key:test0001");
            assertThat(started).isNotNull();
            assertThat(started.dataKeys()).as("profile key + user subject + 51 anonymous subjects (one never attached)")
                    .isEqualTo(53);
            assertThat(started.quarantined()).isEqualTo(1);
            ForgetStatus done = awaitDone(runtime, started.id());
            assertThat(done.done()).as("compacted within a minute").isTrue();
            System.out.printf("forget of a 52-event person: durable and compacted %d ms after the request%n",
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(store.forgetsCompacted()).isEqualTo(store.forgets());
            assertThat(runtime.profile("user_id", ADA_USER, null)).isEmpty();
            assertThat(runtime.profile("device_id", ADA_DEVICE, null)).isEmpty();

            List<String> audit = runtime.audit().recent().stream().map(AuditLog.Entry::toString).toList();
            assertThat(audit).anyMatch(l -> l.contains("action=forget ") && l.contains("actor=key:test0001"))
                    .anyMatch(l -> l.contains("action=forget_done"));
            for (String s : ADA) {
                assertThat(audit).as("the audit log names no identifier").noneMatch(l -> l.contains(s));
            }
            assertThat(audit).noneMatch(l -> l.contains(adaProfile));
            runtime.close();
        }

        for (String s : ADA) {
            assertThat(filesContaining(data, s)).as("%s after the forget", s).isEmpty();
        }
        List<Path> manifests = filesContaining(data, adaProfile);
        assertThat(manifests).as("Ada's profile id after the forget: at most as an old file boundary in the manifest")
                .allMatch(p -> p.getFileName().toString().startsWith("MANIFEST-"));

        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            // opening writes a new manifest from the live files and deletes the old one
            assertThat(filesContaining(data, adaProfile)).as("Ada's profile id once the store was reopened").isEmpty();
            assertThat(filesContaining(data, bobProfile)).as("Bob's profile id: the scan still sees ids").isNotEmpty();
            List<LogEntry> log = store.events().read(1, 100);
            assertThat(log).filteredOn(LogEntry::forgotten).as("all 52 of Ada's events, the refused anonymous id's too")
                    .hasSize(52);
            assertThat(log).filteredOn(e -> !e.forgotten()).extracting(e -> e.decode().userId()).containsExactly(BOB_USER);
            assertThat(store.quarantine().list(null, 10).items()).isEmpty();

            // a rebuild replays the log: Ada stays gone, Bob comes back
            store.clearDerivedState();
            EmbeddedRuntime rebuilt = EmbeddedRuntime.start(store, DEFINITION, CLOCK, OPTIONS, IngestCounters.NONE);
            assertThat(rebuilt.profile("user_id", BOB_USER, null)).isPresent();
            assertThat(rebuilt.profile("anonymous_id", ADA_ANON, null)).isEmpty();
            assertThat(rebuilt.profile("email", ADA_EMAIL.toLowerCase(Locale.ROOT), null)).isEmpty();

            // her next events are held back, whatever the case of her e-mail
            List<IngestOutcome> later = ingest(rebuilt, page("msg-ada-later", ADA_USER, null, "10"),
                    "{\"type\":\"identify\",\"messageId\":\"msg-ada-later-2\",\"anonymousId\":\"someone-new\",\"traits\":"
                            + "{\"email\":\" " + ADA_EMAIL.toUpperCase(Locale.ROOT) + "\"},\"timestamp\":\"2026-03-01T11:11:00Z\"}",
                    page("msg-bob-2", BOB_USER, null, "12"));
            assertThat(later.get(0)).isInstanceOfSatisfying(IngestOutcome.Quarantined.class,
                    q -> assertThat(q.code()).isEqualTo("suppressed"));
            assertThat(later.get(1)).isInstanceOfSatisfying(IngestOutcome.Quarantined.class,
                    q -> assertThat(q.code()).isEqualTo("suppressed"));
            assertThat(later.get(2)).isInstanceOf(IngestOutcome.Stored.class);
            assertThat(rebuilt.profile("user_id", ADA_USER, null)).isEmpty();

            // an admin lifts the suppression of her user id: her events are taken again
            assertThat(rebuilt.liftSuppression("user_id", ADA_USER, "key:test0001")).isTrue();
            assertThat(rebuilt.liftSuppression("user_id", ADA_USER, "key:test0001")).as("already lifted").isFalse();
            assertThat(ingest(rebuilt, page("msg-ada-back", ADA_USER, null, "13")).get(0))
                    .isInstanceOf(IngestOutcome.Stored.class);
            assertThat(rebuilt.profile("user_id", ADA_USER, null)).isPresent();
            rebuilt.close();
        }
    }
}
