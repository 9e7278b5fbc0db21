package dev.portrait.store;

import dev.portrait.core.identity.Identifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static dev.portrait.store.ForgetLeavesNoTraceTest.filesContaining;
import static dev.portrait.store.TwoPeople.ADA_ANON_1;
import static dev.portrait.store.TwoPeople.ADA_ANON_2;
import static dev.portrait.store.TwoPeople.ADA_EMAIL;
import static dev.portrait.store.TwoPeople.ADA_NAME;
import static dev.portrait.store.TwoPeople.ADA_USER;
import static dev.portrait.store.TwoPeople.BOB_EMAIL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Backups of a RocksDB store, restoring them, and the forget journal that keeps restored backups from bringing people back. */
class BackupRestoreTest {
    private static final List<String> ADA = List.of(ADA_EMAIL, ADA_USER, ADA_ANON_1, ADA_ANON_2, ADA_NAME);

    @TempDir
    Path root;

    private static List<Identifier> adaIdentifiers() {
        return List.of(new Identifier("email", ADA_EMAIL), new Identifier("user_id", ADA_USER),
                new Identifier("anonymous_id", ADA_ANON_1), new Identifier("anonymous_id", ADA_ANON_2));
    }

    private static ForgetReport forgetAda(PortraitStore store, TwoPeople people, long now) {
        return store.forgetProfile(people.ada, people.pipeline.subjectsOf(people.ada), adaIdentifiers(), now);
    }

    private static byte[] wrappedKey(PortraitStore store, byte kind, String owner) {
        EmbeddedStore s = (EmbeddedStore) store;
        byte[] id = s.tables.get(Table.KEYS, s.keyring.ownerKey(kind, owner));
        return id == null ? null : s.tables.get(Table.KEYS, KeyLayout.key((byte) 'k', id));
    }

    @Test
    void aBackupRestoredHoldsEverythingTheStoreHeldWhenItWasTaken() {
        Path data = root.resolve("data");
        Path backup = root.resolve("backup");
        String ada;
        List<LogEntry> logBefore;
        BackupReport report;
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            TwoPeople people = new TwoPeople(store).live();
            ada = people.ada;
            logBefore = store.events().read(1, 100);
            report = store.backup(backup, 1_000);
        }
        assertThat(report.forgets()).isZero();
        assertThat(report.logSequence()).isEqualTo(8);
        assertThat(report.files()).isGreaterThan(3);

