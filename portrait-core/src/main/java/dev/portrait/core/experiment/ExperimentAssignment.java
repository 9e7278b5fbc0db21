package dev.portrait.core.experiment;

import dev.portrait.core.definition.ExperimentSpecs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Which variant a person is in: HMAC-SHA256 under the experiments' key of
 * {@code experiment name + NUL + profile id}, its first 53 bits read as a number {@code u} in [0, 1),
 * and the variant whose cumulative weight share first exceeds {@code u}.
 *
 * <p><b>Why keyed.</b> With a plain hash anyone who knows the experiment's name could compute which
 * identifier lands in which variant and pick theirs; under a secret key the assignment is as good as
 * random to them, yet fixed: the same key, experiment and profile give the same variant on every
 * machine, after every restart and in every replay. Each experiment hashes its own name in, so the
 * assignments of two experiments are independent.
 *
 * <p><b>Merges.</b> The unit is the profile id, and a merge keeps the older profile's id, so the
 * surviving profile keeps its assignment; the other profile's history moves to it (counted as a
 * crossover in the results when its variant differed). Thread-safe.
 *
 * <p>HMAC is written out here over {@link MessageDigest} (RFC 2104, a dozen lines) rather than taken
 * from {@code javax.crypto.Mac}: the core may use {@code java.security} but not the JCE's
 * {@code javax.crypto} (CoreIsPureTest), and the construction is short and fixed. A test checks it
 * against RFC 4231's test vectors.
 */
public final class ExperimentAssignment {
    private static final int BLOCK = 64;
    private final byte[] innerPad = new byte[BLOCK];
    private final byte[] outerPad = new byte[BLOCK];

    /** @param key the experiments' key (the definition's {@code experiments.key}) */
    public ExperimentAssignment(String key) {
        this(key.getBytes(StandardCharsets.UTF_8));
    }

    /** @param key the key's bytes (a derived key) */
    public ExperimentAssignment(byte[] key) {
        byte[] k = key.length > BLOCK ? sha256().digest(key) : key;
        for (int i = 0; i < BLOCK; i++) {
            byte b = i < k.length ? k[i] : 0;
            innerPad[i] = (byte) (b ^ 0x36);
            outerPad[i] = (byte) (b ^ 0x5c);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /** HMAC-SHA256 of the message under the key. */
    byte[] hmac(byte[] message) {
        MessageDigest d = sha256();
        d.update(innerPad);
        byte[] inner = d.digest(message);
        d.update(outerPad);
        return d.digest(inner);
    }

    /** The point in [0, 1) this profile falls on for this experiment. */
    public double unit(String experiment, String profileId) {
        byte[] h = hmac((experiment + "\0" + profileId).getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (h[i] & 0xff);
        }
        return (bits >>> 11) * 0x1.0p-53;
    }

    /** The index of the profile's variant in {@code experiment.variants()}. */
    public int variant(ExperimentSpecs.Experiment experiment, String profileId) {
        List<ExperimentSpecs.Variant> variants = experiment.variants();
        double total = 0;
        for (ExperimentSpecs.Variant v : variants) {
            total += v.weight();
        }
        double u = unit(experiment.name(), profileId) * total;
        double cumulative = 0;
        for (int i = 0; i < variants.size(); i++) {
            cumulative += variants.get(i).weight();
            if (u < cumulative) {
                return i;
            }
        }
        return variants.size() - 1; // rounding at the top end
    }
}
