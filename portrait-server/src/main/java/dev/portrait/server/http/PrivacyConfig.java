package dev.portrait.server.http;

import dev.portrait.core.privacy.PrivacyCost;

import java.util.Map;
import java.util.Objects;

/**
 * How aggregate reads may be made differentially private ({@code ?privacy=dp&epsilon=…}) and for which
 * keys they must be.
 *
 * @param dailyBudget   what a key may spend per UTC day when it asks for private answers
 * @param suppressBelow noisy counts below this are answered as suppressed (the answer says only "few")
 * @param forcedKeys    read keys that see aggregates only with noise, each with its own daily budget; such
 *                      a key cannot read a profile, a change or a member list (those name people)
 * @param keyPurposes   keys that may see only the fields of these purposes (consent); keys not listed see all
 */
public record PrivacyConfig(PrivacyCost dailyBudget, long suppressBelow, Map<String, PrivacyCost> forcedKeys,
                            Map<String, java.util.Set<String>> keyPurposes) {
    /** ε = 1 and δ = 10⁻⁵ a day, counts under 10 suppressed, no key forced, no key limited to purposes. */
    public static final PrivacyConfig DEFAULT = new PrivacyConfig(new PrivacyCost(1.0, 1e-5), 10, Map.of());

    /** Without keys limited to purposes. */
    public PrivacyConfig(PrivacyCost dailyBudget, long suppressBelow, Map<String, PrivacyCost> forcedKeys) {
        this(dailyBudget, suppressBelow, forcedKeys, Map.of());
    }

    /**
     * Above this a daily ε protects nobody (e^100 is no bound), and snapping's proof needs ε below 2^16;
     * budgets are refused above it.
     */
    static final double MAX_EPSILON_PER_DAY = 100;

    public PrivacyConfig {
        Objects.requireNonNull(dailyBudget, "dailyBudget");
        checked(dailyBudget, "privacy.dailyBudget");
        if (suppressBelow < 0) {
            throw new IllegalArgumentException("privacy.suppressBelow must not be negative, got " + suppressBelow);
        }
        forcedKeys = Map.copyOf(forcedKeys);
        Map<String, java.util.Set<String>> purposes = new java.util.HashMap<>();
        keyPurposes.forEach((k, v) -> purposes.put(k, java.util.Set.copyOf(v)));
        keyPurposes = Map.copyOf(purposes);
        // the key is a secret: a message names its budget, never the key
        forcedKeys.values().forEach(b -> checked(b, "a dp key's epsilonPerDay"));
    }

    private static void checked(PrivacyCost budget, String name) {
        if (!(budget.epsilon() > 0) || budget.epsilon() > MAX_EPSILON_PER_DAY) {
            throw new IllegalArgumentException(name + " epsilon must be above 0 and at most " + MAX_EPSILON_PER_DAY
                    + ", got " + budget.epsilon());
        }
    }

    public PrivacyConfig withForcedKeys(Map<String, PrivacyCost> keys) {
        return new PrivacyConfig(dailyBudget, suppressBelow, keys, keyPurposes);
    }

    /**
     * Checks that every purpose a key is limited to is one the definition declares.
     *
     * @throws IllegalArgumentException naming the purpose (never the key)
     */
    public void requireDeclared(dev.portrait.core.definition.Purposes purposes) {
        for (java.util.Set<String> set : keyPurposes.values()) {
            for (String p : set) {
                if (!purposes.declared().containsKey(p)) {
                    throw new IllegalArgumentException("privacy.keyPurposes names the purpose \"" + p + "\", which the "
                            + "definition does not declare (declared: " + String.join(", ", purposes.declared().keySet()) + ")");
                }
            }
        }
    }

    @Override
    public String toString() {
        return "PrivacyConfig[dailyBudget=" + dailyBudget + ", suppressBelow=" + suppressBelow + ", " + forcedKeys.size()
                + " dp-only keys, " + keyPurposes.size() + " keys limited to purposes]";
    }
}
