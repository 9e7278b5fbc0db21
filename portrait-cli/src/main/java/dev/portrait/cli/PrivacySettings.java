package dev.portrait.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portrait.cli.PortraitCli.UsageProblem;
import dev.portrait.core.privacy.PrivacyCost;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.http.PrivacyConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code privacy:} block of a {@code serve --config} file: differentially private aggregate reads.
 *
 * <pre>
 * privacy:
 *   epsilonPerDay: 1.0      # what a key asking privacy=dp may spend per UTC day
 *   deltaPerDay: 1.0e-5     # for the Gaussian mechanism
 *   suppressBelow: 10       # noisy counts under this are answered as suppressed
 *   dpKeys:                 # read keys that see aggregates only, always with noise
 *     - {key: rk_partner, epsilonPerDay: 0.5}
 *   keyPurposes:            # keys that see only the fields of these purposes (consent)
 *     - {key: rk_dashboard, purposes: [analytics]}
 *   forgetWithin: 10m       # the bound a forget's compaction is promised within (30s, 2m, PT1H)
 * </pre>
 *
 * Every error names its path in the file ({@code privacy.dpKeys[0].epsilonPerDay}); a dp key must also
 * be listed under {@code readKeys}, so marking a key never grants it anything.
 */
final class PrivacySettings {
    private static final Set<String> KNOWN = Set.of("epsilonPerDay", "deltaPerDay", "suppressBelow", "dpKeys",
            "keyPurposes", "forgetWithin");

    private PrivacySettings() {
    }

    /** The file's privacy block, or the defaults when it has none. */
    static PrivacyConfig load(Path file, HttpConfig.ApiKeys keys) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new UsageProblem(file + " is not valid YAML: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UsageProblem("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        JsonNode privacy = root == null ? null : root.get("privacy");
        return privacy == null || privacy.isNull() ? PrivacyConfig.DEFAULT : parse(privacy, keys, file.toString());
    }

    /**
     * {@code privacy.forgetWithin} of the file (the bound each forget's status promises its compaction
     * within), or {@code fallback} when the file does not set it.
     */
    static java.time.Duration forgetWithin(Path file, java.time.Duration fallback) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UsageProblem("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        JsonNode n = root == null || root.get("privacy") == null ? null : root.get("privacy").get("forgetWithin");
        if (n == null || n.isNull()) {
            return fallback;
        }
        try {
            return PerimeterYaml.positiveDuration(n.asText());
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(file + ": privacy.forgetWithin " + e.getMessage(), e);
        }
    }

