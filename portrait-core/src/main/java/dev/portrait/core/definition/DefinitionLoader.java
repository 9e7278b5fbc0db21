package dev.portrait.core.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portrait.core.feature.Feature;
import dev.portrait.core.feature.FeatureKind;
import dev.portrait.core.feature.FeatureKinds;
import dev.portrait.core.account.AccountSegments;
import dev.portrait.core.segment.SegmentSet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads a {@link ProfileDefinition} from YAML and checks all of it: unknown keys, types, ranges,
 * every feature's parameters (by its kind), identity rules, and every segment's CEL expression,
 * type-checked against the declared traits and features. The first problem fails the load with a
 * {@link DefinitionException} whose message starts with the path ({@code features[3].window}).
 *
 * <p>The core does no file I/O: callers hand in the text. {@link #defaultEcommerce()} and
 * {@link #defaultSocial()} read the definitions shipped inside this jar.
 */
public final class DefinitionLoader {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final String DEFAULT_RESOURCE = "default-ecommerce.yaml";
    private static final String SOCIAL_RESOURCE = "default-social.yaml";
    private static final YAMLMapper YAML = new YAMLMapper();

    private DefinitionLoader() {
    }

    /** The shipped e-commerce definition (Segment's e-commerce event names). */
    public static ProfileDefinition defaultEcommerce() {
        return parse(defaultEcommerceText(), DEFAULT_RESOURCE);
    }

    /** The text of the shipped e-commerce definition, for users to copy and edit. */
    public static String defaultEcommerceText() {
        return shipped(DEFAULT_RESOURCE);
    }

    /**
     * The shipped definition for a social/content product: follows, likes, comments, shares and
     * messages as relations (ties, strong ties, degrees, reciprocity), posts as content.
     */
    public static ProfileDefinition defaultSocial() {
        return parse(defaultSocialText(), SOCIAL_RESOURCE);
    }

    /** The text of the shipped social definition, for users to copy and edit. */
    public static String defaultSocialText() {
        return shipped(SOCIAL_RESOURCE);
    }

    private static String shipped(String resource) {
        try (InputStream in = DefinitionLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the portrait-core jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + " from the portrait-core jar", e);
        }
    }

    /**
     * Parses and checks a definition.
     *
     * @param yaml   the YAML text
     * @param source where it came from, for messages only
     * @throws DefinitionException naming the path and the reason of the first problem
     */
    public static ProfileDefinition parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new DefinitionException("", source + " is not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new DefinitionException("", source + " must be a YAML map with name, events, traits, features, "
                    + "identity and segments");
        }
        DefinitionNode top = new DefinitionNode(root, "");
        String name = top.requireString("name");
        int version = top.optInt("version", 1, 0, Integer.MAX_VALUE);
        CleaningPolicy cleaning = cleaning(top.child("cleaning"));
        Map<String, EventSpec> events = events(top);
        Map<String, Purposes.Purpose> declaredPurposes = purposes(top);
        Map<String, Set<String>> traitPurposes = new LinkedHashMap<>();
        Map<String, TraitSpec> traits = traits(top, declaredPurposes, traitPurposes);
        List<IdentityRule> identity = identity(top);
        Map<String, Set<String>> featurePurposes = new LinkedHashMap<>();
        List<Feature<?>> features = features(top, declaredPurposes, featurePurposes);
        List<SegmentSpec> segments = segmentSpecs(top);
        ModelSpecs models = ModelsLoader.read(top, features, identity);
        AccountSpecs accounts = AccountsLoader.read(top, features, events.keySet());
        ExperimentSpecs experiments = ExperimentsLoader.read(top, segments, models.recommender() != null);
        Set<String> modelPurposes = top.has("models") ? fieldPurposes(top.child("models"), declaredPurposes) : Set.of();
        top.rejectUnknown();
        ProfileDefinition def = new ProfileDefinition(name, version, cleaning, events, traits, features, identity,
                segments, models, accounts, experiments, fingerprint(yaml), new Purposes(declaredPurposes,
                featurePurposes, traitPurposes, modelPurposes));
        SegmentSet.compile(def); // type-checks every segment; throws DefinitionException naming it
        AccountSegments.compile(accounts); // and every account segment
        return def;
    }

    private static CleaningPolicy cleaning(DefinitionNode n) {
        CleaningPolicy d = CleaningPolicy.defaults();
        if (n.isMissing()) {
            return d;
        }
        n.requireObject();
        UnknownEventPolicy unknown = n.optEnum("unknownEvents", UnknownEventPolicy.class, d.unknownEvents());
        boolean returns = n.optBoolean("allowReturns", d.allowReturns());
        Duration skew = n.optDuration("maxFutureSkew", d.maxFutureSkew());
        Duration pastAge = d.maxPastAge();
        if (n.has("maxPastAge")) {
            String text = n.json().get("maxPastAge").asText();
            pastAge = "none".equalsIgnoreCase(text.trim()) ? null : n.optDuration("maxPastAge", d.maxPastAge());
        }
        CleaningPolicy p = new CleaningPolicy(unknown, returns, skew, pastAge,
                n.optInt("maxStringLength", d.maxStringLength(), 16, 10_000_000),
                n.optInt("maxMapEntries", d.maxMapEntries(), 1, 100_000),
                n.optInt("maxArrayLength", d.maxArrayLength(), 1, 1_000_000),
                n.optInt("maxDepth", d.maxDepth(), 1, 64),
                n.optBoolean("redactCardNumbers", d.redactCardNumbers()));
        n.rejectUnknown();
        return p;
    }

    private static Map<String, EventSpec> events(DefinitionNode top) {
        Map<String, EventSpec> out = new LinkedHashMap<>();
        for (Map.Entry<String, DefinitionNode> e : top.entries("events").entrySet()) {
            DefinitionNode n = e.getValue();
            Map<String, PropertySpec> props = new LinkedHashMap<>();
            if (!n.isMissing()) {
                n.requireObject();
                for (Map.Entry<String, DefinitionNode> p : n.entries("properties").entrySet()) {
                    props.put(p.getKey(), property(p.getKey(), p.getValue()));
                }
                n.rejectUnknown();
            }
            out.put(e.getKey(), new EventSpec(e.getKey(), props, n.path()));
        }
        return out;
    }

    private static PropertySpec property(String name, DefinitionNode n) {
        n.requireObject();
        PropertyType type = n.optEnum("type", PropertyType.class, PropertyType.ANY);
        boolean required = n.optBoolean("required", false);
        Double min = n.has("min") ? n.optDouble("min", 0, -Double.MAX_VALUE, Double.MAX_VALUE) : null;
        Double max = n.has("max") ? n.optDouble("max", 0, -Double.MAX_VALUE, Double.MAX_VALUE) : null;
        if ((min != null || max != null) && type != PropertyType.NUMBER && type != PropertyType.INTEGER) {
            throw n.error("min and max apply to number and integer properties, not " + type.name().toLowerCase(Locale.ROOT));
        }
        boolean pii = n.optBoolean("pii", false);
        boolean keep = n.optBoolean("keep", false);
        n.rejectUnknown();
        return new PropertySpec(name, type, required, min, max, pii, keep, n.path());
    }

    /**
     * {@code purposes: {analytics: {}, advertising: {categories: [Advertising, C0004], default: denied}}}: each
     * purpose with the consent categories that grant it (its own name by default) and whether it is granted
     * before a person says anything ({@code granted} by default).
     */
    private static Map<String, Purposes.Purpose> purposes(DefinitionNode top) {
        Map<String, Purposes.Purpose> out = new LinkedHashMap<>();
        for (Map.Entry<String, DefinitionNode> e : top.entries("purposes").entrySet()) {
            DefinitionNode n = e.getValue();
            checkName(e.getKey(), n.path(), "purpose");
            List<String> categories = List.of(e.getKey());
            boolean granted = true;
            if (!n.isMissing() && !n.json().isNull()) {
                n.requireObject();
                if (n.has("categories")) {
                    categories = n.optStringList("categories");
                    if (categories.isEmpty()) {
                        throw n.error("categories", "is empty: list the consent categories that grant this purpose, "
                                + "or leave it out for the purpose's own name");
                    }
                }
                String d = n.optString("default", "granted");
                if (!d.equals("granted") && !d.equals("denied")) {
                    throw n.error("default", "\"" + d + "\" is not granted or denied");
                }
                granted = d.equals("granted");
                n.rejectUnknown();
            }
            out.put(e.getKey(), new Purposes.Purpose(e.getKey(), categories, granted));
        }
        if (out.size() > Purposes.MAX) {
            throw top.error("purposes", "declares " + out.size() + " purposes, more than " + Purposes.MAX);
        }
        return out;
    }

    /** A field's {@code purposes: [..]}, each one declared; empty when absent. */
    private static Set<String> fieldPurposes(DefinitionNode n, Map<String, Purposes.Purpose> declared) {
        List<String> list = n.optStringList("purposes");
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            if (!declared.containsKey(list.get(i))) {
                throw new DefinitionException(n.childPath("purposes") + "[" + i + "]", "\"" + list.get(i)
                        + "\" is not a declared purpose (declared: " + (declared.isEmpty() ? "none; add a purposes: "
                        + "section" : String.join(", ", declared.keySet())) + ")");
            }
            out.add(list.get(i));
        }
        return out;
    }

    private static Map<String, TraitSpec> traits(DefinitionNode top, Map<String, Purposes.Purpose> declaredPurposes,
                                                 Map<String, Set<String>> purposesOut) {
        Map<String, TraitSpec> out = new LinkedHashMap<>();
        for (Map.Entry<String, DefinitionNode> e : top.entries("traits").entrySet()) {
            DefinitionNode n = e.getValue().requireObject();
            checkName(e.getKey(), n.path(), "trait");
            TraitType type = n.optEnum("type", TraitType.class, TraitType.STRING);
            ConflictPolicy policy = n.optEnum("policy", ConflictPolicy.class, ConflictPolicy.LATEST);
            List<String> sources = n.optStringList("sources");
            if (policy != ConflictPolicy.SOURCE_PRIORITY && !sources.isEmpty()) {
                throw n.error("sources", "only applies to policy source_priority");
            }
            boolean pii = n.optBoolean("pii", false);
            Set<String> purposes = fieldPurposes(n, declaredPurposes);
            if (!purposes.isEmpty()) {
                purposesOut.put(e.getKey(), purposes);
            }
            n.rejectUnknown();
            out.put(e.getKey(), new TraitSpec(e.getKey(), type, policy, sources, pii, n.path()));
        }
        return out;
    }

    private static List<IdentityRule> identity(DefinitionNode top) {
        List<IdentityRule> out = new ArrayList<>();
        if (!top.has("identity")) {
            return defaultIdentity();
        }
        int priority = 0;
        for (Map.Entry<String, DefinitionNode> e : top.entries("identity").entrySet()) {
            DefinitionNode n = e.getValue().requireObject();
            checkName(e.getKey(), n.path(), "identifier type");
            if (e.getKey().equals("profile_id")) {
                throw n.error("profile_id is reserved: it is the profile's own id");
            }
            List<String> from = n.optStringList("from");
            if (from.isEmpty()) {
                throw n.error("from", "is required: where in an event to find this identifier (userId, "
                        + "anonymousId, traits.email, context.device.id, properties.x)");
            }
            for (int i = 0; i < from.size(); i++) {
                String f = from.get(i);
                if (!f.equals("userId") && !f.equals("anonymousId") && !f.startsWith("traits.")
                        && !f.startsWith("context.") && !f.startsWith("properties.")) {
                    throw new DefinitionException(n.childPath("from") + "[" + i + "]", "\"" + f
                            + "\" is not userId, anonymousId, or a path under traits., context. or properties.");
                }
            }
            boolean merge = n.optBoolean("merge", true);
            int maxPerProfile = n.optInt("maxPerProfile", 100, 1, 1_000_000);
            int maxPerWindow = n.optInt("maxPerWindow", 0, 0, 1_000_000);
            Duration window = n.optDuration("window", Duration.ofDays(1));
            Set<String> blocked = new HashSet<>(IdentityRule.DEFAULT_BLOCKED);
            for (String b : n.optStringList("blocked")) {
                blocked.add(b.trim().toLowerCase(Locale.ROOT));
            }
            n.rejectUnknown();
            out.add(new IdentityRule(e.getKey(), from, merge, maxPerProfile, maxPerWindow, window, blocked, priority++));
        }
        if (out.isEmpty()) {
            throw top.error("identity", "declares no identifier types; omit it for the defaults");
        }
        return out;
    }

    /** user_id, email, device_id, anonymous_id: what a definition without an identity section gets. */
    public static List<IdentityRule> defaultIdentity() {
        Set<String> blocked = IdentityRule.DEFAULT_BLOCKED;
        return List.of(
                new IdentityRule("user_id", List.of("userId"), true, 1, 0, Duration.ofDays(1), blocked, 0),
                new IdentityRule("email", List.of("traits.email", "context.traits.email"), true, 3, 0,
                        Duration.ofDays(1), blocked, 1),
                new IdentityRule("device_id", List.of("context.device.id"), false, 20, 0, Duration.ofDays(1), blocked, 2),
                new IdentityRule("anonymous_id", List.of("anonymousId"), true, 200, 50, Duration.ofDays(1), blocked, 3));
    }

    private static List<Feature<?>> features(DefinitionNode top, Map<String, Purposes.Purpose> declaredPurposes,
                                             Map<String, Set<String>> purposesOut) {
        List<Feature<?>> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (DefinitionNode n : top.list("features")) {
            n.requireObject();
            String name = n.requireString("name");
            checkName(name, n.childPath("name"), "feature");
            if (!names.add(name)) {
                throw n.error("name", "\"" + name + "\" is declared twice");
            }
            String kindName = n.requireString("kind");
            FeatureKind kind = FeatureKinds.byName(kindName);
            if (kind == null) {
                List<String> known = new ArrayList<>();
                for (FeatureKind k : FeatureKinds.all()) {
                    known.add(k.name());
                }
                throw n.error("kind", "\"" + kindName + "\" is not a feature kind (known: " + String.join(", ", known) + ")");
            }
            Set<String> events = new LinkedHashSet<>(n.optStringList("events"));
            n.optString("description", null);
            Set<String> purposes = fieldPurposes(n, declaredPurposes);
            if (!purposes.isEmpty()) {
                purposesOut.put(name, purposes);
            }
            Feature<?> feature = kind.create(new FeatureSpec(name, kindName, events, n));
            n.rejectUnknown();
            out.add(feature);
        }
        return out;
    }

    private static List<SegmentSpec> segmentSpecs(DefinitionNode top) {
        List<SegmentSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (DefinitionNode n : top.list("segments")) {
            n.requireObject();
            String name = n.requireString("name");
            checkName(name, n.childPath("name"), "segment");
            if (!names.add(name)) {
                throw n.error("name", "\"" + name + "\" is declared twice");
            }
            String when = n.requireString("when");
            String description = n.optString("description", null);
            n.rejectUnknown();
            out.add(new SegmentSpec(name, when, description, n.path()));
        }
        return out;
    }

    private static void checkName(String name, String path, String what) {
        if (!NAME.matcher(name).matches()) {
            throw new DefinitionException(path, "\"" + name + "\" is not a valid " + what
                    + " name (lower case letters, digits and _, starting with a letter)");
        }
    }

    private static String fingerprint(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                sb.append(String.format("%02x", d[i]));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
