package dev.portrait.core.definition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A path-aware view of one node of a definition's YAML. Every getter that rejects a value throws a
 * {@link DefinitionException} naming the full path ({@code features[3].window}) and the reason
 * ({@code "7x" is not a duration}), so the loader and every feature kind report errors the same way.
 * Call {@link #rejectUnknown()} after reading to catch misspelt keys.
 */
public final class DefinitionNode {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w)");

    private final JsonNode node;
    private final String path;
    private final Set<String> read = new TreeSet<>();

    public DefinitionNode(JsonNode node, String path) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
    }

    public String path() {
        return path;
    }

    public JsonNode json() {
        return node;
    }

    public String childPath(String key) {
        boolean plain = key.matches("[A-Za-z_][A-Za-z0-9_]*");
        String k = plain ? key : "\"" + key + "\"";
        return path.isEmpty() ? k : path + "." + k;
    }

    public boolean has(String key) {
        read.add(key);
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    public DefinitionNode child(String key) {
        read.add(key);
        return new DefinitionNode(node.get(key), childPath(key));
    }

    public DefinitionException error(String reason) {
        return new DefinitionException(path, reason);
    }

    public DefinitionException error(String key, String reason) {
        return new DefinitionException(childPath(key), reason);
    }

    public boolean isMissing() {
        return node.isMissingNode() || node.isNull();
    }

    public String requireString(String key) {
        String s = optString(key, null);
        if (s == null) {
            throw error(key, "is required");
        }
        return s;
    }

    public String optString(String key, String fallback) {
        read.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isValueNode() || v.isBoolean() && false) {
            throw error(key, "must be a string, got " + describe(v));
        }
        String s = v.asText().trim();
        if (s.isEmpty()) {
            throw error(key, "must not be empty");
        }
        return s;
    }

    public <E extends Enum<E>> E optEnum(String key, Class<E> type, E fallback) {
        String s = optString(key, null);
        if (s == null) {
            return fallback;
        }
        String wanted = s.toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw error(key, "\"" + s + "\" is not one of " + names);
    }

    public boolean optBoolean(String key, boolean fallback) {
        read.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isBoolean()) {
            throw error(key, "must be true or false, got " + describe(v));
        }
        return v.booleanValue();
    }

    public double optDouble(String key, double fallback, double min, double max) {
        read.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw error(key, "must be a number, got " + describe(v));
        }
        double d = v.doubleValue();
        if (!(d >= min && d <= max)) {
            throw error(key, d + " is outside [" + min + ", " + max + "]");
        }
        return d;
    }

    public int optInt(String key, int fallback, int min, int max) {
        read.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber()) {
            throw error(key, "must be a whole number, got " + describe(v));
        }
        long l = v.longValue();
        if (l < min || l > max) {
            throw error(key, l + " is outside [" + min + ", " + max + "]");
        }
        return (int) l;
    }

    /** A duration such as {@code 90s}, {@code 15m}, {@code 24h}, {@code 7d}, {@code 2w} or {@code 1h30m}. */
    public Duration optDuration(String key, Duration fallback) {
        read.add(key);
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        Duration d = parseDuration(v.isValueNode() ? v.asText().trim() : null);
        if (d == null) {
            throw error(key, (v.isTextual() ? "\"" + v.asText() + "\"" : describe(v))
                    + " is not a duration (like 90s, 15m, 24h, 7d, 2w)");
        }
        if (d.isZero() || d.isNegative()) {
            throw error(key, "\"" + v.asText() + "\" must be longer than zero");
        }
        return d;
    }

    public Duration requireDuration(String key) {
        if (!has(key)) {
            throw error(key, "is required");
        }
        return optDuration(key, null);
    }

    /** Parses {@code 24h}-style durations; {@code null} when the text is not one. */
    public static Duration parseDuration(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        Matcher m = DURATION.matcher(text);
        int at = 0;
        Duration total = Duration.ZERO;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                return null;
            }
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                return null;
            }
            Duration part;
            switch (m.group(2)) {
                case "ms": part = Duration.ofMillis(n); break;
                case "s": part = Duration.ofSeconds(n); break;
                case "m": part = Duration.ofMinutes(n); break;
                case "h": part = Duration.ofHours(n); break;
                case "d": part = Duration.ofDays(n); break;
                default: part = Duration.ofDays(7 * n); break;
            }
            total = total.plus(part);
            at = m.end();
        }
        return total;
    }

    /** A list of strings; a single string is taken as a list of one. */
    public List<String> optStringList(String key) {
        read.add(key);
        JsonNode v = node.get(key);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (v.isTextual()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            throw error(key, "must be a list of strings, got " + describe(v));
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode x = v.get(i);
            if (!x.isValueNode() || x.isNull()) {
                throw new DefinitionException(childPath(key) + "[" + i + "]", "must be a string, got " + describe(x));
            }
            out.add(x.asText());
        }
        return out;
    }

    /** A map of names to numbers ({@code weights: {Product Viewed: 1, Order Completed: 5}}). */
    public Map<String, Double> optNumberMap(String key) {
        DefinitionNode m = child(key);
        Map<String, Double> out = new LinkedHashMap<>();
        if (m.isMissing()) {
            return out;
        }
        if (!m.node.isObject()) {
            throw error(key, "must be a map of names to numbers, got " + describe(m.node));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = m.node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber() || !Double.isFinite(e.getValue().doubleValue())) {
                throw new DefinitionException(m.childPath(e.getKey()), "must be a number, got " + describe(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().doubleValue());
        }
        return out;
    }

    /** The children of a list node, each with its indexed path ({@code features[3]}). */
    public List<DefinitionNode> list(String key) {
        read.add(key);
        JsonNode v = node.get(key);
        List<DefinitionNode> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw error(key, "must be a list, got " + describe(v));
        }
        for (int i = 0; i < v.size(); i++) {
            out.add(new DefinitionNode(v.get(i), childPath(key) + "[" + i + "]"));
        }
        return out;
    }

    /** The entries of a map node, in document order, each with its keyed path. */
    public Map<String, DefinitionNode> entries(String key) {
        read.add(key);
        JsonNode v = node.get(key);
        Map<String, DefinitionNode> out = new LinkedHashMap<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isObject()) {
            throw error(key, "must be a map, got " + describe(v));
        }
        DefinitionNode parent = child(key);
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), new DefinitionNode(e.getValue(), parent.childPath(e.getKey())));
        }
        return out;
    }

    /** Fails when this node is not a map. */
    public DefinitionNode requireObject() {
        if (!node.isObject()) {
            throw error("must be a map, got " + describe(node));
        }
        return this;
    }

    /** Fails naming the first key that no getter asked for: catches misspellings like {@code windw}. */
    public void rejectUnknown() {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!read.contains(k)) {
                throw error(k, "unknown key (known here: " + String.join(", ", read) + ")");
            }
        }
    }

    static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "nothing";
        }
        if (v.isTextual()) {
            return "\"" + v.asText() + "\"";
        }
        if (v.isObject()) {
            return "a map";
        }
        if (v.isArray()) {
            return "a list";
        }
        return v.toString();
    }
}
