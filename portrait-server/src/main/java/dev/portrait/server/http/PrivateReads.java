package dev.portrait.server.http;

import dev.portrait.core.PortraitException;
import dev.portrait.core.privacy.DpRequest;
import dev.portrait.core.privacy.PrivacyCost;
import dev.portrait.server.port.PrivacyPort;
import dev.portrait.core.definition.Purposes;
import dev.portrait.core.profile.ProfileView;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decides, per aggregate read, whether it is answered exactly or with differential privacy, from the
 * request ({@code privacy=dp}, {@code epsilon}, {@code mechanism}, {@code delta}) and the key (a dp-only
 * key is always answered with noise); and keeps dp-only keys away from routes that name people.
 */
final class PrivateReads {
    /** A private read: who pays, from what budget, for what. */
    record Asked(String analyst, PrivacyCost budget, DpRequest request) {
    }

    private final PrivacyPort port;
    private final PrivacyConfig config;

    PrivateReads(PrivacyPort port, PrivacyConfig config) {
        this.port = port;
        this.config = config;
    }

    PrivacyPort port() {
        return port;
    }

    /** The private request this read makes, or null for an exact read. */
    Asked asked(Context ctx) {
        String key = Keyring.keyFromHeader(ctx.header("Authorization"));
        String analyst = key == null ? "anonymous" : analyst(key);
        PrivacyCost forced = key == null ? null : config.forcedKeys().get(key);
        String privacy = ctx.queryParam("privacy");
        if (privacy == null || privacy.isEmpty() || privacy.equals("exact")) {
            if (forced == null) {
                return null;
            }
            if ("exact".equals(privacy)) {
                throw ApiError.forbidden("this key reads aggregates only with differential privacy: "
                        + "ask with privacy=dp&epsilon=…");
            }
        } else if (!privacy.equals("dp")) {
            throw ApiError.invalidParameter("privacy", "privacy must be exact or dp, got " + shown(privacy));
        }
        return new Asked(analyst, forced != null ? forced : config.dailyBudget(), request(ctx));
    }

    /** Refuses a dp-only key on a route that names people. */
    void requireIndividualAccess(Context ctx) {
        String key = Keyring.keyFromHeader(ctx.header("Authorization"));
        if (key != null && config.forcedKeys().containsKey(key)) {
            throw ApiError.forbidden("this key reads only differentially private aggregates (segment sizes, audience "
                    + "counts and statistics): nothing that names a person, and no exact model output");
        }
    }

    /** The purposes this request's key may see, or null for all of them. */
    Set<String> purposesOf(Context ctx) {
        String key = Keyring.keyFromHeader(ctx.header("Authorization"));
        return key == null ? null : config.keyPurposes().get(key);
    }

    /** The profile as this request's key may see it: only the fields of its purposes, when it is limited to some. */
    ProfileView visible(Context ctx, ProfileView view, Purposes purposes) {
        Set<String> allowed = purposesOf(ctx);
        return allowed == null ? view : view.onlyFor(allowed, purposes);
    }

    /** Whether a change to {@code field} ({@code features.x}, {@code traits.y}) may be shown to this key. */
    static boolean visible(Set<String> allowed, Purposes purposes, String field) {
        if (allowed == null) {
            return true;
        }
        int dot = field.indexOf('.');
        String name = dot < 0 ? field : field.substring(dot + 1);
        Set<String> needed = field.startsWith("features.") ? purposes.features().getOrDefault(name, Set.of())
                : field.startsWith("traits.") ? purposes.traits().getOrDefault(name, Set.of()) : Set.of();
        return allowed.containsAll(needed);
    }

    /**
     * Refuses a selection of people (audiences, segment members) to a key limited to some of the declared purposes:
     * segments and audience conditions are not tagged with purposes and may select on any field, so whom they
     * select would tell what the key may not see.
     */
    void requireEveryPurpose(Context ctx, Purposes purposes) {
        Set<String> allowed = purposesOf(ctx);
        if (allowed != null && !allowed.containsAll(purposes.declared().keySet())) {
            throw ApiError.forbidden("this key may see only the purposes " + new java.util.TreeSet<>(allowed)
                    + "; segments and audiences may select on fields of any purpose, so they are not open to it");
        }
    }

