package dev.portrait.store;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.util.SecretBytes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The key the store's keysets are encrypted under, kept away from the data directory: in the
 * environment variable {@value #ENV} (base64 of 32 random bytes) or in a file named by
 * {@value #FILE_ENV}. Without it, a copy of the data directory is a copy of ciphertext only: the
 * keysets that unwrap every person's data key cannot be read.
 *
 * <p>A raw AES-256-GCM key (not a Tink keyset) because an operator must be able to make one with
 * {@code openssl rand -base64 32} and keep it in a secret manager as one line. Immutable.
 */
public final class MasterKey {
    /** The environment variable holding the key itself, base64. */
    public static final String ENV = "PORTRAIT_MASTER_KEY";
    /** The environment variable naming a file that holds the key, base64. */
    public static final String FILE_ENV = "PORTRAIT_MASTER_KEY_FILE";
    private static final int BYTES = 32;

    final Aead aead;

    private MasterKey(byte[] raw) {
        try {
            AesGcmParameters p = AesGcmParameters.builder().setKeySizeBytes(BYTES).setIvSizeBytes(12)
                    .setTagSizeBytes(16).setVariant(AesGcmParameters.Variant.NO_PREFIX).build();
            this.aead = AesGcmJce.create(AesGcmKey.builder().setParameters(p)
                    .setKeyBytes(SecretBytes.copyFrom(raw, InsecureSecretKeyAccess.get())).build());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an AES-GCM cipher: " + e.getMessage(), e);
        }
    }

    /**
     * A key from its base64 text.
     *
     * @param source where it came from, for the error ("the environment variable PORTRAIT_MASTER_KEY")
     * @throws StoreException {@code master_key} when it is not base64 of 32 bytes
     */
    public static MasterKey parse(String base64, String source) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new StoreException("master_key", source + " is not base64 (make a key with `openssl rand -base64 32`)",
                    null, e);
        }
        if (raw.length != BYTES) {
            throw new StoreException("master_key", source + " holds " + raw.length + " bytes; a master key is "
                    + BYTES + " random bytes in base64 (`openssl rand -base64 32`)", null);
        }
        return new MasterKey(raw);
    }

    /** A key from a file holding its base64 text. */
    public static MasterKey fromFile(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), "the master key file " + file);
        } catch (IOException e) {
            throw new StoreException("master_key", "cannot read the master key file " + file + ": " + e.getMessage(),
                    null, e);
        }
    }

    /**
     * The key the environment names ({@value #ENV}, else the file in {@value #FILE_ENV}), or empty
     * when it names none.
     */
    public static Optional<MasterKey> fromEnvironment(Map<String, String> env) {
        String key = env.get(ENV);
        if (key != null && !key.isBlank()) {
            return Optional.of(parse(key, "the environment variable " + ENV));
        }
        String file = env.get(FILE_ENV);
        if (file != null && !file.isBlank()) {
            return Optional.of(fromFile(Path.of(file)));
        }
        return Optional.empty();
    }

    /** A new random key's base64 text. */
    public static String generate() {
        byte[] raw = new byte[BYTES];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    /** Never the key. */
    @Override
    public String toString() {
        return "MasterKey[hidden]";
    }
}
