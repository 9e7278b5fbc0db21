package dev.portrait.store;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.Configuration;
import com.google.crypto.tink.config.TinkConfig2026;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.prf.PredefinedPrfParameters;
import com.google.crypto.tink.prf.PrfSet;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The two store-wide Tink keysets: an AES-256-GCM keyset that wraps every data key, and an
 * HMAC-SHA256 PRF keyset that hashes owners and identifiers into keys that name no one (and from
 * which the profile-id secret is derived).
 *
 * <p>They live in {@code <data dir>/keysets/} (directory 0700, files 0600), encrypted under the
 * {@link MasterKey} when one is given ({@code *.tink}: AES-256-GCM over the serialized keyset, bound to
 * the file's name) and in clear JSON otherwise ({@code *.json}; the server warns). The master key comes
 * from outside the data directory, so a copy of the directory alone reads as ciphertext. A store
 * whose keysets are still in clear is migrated the first time it is opened with a master key: the
 * encrypted files are written and synced, then the clear ones deleted. Keysets encrypted under a master
 * key are never opened without it: the error says which variable to set.
 *
 * <p>Crypto-shredding protects against reading a person back <em>after</em> they were forgotten (their
 * data key is gone, so nothing the keysets can unwrap is left), whoever holds the keysets.
 */
final class MasterKeys {
    static final String DIR = "keysets";
    private static final String WRAPPING = "data-key-wrapping";
    private static final String HASHING = "owner-hashing";
    private static final String CLEAR = ".json";
    private static final String SEALED = ".tink";

    /** Tink's fixed set of algorithms, instead of the global registry that any library could change. */
    static final Configuration CONFIG = TinkConfig2026.get();

    /** The label the profile-id secret is derived under; another label gives an unrelated secret. */
    private static final byte[] PROFILE_ID_LABEL = "portrait profile ids v1".getBytes(StandardCharsets.UTF_8);

    final Aead wrapping;
    final PrfSet hashing;

    private MasterKeys(KeysetHandle wrapping, KeysetHandle hashing) throws GeneralSecurityException {
        this.wrapping = wrapping.getPrimitive(CONFIG, Aead.class);
        this.hashing = hashing.getPrimitive(CONFIG, PrfSet.class);
    }

    /**
     * The secret new profiles are named under ({@link dev.portrait.core.identity.ProfileIdKey}): derived
     * from the hashing keyset with its own label (HMAC as a key-derivation function), so it lives and dies
     * with the store's keysets (a backup carries it, a new store has another) and needs no file of its own.
     */
    dev.portrait.core.identity.ProfileIdKey profileIdKey() {
        try {
            return dev.portrait.core.identity.ProfileIdKey.of(hashing.computePrimary(PROFILE_ID_LABEL, 32));
        } catch (GeneralSecurityException e) {
            throw new StoreException("store_io", "cannot derive the profile id secret: " + e.getMessage(), null, e);
        }
    }

    /** Fresh keysets kept only in memory (the in-memory store). */
    static MasterKeys generate() {
        try {
            return new MasterKeys(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, CONFIG),
                    KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF, CONFIG));
        } catch (GeneralSecurityException e) {
            throw new StoreException("store_io", "cannot generate master keysets: " + e.getMessage(), null, e);
        }
    }

    /**
     * Loads the keysets of a data directory, creating them for a new one. Refuses a directory that has a
     * database but no keysets: new keys could read none of it.
     *
     * @param master the key the keysets are (to be) encrypted under, or null to keep them in clear
     */
    static MasterKeys loadOrCreate(Path dataDir, boolean databaseExists, MasterKey master) {
        Path dir = dataDir.resolve(DIR);
        try {
            if (!Files.isDirectory(dir)) {
                if (databaseExists) {
                    throw new StoreException("store_format", "the data directory " + dataDir + " has a database but "
                            + "no " + DIR + "/ directory; without its keysets nothing in it can be read",
                            dir.toString());
                }
                create(dataDir, dir, master);
            }
            privateModes(dataDir, dir);
            boolean sealed = Files.exists(dir.resolve(WRAPPING + SEALED));
            if (sealed && master == null) {
                throw new StoreException("master_key", "the keysets in " + dir + " are encrypted under a master key; "
                        + "set " + MasterKey.ENV + " (the key, base64) or " + MasterKey.FILE_ENV
                        + " (a file holding it) to open this data directory", dir.toString());
            }
            if (!sealed && master != null) {
                migrate(dir, master); // clear keysets from before master keys: encrypted once, the clear ones deleted
            }
            KeysetHandle wrapping = read(dir, WRAPPING, master);
            KeysetHandle hashing = read(dir, HASHING, master);
            return new MasterKeys(wrapping, hashing);
        } catch (IOException e) {
            throw new StoreException("store_io", "cannot read the keysets in " + dir + ": " + e.getMessage(),
                    dir.toString(), e);
        } catch (GeneralSecurityException e) {
            throw new StoreException(master == null ? "corrupt_store" : "master_key", "the keysets in " + dir
                    + (master == null ? " are not valid Tink keysets: " + e.getMessage()
                    : " do not open under this master key (a different key, or damaged files)"), dir.toString(), e);
        }
    }

    private static KeysetHandle read(Path dir, String name, MasterKey master) throws IOException, GeneralSecurityException {
        if (master == null) {
            return TinkJsonProtoKeysetFormat.parseKeyset(Files.readString(dir.resolve(name + CLEAR), StandardCharsets.UTF_8),
                    CONFIG, InsecureSecretKeyAccess.get());
        }
        byte[] clear = master.aead.decrypt(Files.readAllBytes(dir.resolve(name + SEALED)), associatedData(name));
        try {
            return TinkJsonProtoKeysetFormat.parseKeyset(new String(clear, StandardCharsets.UTF_8), CONFIG,
                    InsecureSecretKeyAccess.get());
        } finally {
            java.util.Arrays.fill(clear, (byte) 0);
        }
    }

    /** The file's name as associated data: a keyset cannot be swapped for the other one unnoticed. */
    private static byte[] associatedData(String name) {
        return ("portrait keyset " + name).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] serialize(KeysetHandle handle, String name, MasterKey master) throws GeneralSecurityException {
        if (master == null) {
            return TinkJsonProtoKeysetFormat.serializeKeyset(handle, CONFIG, InsecureSecretKeyAccess.get())
                    .getBytes(StandardCharsets.UTF_8);
        }
        // Tink's serializeEncryptedKeyset takes no Configuration and needs the global registry, which this
        // store never fills (CONFIG instead): the same construction by hand, AES-GCM over the serialized keyset.
        byte[] clear = TinkJsonProtoKeysetFormat.serializeKeyset(handle, CONFIG, InsecureSecretKeyAccess.get())
                .getBytes(StandardCharsets.UTF_8);
        try {
            return master.aead.encrypt(clear, associatedData(name));
        } finally {
            java.util.Arrays.fill(clear, (byte) 0);
        }
    }

    private static void migrate(Path dir, MasterKey master) throws IOException, GeneralSecurityException {
        for (String name : new String[] {WRAPPING, HASHING}) {
            KeysetHandle h = read(dir, name, null);
            Path tmp = dir.resolve(name + SEALED + ".tmp");
            Files.deleteIfExists(tmp);
            writeSynced(tmp, serialize(h, name, master));
            Files.move(tmp, dir.resolve(name + SEALED), StandardCopyOption.ATOMIC_MOVE);
        }
        fsync(dir);
        // Only once both sealed files are durable: a crash before leaves the clear ones to migrate again.
        Files.delete(dir.resolve(WRAPPING + CLEAR));
        Files.delete(dir.resolve(HASHING + CLEAR));
        fsync(dir);
    }

    /** The data directory and the keysets' directory 0700, the keyset files 0600 (where the file system has modes). */
    private static void privateModes(Path dataDir, Path dir) throws IOException {
        if (!Files.getFileStore(dir).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) {
            return;
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> owner = java.nio.file.attribute.PosixFilePermissions
                .fromString("rwx------");
        Files.setPosixFilePermissions(dataDir, owner);
        Files.setPosixFilePermissions(dir, owner);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        }
    }

    /** Writes both keysets into a temporary directory, then renames it: a crash leaves both or neither. */
    private static void create(Path dataDir, Path dir, MasterKey master) throws IOException, GeneralSecurityException {
        Files.createDirectories(dataDir);
        Path tmp = dataDir.resolve(DIR + ".tmp");
        if (Files.exists(tmp)) {
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(tmp);
        String suffix = master == null ? CLEAR : SEALED;
        writeSynced(tmp.resolve(WRAPPING + suffix), serialize(
                KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, CONFIG), WRAPPING, master));
        writeSynced(tmp.resolve(HASHING + suffix), serialize(
                KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF, CONFIG), HASHING, master));
        fsync(tmp);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        fsync(dataDir);
    }

    private static void writeSynced(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
    }

    private static void fsync(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
