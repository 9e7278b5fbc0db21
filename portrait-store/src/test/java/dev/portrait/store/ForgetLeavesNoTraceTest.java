package dev.portrait.store;

import dev.portrait.core.identity.Identifier;
import dev.portrait.core.profile.Profile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.portrait.store.TwoPeople.ADA_ANON_1;
import static dev.portrait.store.TwoPeople.ADA_ANON_2;
import static dev.portrait.store.TwoPeople.ADA_EMAIL;
import static dev.portrait.store.TwoPeople.ADA_NAME;
import static dev.portrait.store.TwoPeople.ADA_USER;
import static dev.portrait.store.TwoPeople.BOB_EMAIL;
import static dev.portrait.store.TwoPeople.BOB_USER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN invariant 7 on disk: after a person is forgotten and the store compacted, no byte sequence of
 * any file under the data directory spells their e-mail, user id or anonymous ids (case-sensitive UTF-8).
 * The scan is shown to work by the controls: it finds a string planted in clear in a file, and it finds
 * values the store keeps in clear on purpose (message ids) in RocksDB's own files.
 */
class ForgetLeavesNoTraceTest {
    private static final List<String> ADA = List.of(ADA_EMAIL, ADA_USER, ADA_ANON_1, ADA_ANON_2, ADA_NAME);

    @TempDir
    Path dir;

    /** Every file under {@code root} whose bytes contain {@code text} as UTF-8. */
    static List<Path> filesContaining(Path root, String text) throws IOException {
        return filesContaining(root, text.getBytes(StandardCharsets.UTF_8));
    }

    static List<Path> filesContaining(Path root, byte[] needle) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (StoredQuarantine.indexOf(Files.readAllBytes(f), needle) >= 0) {
                    found.add(root.relativize(f));
                }
            }
        }
        return found;
    }

    /** The stored (wrapped) form of an owner's data key, read from the keys table. */
    private static byte[] wrappedKey(PortraitStore store, byte kind, String owner) {
        EmbeddedStore s = (EmbeddedStore) store;
        byte[] id = s.tables.get(Table.KEYS, s.keyring.ownerKey(kind, owner));
        assertThat(id).as("key id of %s", owner.substring(0, 4)).isNotNull();
        byte[] wrapped = s.tables.get(Table.KEYS, KeyLayout.key((byte) 'k', id));
        assertThat(wrapped).isNotNull();
        return wrapped;
    }

    @Test
    void theScannerFindsAStringPlantedInClearAnywhereInAFile() throws IOException {
        Path nested = Files.createDirectories(dir.resolve("db/deeper"));
        byte[] padding = new byte[70_001];
        new java.util.SplittableRandom(3).nextBytes(padding);
        byte[] email = ADA_EMAIL.getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[padding.length + email.length + 5];
        System.arraycopy(padding, 0, file, 0, padding.length);
        System.arraycopy(email, 0, file, padding.length, email.length);
        Files.write(nested.resolve("000042.sst"), file);

        assertThat(filesContaining(dir, ADA_EMAIL)).containsExactly(Path.of("db/deeper/000042.sst"));
        assertThat(filesContaining(dir, ADA_EMAIL.toUpperCase(java.util.Locale.ROOT))).isEmpty();
        assertThat(filesContaining(dir, ADA_USER)).isEmpty();
    }

    @Test
    void aForgottenPersonCannotBeFoundInAnyFileOfTheDataDirectory() throws IOException {
        Path data = dir.resolve("data");
        String adaProfile;
        String bobProfile;
        List<byte[]> adaKeys;
        byte[] bobKey;
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            TwoPeople people = new TwoPeople(store).live();
            adaProfile = people.ada;
            bobProfile = people.bob;

            // Live, in the write-ahead log only: personal values are encrypted, and message ids are kept only
            // as keyed hashes (log format 2). The control that the scan reads the WAL: a profile id, kept
            // in clear as the identity index's value.
            assertThat(filesContaining(data, adaProfile)).as("a profile id the identity index keeps in clear").isNotEmpty();
            assertThat(filesContaining(data, "ada-2")).as("a message id: only its keyed hash is stored").isEmpty();
            for (String s : ADA) {
                assertThat(filesContaining(data, s)).as("%s before forgetting, WAL only", s).isEmpty();
            }
            assertThat(filesContaining(data, BOB_EMAIL)).isEmpty();

            // Flushed and compacted into tables: still encrypted, and the scan does read the tables. (Keys in a
            // table are prefix-compressed against their neighbours, so the control is a value kept in clear:
            // the identity index maps an identifier's keyed hash to the profile id.)
            store.compact();
            assertThat(filesContaining(data, adaProfile)).anyMatch(p -> p.toString().endsWith(".sst"));
            for (String s : ADA) {
                assertThat(filesContaining(data, s)).as("%s before forgetting, in tables", s).isEmpty();
            }
            assertThat(people.pipeline.codec.decode(store.profiles().get(adaProfile)).traits().get("email").value())
                    .as("readable through the store before forgetting").isEqualTo(ADA_EMAIL);

            // Crypto-shredding only holds if the wrapped data keys themselves leave the disk.
            adaKeys = List.of(wrappedKey(store, Keyring.SUBJECT, EventRecord.userSubject(ADA_USER)),
                    wrappedKey(store, Keyring.SUBJECT, EventRecord.anonymousSubject(ADA_ANON_1)),
                    wrappedKey(store, Keyring.PROFILE, adaProfile));
            bobKey = wrappedKey(store, Keyring.SUBJECT, EventRecord.userSubject(BOB_USER));
            for (byte[] k : adaKeys) {
                assertThat(filesContaining(data, k)).as("Ada's wrapped key before forgetting")
                        .anyMatch(p -> p.toString().endsWith(".sst"));
            }

            people.forgetAda();
            store.compact();
        }

        for (byte[] k : adaKeys) {
            assertThat(filesContaining(data, k)).as("Ada's wrapped key after forgetting").isEmpty();
        }
        assertThat(filesContaining(data, bobKey)).as("Bob's wrapped key").isNotEmpty();

        for (String s : ADA) {
            assertThat(filesContaining(data, s)).as("%s after forgetting", s).isEmpty();
        }

        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults())) {
            MiniPipeline pipeline = new MiniPipeline(store);
            Profile bob = pipeline.codec.decode(store.profiles().get(bobProfile));
            assertThat(bob.traits().get("email").value()).isEqualTo(BOB_EMAIL);
            assertThat(store.identities().profileOf(new Identifier("user_id", BOB_USER))).hasValue(bobProfile);
            assertThat(store.changelog().list(bobProfile, null, 10).items()).isNotEmpty();
            assertThat(store.profiles().get(adaProfile)).isNull();
            assertThat(store.identities().profileOf(new Identifier("email", ADA_EMAIL))).isEmpty();
            List<LogEntry> log = store.events().read(1, 100);
            assertThat(log).filteredOn(e -> !e.forgotten()).extracting(e -> e.decode().userId())
                    .containsOnly(null, BOB_USER);
            assertThat(log).filteredOn(LogEntry::forgotten).hasSize(5);
        }
        // Reopening wrote nothing that brings Ada back either.
        for (String s : ADA) {
            assertThat(filesContaining(data, s)).as("%s after reopening", s).isEmpty();
        }
        System.out.println("files still naming Ada's profile id " + adaProfile + ": " + filesContaining(data, adaProfile));
    }
}
