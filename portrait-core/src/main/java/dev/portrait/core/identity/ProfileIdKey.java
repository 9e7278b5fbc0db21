package dev.portrait.core.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The secret that names new profiles: a profile id is {@code p_} and the first 8 bytes (16 hex digits)
 * of HMAC-SHA256(secret, {@code type:value}) of the profile's first identifier.
 *
 * <p>Why keyed: an unkeyed hash of {@code user_id:…} or {@code email:…} can be recomputed by anyone who
 * guesses the identifier, so a profile id found in a log line, a backup or a forgotten file would name
 * the person. Under a secret kept with the store's keys it names no one, while the same secret still
 * gives the same ids on every replay (DESIGN invariant 1).
 *
 * <p>Why HMAC is written here with {@link MessageDigest} rather than {@code javax.crypto.Mac}: the core
 * may not refer to {@code javax.crypto} (its purity test keeps it to a short list of JDK packages), and
 * RFC 2104 over SHA-256 is a dozen lines whose output the tests compare with {@code Mac} and with the
 * RFC 4231 test vectors.
 *
 * <p>Immutable and thread-safe; holds a copy of the secret.
 */
public final class ProfileIdKey {
    /** Shorter secrets than this are refused: the key must not be guessable either. */
    public static final int MIN_SECRET_BYTES = 16;
    private static final int BLOCK = 64;
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] inner;
    private final byte[] outer;

    private ProfileIdKey(byte[] secret) {
        byte[] k = secret.length > BLOCK ? sha256().digest(secret) : secret;
        byte[] block = Arrays.copyOf(k, BLOCK);
        inner = new byte[BLOCK];
        outer = new byte[BLOCK];
        for (int i = 0; i < BLOCK; i++) {
            inner[i] = (byte) (block[i] ^ 0x36);
            outer[i] = (byte) (block[i] ^ 0x5c);
        }
        Arrays.fill(block, (byte) 0);
    }

    /**
     * A key over raw secret bytes (a store derives 32 from its hashing keyset).
     *
     * @throws IllegalArgumentException when the secret is shorter than {@link #MIN_SECRET_BYTES}
     */
    public static ProfileIdKey of(byte[] secret) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("a profile id secret needs at least " + MIN_SECRET_BYTES
                    + " bytes, got " + (secret == null ? "none" : secret.length));
        }
        return new ProfileIdKey(secret.clone());
    }

    /**
     * A key from a configured text secret (the Flink job's option): its UTF-8 bytes, which must be at
     * least {@link #MIN_SECRET_BYTES} long.
     */
    public static ProfileIdKey ofText(String secret) {
        if (secret == null) {
            throw new IllegalArgumentException("a profile id secret is needed, got none");
        }
        return of(secret.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The key of engines built without one ({@code new ProfileEngine(definition)}): a constant every
     * reader of this source knows, so ids named under it are as recomputable as an unkeyed hash. For
     * tests and tools that keep no ids; every runtime that stores profiles passes its own key.
     */
    public static ProfileIdKey publicTestKey() {
        return PUBLIC_TEST_KEY;
    }

    private static final ProfileIdKey PUBLIC_TEST_KEY = ofText("portrait public test key: names are recomputable");

    /** The id a new profile first identified by {@code first} is given (before any {@code _2} suffix). */
    public String profileId(Identifier first) {
        return "p_" + HEX.formatHex(mac((first.type() + ":" + first.value()).getBytes(StandardCharsets.UTF_8)), 0, 8);
    }

    /** HMAC-SHA256 of {@code message} under this key (RFC 2104). */
    public byte[] mac(byte[] message) {
        MessageDigest d = sha256();
        d.update(inner);
        byte[] innerHash = d.digest(message);
        d.update(outer);
        return d.digest(innerHash);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "ProfileIdKey[secret hidden]";
    }
}
