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
 * HMAC-SHA256 PRF keyset that hashes owners and identifiers into keys that name no one.
 *
 * <p>They live in clear in {@code <data dir>/keysets/}. That is deliberate and bounded: crypto-shredding
 * protects against reading a person back <em>after</em> they were forgotten (their data key is gone,
 * so nothing the master keys can unwrap is left), not against someone who copies the disk before
 * that; for that, keep the data directory on an encrypted volume or move these keysets into a KMS
 * (Tink's {@code KmsClient}) later.
 */
final class MasterKeys {
    static final String DIR = "keysets";
    private static final String WRAPPING = "data-key-wrapping.json";
    private static final String HASHING = "owner-hashing.json";

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
     */
    static MasterKeys loadOrCreate(Path dataDir, boolean databaseExists) {
        Path dir = dataDir.resolve(DIR);
        try {
            if (!Files.isDirectory(dir)) {
                if (databaseExists) {
                    throw new StoreException("store_format", "the data directory " + dataDir + " has a database but "
                            + "no " + DIR + "/ directory; without its keysets nothing in it can be read",
                            dir.toString());
                }
                create(dataDir, dir);
            }
            KeysetHandle wrapping = TinkJsonProtoKeysetFormat.parseKeyset(
                    Files.readString(dir.resolve(WRAPPING), StandardCharsets.UTF_8), CONFIG, InsecureSecretKeyAccess.get());
            KeysetHandle hashing = TinkJsonProtoKeysetFormat.parseKeyset(
                    Files.readString(dir.resolve(HASHING), StandardCharsets.UTF_8), CONFIG, InsecureSecretKeyAccess.get());
            return new MasterKeys(wrapping, hashing);
        } catch (IOException e) {
            throw new StoreException("store_io", "cannot read the keysets in " + dir + ": " + e.getMessage(),
                    dir.toString(), e);
        } catch (GeneralSecurityException e) {
            throw new StoreException("corrupt_store", "the keysets in " + dir + " are not valid Tink keysets: "
                    + e.getMessage(), dir.toString(), e);
        }
    }

    /** Writes both keysets into a temporary directory, then renames it: a crash leaves both or neither. */
    private static void create(Path dataDir, Path dir) throws IOException, GeneralSecurityException {
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
        writeSynced(tmp.resolve(WRAPPING), TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, CONFIG), CONFIG, InsecureSecretKeyAccess.get()));
        writeSynced(tmp.resolve(HASHING), TinkJsonProtoKeysetFormat.serializeKeyset(
                KeysetHandle.generateNew(PredefinedPrfParameters.HMAC_SHA256_PRF, CONFIG), CONFIG, InsecureSecretKeyAccess.get()));
        fsync(tmp);
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        fsync(dataDir);
    }

    private static void writeSynced(Path file, String text) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
    }

    private static void fsync(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