    static PrivacyConfig parse(JsonNode privacy, HttpConfig.ApiKeys keys, String file) {
        if (!privacy.isObject()) {
            throw new UsageProblem(file + ": privacy must be a mapping (epsilonPerDay:, suppressBelow:, dpKeys:)");
        }
        for (Iterator<String> names = privacy.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                throw new UsageProblem(file + ": unknown setting \"privacy." + name + "\" (known: deltaPerDay, dpKeys, "
                        + "epsilonPerDay, forgetWithin, keyPurposes, suppressBelow)");
            }
        }
        PrivacyConfig d = PrivacyConfig.DEFAULT;
        double epsilon = number(privacy, "epsilonPerDay", d.dailyBudget().epsilon(), file, "privacy.epsilonPerDay");
        double delta = number(privacy, "deltaPerDay", d.dailyBudget().delta(), file, "privacy.deltaPerDay");
        JsonNode suppress = privacy.get("suppressBelow");
        long suppressBelow = d.suppressBelow();
        if (suppress != null) {
            if (!suppress.isIntegralNumber() || suppress.asLong() < 0) {
                throw new UsageProblem(file + ": privacy.suppressBelow must be a whole number, 0 or more, got " + suppress);
            }
            suppressBelow = suppress.asLong();
        }
        Map<String, PrivacyCost> forced = new LinkedHashMap<>();
        JsonNode dpKeys = privacy.get("dpKeys");
        if (dpKeys != null && !dpKeys.isNull()) {
            if (!dpKeys.isArray()) {
                throw new UsageProblem(file + ": privacy.dpKeys must be a list of {key:, epsilonPerDay:}");
            }
            for (int i = 0; i < dpKeys.size(); i++) {
                String at = "privacy.dpKeys[" + i + "]";
                JsonNode entry = dpKeys.get(i);
                if (!entry.isObject() || !entry.path("key").isTextual()) {
                    throw new UsageProblem(file + ": " + at + " must be {key: K, epsilonPerDay: E}");
                }
                String key = presentable(entry.get("key").asText(), file, at);
                // a key is a secret: messages give its place in the file, never its value
                if (!listed(keys.read(), key)) {
                    throw new UsageProblem(file + ": " + at + ".key is not one of the read keys; list it under readKeys "
                            + "too (dpKeys only restricts a read key)");
                }
                if (listed(keys.admin(), key)) {
                    throw new UsageProblem(file + ": " + at + ".key is also an admin key, which reads people; "
                            + "a dp key must be a read key only");
                }
                double e = number(entry, "epsilonPerDay", epsilon, file, at + ".epsilonPerDay");
                double dd = number(entry, "deltaPerDay", delta, file, at + ".deltaPerDay");
                forced.put(key, cost(e, dd, file, at));
            }
        }
        Map<String, Set<String>> keyPurposes = new LinkedHashMap<>();
        JsonNode limited = privacy.get("keyPurposes");
        if (limited != null && !limited.isNull()) {
            if (!limited.isArray()) {
                throw new UsageProblem(file + ": privacy.keyPurposes must be a list of {key:, purposes: [..]}");
            }
            for (int i = 0; i < limited.size(); i++) {
                String at = "privacy.keyPurposes[" + i + "]";
                JsonNode entry = limited.get(i);
                if (!entry.isObject() || !entry.path("key").isTextual() || !entry.path("purposes").isArray()) {
                    throw new UsageProblem(file + ": " + at + " must be {key: K, purposes: [p1, p2]}");
                }
                String key = presentable(entry.get("key").asText(), file, at);
                if (!listed(keys.read(), key) && !listed(keys.admin(), key)) {
                    throw new UsageProblem(file + ": " + at + ".key is not one of the read or admin keys");
                }
                Set<String> purposes = new java.util.LinkedHashSet<>();
                for (JsonNode p : entry.get("purposes")) {
                    if (!p.isTextual()) {
                        throw new UsageProblem(file + ": " + at + ".purposes holds purpose names, got " + p);
                    }
                    purposes.add(p.asText());
                }
                keyPurposes.put(key, purposes);
            }
        }
        try {
            return new PrivacyConfig(cost(epsilon, delta, file, "privacy"), suppressBelow, forced, keyPurposes);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(file + ": " + e.getMessage(), e);
        }
    }

    private static PrivacyCost cost(double epsilon, double delta, String file, String at) {
        try {
            PrivacyCost c = new PrivacyCost(epsilon, delta);
            if (!(epsilon > 0)) {
                throw new IllegalArgumentException("epsilonPerDay must be above 0, got " + epsilon);
            }
            return c;
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(file + ": " + at + ": " + e.getMessage(), e);
        }
    }

    private static double number(JsonNode node, String name, double fallback, String file, String at) {
        JsonNode n = node.get(name);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw new UsageProblem(file + ": " + at + " must be a number, got " + n);
        }
        return n.asDouble();
    }

    /**
     * The key as a client presents it. The limits here are matched against the presented key, so a hashed entry
     * ({@code sha256:…}) could never match: refused rather than silently not enforced.
     */
    private static String presentable(String key, String file, String at) {
        if (key.startsWith(HttpConfig.ApiKeys.HASHED)) {
            throw new UsageProblem(file + ": " + at + ".key is hashed; dpKeys and keyPurposes need the key itself "
                    + "(their limits are looked up by the key a client presents)");
        }
        return key;
    }

    /** Whether {@code key} is among {@code entries}, given there in clear or hashed ({@code sha256:HEX}). */
    private static boolean listed(Set<String> entries, String key) {
        String hashed;
        try {
            hashed = HttpConfig.ApiKeys.HASHED + java.util.HexFormat.of().formatHex(java.security.MessageDigest
                    .getInstance("SHA-256").digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        for (String e : entries) {
            if (e.equals(key) || e.equalsIgnoreCase(hashed)) {
                return true;
            }
        }
        return false;
    }
}
