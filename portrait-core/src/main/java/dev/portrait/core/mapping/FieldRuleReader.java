package dev.portrait.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads one {@link FieldRule} from its YAML node; every error names the path inside the mapping. */
final class FieldRuleReader {
    private static final Set<String> KEYS = Set.of("column", "value", "type", "transform", "cases", "otherwise",
            "pattern", "zone");

    private FieldRuleReader() {
    }

    /** {@code target: Header} or {@code target: {...}}; errors name {@code path}. */
    static FieldRule read(String target, JsonNode node, FieldRule.Kind fallback, String path, String source) {
        if (node.isTextual()) {
            return new FieldRule(target, node.asText(), fallback, null, List.of(), List.of(), null, null, null);
        }
        if (!node.isObject() || !(node.has("column") || node.has("value"))) {
            throw new MappingException(source, path, "must be a column header, {column: header, …} or {value: constant}");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new MappingException(source, path + "." + k, "is not known (column, value, type, transform, "
                        + "cases, otherwise, pattern, zone)");
            }
        }
        if (node.has("column") && node.has("value")) {
            throw new MappingException(source, path, "has both column and value; a field is read from a column or "
                    + "is a constant");
        }
        FieldRule.Kind kind = fallback;
        if (node.has("type")) {
            String t = node.get("type").asText();
            try {
                kind = FieldRule.Kind.valueOf(t.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new MappingException(source, path + ".type", "\"" + t + "\" is not one of string, integer, "
                        + "number, boolean, timestamp");
            }
        }
        String pattern = null;
        if (node.has("pattern")) {
            if (kind != FieldRule.Kind.TIMESTAMP) {
                throw new MappingException(source, path + ".pattern", "is for timestamps; add type: timestamp");
            }
            pattern = node.get("pattern").asText();
            try {
                DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new MappingException(source, path + ".pattern", "\"" + node.get("pattern").asText()
                        + "\" is not a date-time pattern: " + e.getMessage());
            }
        }
        ZoneId zone = null;
        if (node.has("zone")) {
            if (kind != FieldRule.Kind.TIMESTAMP) {
                throw new MappingException(source, path + ".zone", "is for timestamps; add type: timestamp");
            }
            try {
                zone = ZoneId.of(node.get("zone").asText().strip());
            } catch (DateTimeException e) {
                throw new MappingException(source, path + ".zone", "\"" + node.get("zone").asText() + "\" is not a time "
                        + "zone (Europe/London, UTC, +08:00)");
            }
        }
        List<FieldRule.Transform> transforms = transforms(node.get("transform"), kind, path + ".transform", source);
        if (node.has("value")) {
            JsonNode v = node.get("value");
            if (!v.isValueNode() || v.isNull()) {
                throw new MappingException(source, path + ".value", "must be a text, a number or a boolean");
            }
            for (String k : List.of("transform", "cases", "otherwise", "pattern", "zone")) {
                if (node.has(k)) {
                    throw new MappingException(source, path + "." + k, "applies to a column, not to a constant");
                }
            }
            FieldRule probe = new FieldRule(target, "", kind, null, List.of(), List.of(), null, null, null);
            Object constant;
            try {
                constant = probe.convert(v.asText());
            } catch (IllegalArgumentException e) {
                throw new MappingException(source, path + ".value", e.getMessage());
            }
            return new FieldRule(target, null, kind, constant, List.of(), List.of(), null, null, null);
        }
        String column = node.get("column").asText();
        List<FieldRule.Case> cases = cases(node.get("cases"), path + ".cases", source);
        String otherwise = node.has("otherwise") ? node.get("otherwise").asText() : null;
        FieldRule rule = new FieldRule(target, column, kind, null, transforms, cases, otherwise, pattern, zone);
        // a case's value is converted on every row it matches: check it converts once, here
        for (int i = 0; i < cases.size(); i++) {
            check(rule, cases.get(i).value(), path + ".cases[" + i + "].value", source);
        }
        if (otherwise != null) {
            check(rule, otherwise, path + ".otherwise", source);
        }
        return rule;
    }

    private static void check(FieldRule rule, String value, String path, String source) {
        try {
            rule.convert(value);
        } catch (IllegalArgumentException e) {
            throw new MappingException(source, path, e.getMessage());
        }
    }

    private static List<FieldRule.Transform> transforms(JsonNode node, FieldRule.Kind kind, String path, String source) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        List<JsonNode> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(items::add);
        } else {
            items.add(node);
        }
        List<FieldRule.Transform> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String word = items.get(i).asText();
            String at = node.isArray() ? path + "[" + i + "]" : path;
            FieldRule.Transform t;
            try {
                t = FieldRule.Transform.valueOf(word.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new MappingException(source, at, "\"" + word + "\" is not one of trim, lower, upper, id, abs");
            }
            if (t == FieldRule.Transform.ABS && kind != FieldRule.Kind.INTEGER && kind != FieldRule.Kind.NUMBER) {
                throw new MappingException(source, at, "abs is for numbers; add type: integer or type: number");
            }
            out.add(t);
        }
        return List.copyOf(out);
    }

    private static List<FieldRule.Case> cases(JsonNode node, String path, String source) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new MappingException(source, path, "must be a list of tests, e.g. [{startsWith: C, value: Order "
                    + "Refunded}]");
        }
        List<FieldRule.Case> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode c = node.get(i);
            String at = path + "[" + i + "]";
            if (!c.isObject() || !c.has("value") || c.size() != 2) {
                throw new MappingException(source, at, "must be one test (startsWith, endsWith, equals or contains) "
                        + "and a value, e.g. {startsWith: C, value: Order Refunded}");
            }
            FieldRule.Test test = null;
            for (FieldRule.Test t : FieldRule.Test.values()) {
                if (c.has(t.key)) {
                    test = t;
                }
            }
            if (test == null) {
                String key = null;
                for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!k.equals("value")) {
                        key = k;
                    }
                }
                throw new MappingException(source, at + "." + key, "is not a test (startsWith, endsWith, equals, "
                        + "contains)");
            }
            out.add(new FieldRule.Case(test, c.get(test.key).asText(), c.get("value").asText()));
        }
        return List.copyOf(out);
    }
}
