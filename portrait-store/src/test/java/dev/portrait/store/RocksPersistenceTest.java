package dev.portrait.store;

import dev.portrait.core.identity.Identifier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.portrait.store.TestEvents.T0;
import static dev.portrait.store.TestEvents.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Everything a RocksDB store holds is there again after close and reopen. */
class RocksPersistenceTest {
    @TempDir
    Path dir;

    private PortraitStore open() {
        return PortraitStore.open(dir, StoreOptions.defaults());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theLogItsPositionAndTheDedupIndexSurviveAReopen() {
        try (PortraitStore s = open()) {
            s.events().appendIfNew(List.of(record("m1", "u1", T0), record("m2", "u2", T0)));
        }
        try (PortraitStore s = open()) {
            assertThat(s.events().lastSequence()).isEqualTo(2);
            assertThat(s.events().read(1, 10)).extracting(e -> e.decode().messageId()).containsExactly("m1", "m2");
            assertThat(s.events().appendIfNew(List.of(record("m2", "u2", T0 + 1), record("m3", "u3", T0 + 1))))
                    .containsExactly(EventLog.DUPLICATE, 3);
        }
    }

    @Test
    void aWriteBackCarriesTheIdentitiesTakenAtItsPositionNotThoseChangedWhileItCommits() {
        Identifier before = new Identifier("user_id", "u1");
        Identifier after = new Identifier("user_id", "u2");
        try (PortraitStore s = open()) {
            s.events().append(List.of(record("m1", "u1", T0), record("m2", "u2", T0)));
            s.identities().createProfile("p1", T0);
            s.identities().attach("p1", before, T0);
            WriteBack wb = s.writeBack().putProfile("p1", utf8("after m1")).takeIdentities();
            s.identities().attach("p1", after, T0 + 1); // folding m2 goes on while the write-back commits
            wb.commit(1);
            assertThat(s.identities().profileOf(after)).hasValue("p1"); // still readable, from the overlay
        }
        try (PortraitStore s = open()) {
            assertThat(s.profiles().appliedSequence()).isEqualTo(1);
            assertThat(s.identities().profileOf(before)).hasValue("p1");
            assertThat(s.identities().profileOf(after)).isEmpty(); // the replay from position 1 attaches it again
        }
    }

    @Test
    void profilesTheAppliedPositionChangesMergesAndQuarantineSurviveAReopen() {
        long qid;
        try (PortraitStore s = open()) {
            s.events().append(List.of(record("m1", "u1", T0)));
            s.writeBack().putProfile("p1", utf8("profile one"))
                    .appendChanges("p1", List.of(new ChangeRecord(1, T0, "traits.plan", null, utf8("\"pro\""), "m1")))
                    .appendMerge("p1", utf8("merge")).commit(1);
            qid = s.quarantine().add(utf8("{bad"), "malformed_json", "not JSON", "$", T0);
        }
        try (PortraitStore s = open()) {
            assertThat(s.profiles().get("p1")).isEqualTo(utf8("profile one"));
            assertThat(s.profiles().appliedSequence()).isEqualTo(1);
            assertThat(s.changelog().list("p1", null, 10).items()).extracting(ChangeRecord::newJson).containsExactly("\"pro\"");
            assertThat(s.merges().list("p1")).containsExactly(utf8("merge"));
            assertThat(s.quarantine().list(null, 10).items()).extracting(QuarantinedEvent::id).containsExactly(qid);
            assertThat(s.quarantine().countByCode()).isEqualTo(Map.of("malformed_json", 1L));
        }
    }

    @Test
    void countersContinueAfterAReopenSoNothingIsOverwritten() {
        long first;
        try (PortraitStore s = open()) {
            first = s.quarantine().add(utf8("a"), "c", "m", null, T0);
            s.changelog().append("p1", List.of(new ChangeRecord(1, T0, "f", null, utf8("1"), "m1")));
            s.merges().append("p1", utf8("one"));
        }
        try (PortraitStore s = open()) {
            assertThat(s.quarantine().add(utf8("b"), "c", "m", null, T0)).isGreaterThan(first);
            s.changelog().append("p1", List.of(new ChangeRecord(2, T0, "f", utf8("1"), utf8("2"), "m2")));
            s.merges().append("p1", utf8("two"));
            assertThat(s.quarantine().count()).isEqualTo(2);
            assertThat(s.changelog().list("p1", null, 10).items()).extracting(ChangeRecord::sequence).containsExactly(2L, 1L);
            assertThat(s.merges().list("p1")).containsExactly(utf8("one"), utf8("two"));
        }
    }

    @Test
    void forgettingIsDurable() {
        try (PortraitStore s = open()) {
            s.events().append(List.of(record("m1", "ada", T0), record("m2", "bob", T0)));
            s.forgetSubjects(List.of(EventRecord.userSubject("ada")));
        }
        try (PortraitStore s = open()) {
            assertThat(s.events().read(1, 10)).extracting(LogEntry::forgotten).containsExactly(true, false);
        }
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() {
        try (PortraitStore s = open()) {
            assertThatThrownBy(this::open).isInstanceOfSatisfying(StoreException.class,
                    e -> assertThat(e.code()).isEqualTo("store_locked"));
            assertThat(s.events().lastSequence()).as("the first store still works").isZero();
        }
    }

    @Test
    void aDatabaseWhoseKeysetsAreMissingIsRefusedRatherThanGivenNewKeys() throws Exception {
        try (PortraitStore s = open()) {
            s.events().append(List.of(record("m1", "u1", T0)));
        }
        Path keysets = dir.resolve("keysets");
        try (var files = Files.list(keysets)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(keysets);

        assertThatThrownBy(this::open).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo("store_format")).hasMessageContaining("no keysets/");
    }

    @Test
    void aClosedStoreSaysSo() {
        PortraitStore s = open();
        s.close();
        s.close();

        assertThatThrownBy(() -> s.events().read(1, 1)).isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.code()).isEqualTo("store_closed"));
    }
}