    /** Refuses model reads (recommendations, scores) to a key not allowed every purpose of the models. */
    void requireModelPurposes(Context ctx, Purposes purposes) {
        Set<String> allowed = purposesOf(ctx);
        if (allowed != null && !allowed.containsAll(purposes.models())) {
            throw ApiError.forbidden("this key may see only the purposes " + new java.util.TreeSet<>(allowed)
                    + "; the models serve " + new java.util.TreeSet<>(purposes.models()));
        }
    }

    /** What the answer says of its privacy: the mechanism, what it cost, what is left today. */
    Map<String, Object> describe(Asked asked, PrivacyCost charged, Map<String, Object> noise) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mechanism", asked.request().mechanism().name().toLowerCase(java.util.Locale.ROOT));
        out.put("epsilon", charged.epsilon());
        out.put("delta", charged.delta());
        out.putAll(noise);
        out.put("suppressBelow", port.suppressBelow());
        PrivacyCost spent = port.spentToday(asked.analyst());
        out.put("spentToday", Map.of("epsilon", spent.epsilon(), "delta", spent.delta()));
        out.put("budgetPerDay", Map.of("epsilon", asked.budget().epsilon(), "delta", asked.budget().delta()));
        return out;
    }

    /**
     * The smallest ε a request may ask: the ledger's unit, and far below any useful answer (the noise's scale
     * would be a million times the sensitivity); smaller ones would let the noise overflow a count.
     */
    static final double MIN_EPSILON = 1e-6;

    private static DpRequest request(Context ctx) {
        double epsilon = number(ctx, "epsilon");
        if (epsilon < MIN_EPSILON || epsilon > PrivacyConfig.MAX_EPSILON_PER_DAY) {
            throw ApiError.invalidParameter("epsilon", "epsilon must be between " + MIN_EPSILON + " and "
                    + PrivacyConfig.MAX_EPSILON_PER_DAY + ", got " + epsilon);
        }
        String mechanism = ctx.queryParam("mechanism");
        boolean gaussian;
        if (mechanism == null || mechanism.isEmpty() || mechanism.equals("laplace")) {
            gaussian = false;
        } else if (mechanism.equals("gaussian")) {
            gaussian = true;
        } else {
            throw ApiError.invalidParameter("mechanism", "mechanism must be laplace or gaussian, got " + shown(mechanism));
        }
        String deltaText = ctx.queryParam("delta");
        if (!gaussian && deltaText != null) {
            throw ApiError.invalidParameter("delta", "delta goes with mechanism=gaussian; the Laplace mechanism takes none");
        }
        double delta = gaussian ? number(ctx, "delta") : 0;
        try {
            return new DpRequest(gaussian ? DpRequest.Mechanism.GAUSSIAN : DpRequest.Mechanism.LAPLACE, epsilon, delta);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalidParameter("epsilon", e.getMessage());
        }
    }

    private static double number(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            throw ApiError.invalidParameter(name, "a differentially private read needs " + name
                    + " (the privacy loss it may cost, such as " + name + (name.equals("epsilon") ? "=0.1" : "=1e-6") + ")");
        }
        try {
            double x = Double.parseDouble(text.strip());
            if (x > 0 && !Double.isInfinite(x)) {
                return x;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.invalidParameter(name, name + " must be a positive number, got " + shown(text));
    }

    /** A name for a key that does not reveal it: the ledger file and logs hold this, never the key. */
    static String analyst(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest(("portrait-dp-analyst:" + key).getBytes(StandardCharsets.UTF_8));
            return "key_" + HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static PortraitException badBounds(String message) {
        return ApiError.invalidRequest("bounds", message);
    }

    private static String shown(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
