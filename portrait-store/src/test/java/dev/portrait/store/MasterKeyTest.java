package dev.portrait.store;

import dev.portrait.core.identity.Identifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The keysets are encrypted under a master key kept outside the data directory, and private to the owner. */
class MasterKeyTest {
    private static final Identifier ADA = new Identifier("user_id", "ada");

    @TempDir
    Path dir;

    private static List<String> keysetFiles(Path data) throws IOException {
        try (Stream<Path> files = Files.list(data.resolve(MasterKeys.DIR))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void keysetsAreEncryptedUnderTheMasterKeyAndOpenOnlyWithIt() throws IOException {
        Path data = dir.resolve("data");
        MasterKey key = MasterKey.parse(MasterKey.generate(), "test");
        String id;
        try (PortraitStore store = PortraitStore.open(data, StoreOptions.defaults(), key)) {
            id = store.profileIdKey().profileId(ADA);
        }
        assertThat(keysetFiles(data)).containsExactly("data-key-wrapping.tink", "owner-hashing.tink");
        assertThat(Files.readString(data.resolve("keysets/owner-hashing.tink"), java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("no clear JSON keyset").doesNotContain("keyData").doesNotContain("HmacPrfKey");

        assertThatThrownBy(() -> PortraitStore.open(data, StoreOptions.defaults()))
                .isInstanceOf(StoreException.class).hasMessageContaining("encrypted under a master key")
                .hasMessageContaining(MasterKey.ENV).hasMessageContaining(MasterKey.FILE_ENV)
                .extracting(e -> ((StoreException) e).code()).isEqualTo("master_key");
        MasterKey other = MasterKey.parse(MasterKey.generate(), "test");
        assertThatThrownBy(() -> PortraitStore.open(data, StoreOptions.defaults(), other))
                .isInstanceOf(StoreException.class).hasMessageContaining("do not open under this master key");
        try (PortraitStore again = PortraitStore.open(data, StoreOptions.defaults(), key)) {
            assertThat(again.profileIdKey().profileId(ADA)).isEqualTo(id);
        }
    }

    @Test
    void theDataDirectoryAndKeysetsArePrivateToTheOwner() throws IOException {
        Path data = dir.resolve("data");
        PortraitStore.open(data, StoreOptions.defaults(), MasterKey.parse(MasterKey.generate(), "test")).close();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("keysets")))).isEqualTo("rwx------");
        for (String f : keysetFiles(data)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("keysets").resolve(f))))
                    .as(f).isEqualTo("rw-------");
        }
    }

    @Test
    void clearKeysetsFromBeforeAreEncryptedOnTheFirstOpenWithAKeyAndKeepTheirKeys() throws IOException {
        Path data = dir.resolve("data");
        String id;
        try (PortraitStore clear = PortraitStore.open(data, StoreOptions.defaults())) {
            id = clear.profileIdKey().profileId(ADA);
        }
        assertThat(keysetFiles(data)).containsExactly("data-key-wrapping.json", "owner-hashing.json");
        MasterKey key = MasterKey.parse(MasterKey.generate(), "test");
        try (PortraitStore migrated = PortraitStore.open(data, StoreOptions.defaults(), key)) {
            assertThat(migrated.profileIdKey().profileId(ADA)).as("the same hashing keyset").isEqualTo(id);
        }
        assertThat(keysetFiles(data)).containsExactly("data-key-wrapping.tink", "owner-hashing.tink");
    }

    @Test
    void aMasterKeyComesFromTheEnvironmentOrAFileAndBadOnesAreNamed() throws IOException {
        String text = MasterKey.generate();
        assertThat(MasterKey.fromEnvironment(Map.of())).isEmpty();
        assertThat(MasterKey.fromEnvironment(Map.of(MasterKey.ENV, text))).isPresent();
        Path file = Files.writeString(dir.resolve("master.key"), text + "\n");
        assertThat(MasterKey.fromEnvironment(Map.of(MasterKey.FILE_ENV, file.toString()))).isPresent();
        assertThat(MasterKey.parse(text, "x").toString()).doesNotContain(text);

        assertThatThrownBy(() -> MasterKey.fromEnvironment(Map.of(MasterKey.ENV, "not base64!")))
                .hasMessageContaining("the environment variable PORTRAIT_MASTER_KEY is not base64");
        assertThatThrownBy(() -> MasterKey.parse("c2hvcnQ=", "the master key file k"))
                .hasMessageContaining("the master key file k holds 5 bytes");
        assertThatThrownBy(() -> MasterKey.fromFile(dir.resolve("missing.key")))
                .hasMessageContaining("cannot read the master key file");
    }
}