        Backups.RestoreReport restored = Backups.restore(backup, root.resolve("elsewhere"), null, false,
                StoreOptions.defaults(), null);
        assertThat(restored.reapplied()).isZero();
        try (PortraitStore store = PortraitStore.open(root.resolve("elsewhere"), StoreOptions.defaults())) {
            assertThat(store.identities().profileOf(new Identifier("email", ADA_EMAIL))).hasValue(ada);
            assertThat(store.profiles().get(ada)).isNotNull();
            assertThat(store.events().read(1, 100)).extracting(e -> e.decode().messageId())
                    .containsExactlyElementsOf(logBefore.stream().map(e -> e.decode().messageId()).toList());
            assertThat(store.quarantine().count()).isEqualTo(4);
        }
    }

    @Test
    void aForgetMadeAfterTheBackupIsMadeAgainWhenTheBackupIsRestored() throws IOException {
        Path data = root.resolve("data");
        Path backup = root.resolve("backup");
        String ada;
        String bob;
        byte[] adaSubjectKey;
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            TwoPeople people = new TwoPeople(store).live();
            ada = people.ada;
            bob = people.bob;
            adaSubjectKey = wrappedKey(store, Keyring.SUBJECT, EventRecord.userSubject(ADA_USER));
            store.backup(backup, 1_000);
            assertThat(forgetAda(store, people, 2_000).profile()).isTrue();
        }
        // controls: the backup still holds Ada, by her profile id and her wrapped data key
        assertThat(adaSubjectKey).isNotNull();
        assertThat(filesContaining(backup, ada)).isNotEmpty();
        assertThat(filesContaining(backup, adaSubjectKey)).isNotEmpty();
        assertThat(Files.exists(backup.resolve(ForgetJournal.FILE))).as("the journal is never in a backup").isFalse();

        Path journal = data.resolve(ForgetJournal.FILE);
        String journalText = Files.readString(journal, StandardCharsets.US_ASCII);
        assertThat(journalText.lines()).hasSize(1);
        for (String value : ADA) {
            assertThat(journalText).doesNotContain(value);
        }
        assertThat(journalText).doesNotContain(ada);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(journal))).isEqualTo("rw-------");

        assertThatThrownBy(() -> Backups.restore(backup, data, null, false, StoreOptions.defaults(), null))
                .isInstanceOf(StoreException.class).hasMessageContaining("not empty").hasMessageContaining("--force");
        Backups.RestoreReport report = Backups.restore(backup, data, null, true, StoreOptions.defaults(), null);
        assertThat(report.backupForgets()).isZero();
        assertThat(report.journalEntries()).isEqualTo(1);
        assertThat(report.reapplied()).isEqualTo(1);
        assertThat(report.profilesForgotten()).isEqualTo(1);
        assertThat(Files.readString(journal, StandardCharsets.US_ASCII)).as("the journal survives the restore")
                .isEqualTo(journalText);

        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            assertThat(store.profiles().get(ada)).isNull();
            for (Identifier id : adaIdentifiers()) {
                assertThat(store.identities().profileOf(id)).as("%s", id.type()).isEmpty();
                assertThat(store.suppressions().suppressed(id)).as("%s", id.type()).isTrue();
            }
            List<LogEntry> log = store.events().read(1, 100);
            assertThat(log).hasSize(8);
            assertThat(log).filteredOn(e -> !e.forgotten()).extracting(e -> e.decode().messageId())
                    .containsExactly("bob-1", "bob-2", "bob-3");
            assertThat(store.quarantine().count()).isEqualTo(2);
            assertThat(store.identities().profileOf(new Identifier("email", BOB_EMAIL))).hasValue(bob);
            assertThat(store.profiles().get(bob)).isNotNull();
            assertThat(store.forgets()).isEqualTo(1);
        }
        // reopened once more, so the MANIFEST is rewritten from the live files (see PRIVACY.md's one residue)
        PortraitStore.open(data, StoreOptions.defaults()).close();
        List<String> found = new ArrayList<>();
        for (String value : ADA) {
            filesContaining(data, value).forEach(f -> found.add(value.substring(0, 4) + " in " + f));
        }
        filesContaining(data, ada).forEach(f -> found.add("profile id in " + f));
        filesContaining(data, adaSubjectKey).forEach(f -> found.add("subject key in " + f));
        assertThat(found).isEmpty();
    }

    @Test
    void forgetsTheBackupAlreadyHoldsAreNotMadeAgain() {
        Path data = root.resolve("data");
        Path backup = root.resolve("backup");
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            TwoPeople people = new TwoPeople(store).live();
            forgetAda(store, people, 2_000);
            store.suppressions().lift(new Identifier("email", ADA_EMAIL));
            store.backup(backup, 3_000);
        }
        Backups.RestoreReport report = Backups.restore(backup, data, null, true, StoreOptions.defaults(), null);
        assertThat(report.backupForgets()).isEqualTo(1);
        assertThat(report.reapplied()).isZero();
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            assertThat(store.suppressions().suppressed(new Identifier("email", ADA_EMAIL)))
                    .as("a lift made before the backup stands").isFalse();
        }
    }

    @Test
    void aJournalGivenByFileIsReappliedAndKeptInTheRestoredDirectory() throws IOException {
        Path data = root.resolve("data");
        Path backup = root.resolve("backup");
        String ada;
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            TwoPeople people = new TwoPeople(store).live();
            ada = people.ada;
            store.backup(backup, 1_000);
            forgetAda(store, people, 2_000);
        }
        Path fresh = root.resolve("fresh");
        Backups.RestoreReport report = Backups.restore(backup, fresh, data.resolve(ForgetJournal.FILE), false,
                StoreOptions.defaults(), null);
        assertThat(report.reapplied()).isEqualTo(1);
        assertThat(Files.readAllBytes(fresh.resolve(ForgetJournal.FILE)))
                .isEqualTo(Files.readAllBytes(data.resolve(ForgetJournal.FILE)));
        try (PortraitStore store = PortraitStore.open(fresh, StoreOptions.defaults())) {
            assertThat(store.profiles().get(ada)).isNull();
        }
    }

    @Test
    void aBackupIntoADirectoryThatIsNotEmptyIsRefused() throws IOException {
        Path backup = Files.createDirectories(root.resolve("backup"));
        Files.writeString(backup.resolve("something"), "x");
        try (PortraitStore store = PortraitStore.open(root.resolve("data"), StoreOptions.defaults())) {
            assertThatThrownBy(() -> store.backup(backup, 1_000)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("exists and is not empty")
                    .extracting(e -> ((StoreException) e).code()).isEqualTo("backup_target");
        }
    }

    @Test
    void aRestoreIntoADirectoryInUseIsRefusedEvenWithForce() {
        Path data = root.resolve("data");
        Path backup = root.resolve("backup");
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            store.backup(backup, 1_000);
            assertThatThrownBy(() -> Backups.restore(backup, data, null, true, StoreOptions.defaults(), null))
                    .isInstanceOf(StoreException.class).hasMessageContaining("in use");
            assertThat(store.events().read(1, 1)).isEmpty(); // still open and whole
        }
    }

    @Test
    void aDirectoryThatIsNotABackupIsNotRestored() throws IOException {
        Path notBackup = Files.createDirectories(root.resolve("nothing"));
        assertThatThrownBy(() -> Backups.restore(notBackup, root.resolve("data"), null, false, StoreOptions.defaults(),
                null)).isInstanceOf(StoreException.class).hasMessageContaining("is not a Portrait backup");
    }

    @Test
    void anInMemoryStoreHasNothingToBackUp() {
        try (PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults())) {
            assertThatThrownBy(() -> store.backup(root.resolve("b"), 1)).isInstanceOf(StoreException.class)
                    .extracting(e -> ((StoreException) e).code()).isEqualTo("not_supported");
        }
    }
}
