package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.identity.ProfileIdKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * The id every recommendations answer carries, which the app sends back with {@code Recommendation Shown}
 * and {@code Recommendation Clicked} so the engine can join them to what was served.
 *
 * <p><b>Why the id carries what was served, signed, instead of naming a row in a table.</b> The join has
 * to happen where profiles are folded, deterministically, in every runtime and in every replay of the log;
 * a table of served answers written on the HTTP thread would be a second source of truth beside the log,
 * lost in part at a crash and absent from a replay. So the id is {@code rec_} and the URL-safe base64 of
 * <pre>  payload ‖ first 12 bytes of HMAC-SHA256(key, payload)</pre>
 * where the payload holds the serving time, a serial number, the placement and the experiment variant the
 * answer was served under. The engine reads it back from the event and needs nothing else: a restart, a
 * replay or another runtime sharing the profile-id secret joins exactly the same. The 96-bit tag makes ids
 * unforgeable (a write key, which browsers hold, cannot mint ids with a placement or variant of its
 * choice); the serial (the server starts it at a random point and counts up) with the time makes them
 * unique.
 *
 * <p>The key is HMAC(profile-id secret, {@code "portrait recommendations v1"}), so each installation has its
 * own and no key is configured. Thread-safe.
 */
public final class RecommendationIds {
    private static final String PREFIX = "rec_";
    private static final int TAG_BYTES = 12;
    private static final int VERSION = 1;
    /** Longer ids are refused unread: the longest placement keeps a real one far below this. */
    static final int MAX_ID_LENGTH = 200;
    private static final byte[] LABEL = "portrait recommendations v1".getBytes(StandardCharsets.UTF_8);

    private static final java.util.regex.Pattern PLACEMENT = java.util.regex.Pattern.compile("[A-Za-z0-9_.-]{1,40}");

    private final ProfileIdKey key;

    /**
     * Whether a placement name may be served: 1 to 40 letters, digits, {@code _ . -}. Placements become
     * metric labels and keys in every person's counts, so they are names, not free text.
     */
    public static boolean isPlacement(String placement) {
        return placement != null && PLACEMENT.matcher(placement).matches();
    }

    /**
     * What an id says was served.
     *
     * @param id         the id itself
     * @param servedAt   when the answer was served (epoch ms, the server's clock)
     * @param serial     the serving server's counter
     * @param placement  where in the product it was shown ({@code home}, {@code default})
     * @param experiment the index, in the definition, of the experiment whose variant's settings served it,
     *                   or -1 when none did
     * @param variant    that experiment's variant index, or -1
     */
    public record Served(String id, long servedAt, long serial, String placement, int experiment, int variant) {
        public Served {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(placement, "placement");
            if ((experiment < 0) != (variant < 0)) {
                throw new IllegalArgumentException("an experiment and its variant go together, got " + experiment
                        + " and " + variant);
            }
        }

        /** Whether an experiment's variant served it. */
        public boolean inExperiment() {
            return experiment >= 0;
        }
    }

    /** @param secret the engine's profile-id secret */
    public RecommendationIds(ProfileIdKey secret) {
        this.key = ProfileIdKey.of(secret.mac(LABEL));
    }

    /** A new id for an answer served at {@code servedAt}. */
    public Served issue(long servedAt, long serial, String placement, int experiment, int variant) {
        if (!isPlacement(placement)) {
            throw new IllegalArgumentException("\"" + placement + "\" is not a placement name (1 to 40 letters, "
                    + "digits, _ . -)");
        }
        BinaryOut out = new BinaryOut(48);
        out.writeByte(VERSION).writeSignedVarLong(servedAt).writeVarLong(serial).writeString(placement)
                .writeVarInt(experiment + 1).writeVarInt(variant + 1);
        byte[] payload = out.toByteArray();
        byte[] signed = Arrays.copyOf(payload, payload.length + TAG_BYTES);
        System.arraycopy(key.mac(payload), 0, signed, payload.length, TAG_BYTES);
        String id = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(signed);
        return new Served(id, servedAt, serial, placement, experiment, variant);
    }

    /** What the id says was served, or null when it is not an id this key issued (malformed, altered, another key's). */
    public Served read(Object id) {
        if (!(id instanceof String text) || !text.startsWith(PREFIX) || text.length() > MAX_ID_LENGTH) {
            return null;
        }
        byte[] signed;
        try {
            signed = Base64.getUrlDecoder().decode(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (signed.length <= TAG_BYTES) {
            return null;
        }
        byte[] payload = Arrays.copyOf(signed, signed.length - TAG_BYTES);
        byte[] tag = Arrays.copyOfRange(signed, payload.length, signed.length);
        if (!MessageDigest.isEqual(tag, Arrays.copyOf(key.mac(payload), TAG_BYTES))) {
            return null;
        }
        try { // signed by this key, so written by issue: a failure here is a version we do not know
            BinaryIn in = new BinaryIn(payload);
            if (in.readByte() != VERSION) {
                return null;
            }
            long servedAt = in.readSignedVarLong();
            long serial = in.readVarLong();
            String placement = in.readString();
            int experiment = in.readVarInt() - 1;
            int variant = in.readVarInt() - 1;
            return new Served(text, servedAt, serial, placement, experiment, variant);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
