package dev.portrait.flink;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Compares two profiles' JSON. Everything must be equal, with one allowance: floating-point values may
 * differ in their last bits (relative 1e-9). The embedded runtime folds in log order and the Flink job in
 * event-time order; the features are order-free in value, but a decayed sum added up in another order
 * rounds differently in the 16th digit.
 */
final class ProfileJson {
    private ProfileJson() {
    }

    static List<String> differences(JsonNode expected, JsonNode actual) {
        List<String> out = new ArrayList<>();
        compare("$", expected, actual, out);
        return out;
    }

    private static void compare(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a.isNumber() && b.isNumber()) {
            double x = a.asDouble();
            double y = b.asDouble();
            if (a.isIntegralNumber() && b.isIntegralNumber() ? a.asLong() != b.asLong()
                    : Math.abs(x - y) > 1e-9 * Math.max(1, Math.max(Math.abs(x), Math.abs(y)))) {
                out.add(path + ": " + a + " ≠ " + b);
            }
            return;
        }
        if (a.getNodeType() != b.getNodeType()) {
            out.add(path + ": " + a + " ≠ " + b);
            return;
        }
        if (a.isObject()) {
            List<String> names = new ArrayList<>();
            a.fieldNames().forEachRemaining(names::add);
            List<String> other = new ArrayList<>();
            b.fieldNames().forEachRemaining(other::add);
            if (!names.equals(other)) {
                out.add(path + ": fields " + names + " ≠ " + other);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                compare(path + "." + e.getKey(), e.getValue(), b.get(e.getKey()), out);
            }
        } else if (a.isArray()) {
            if (a.size() != b.size()) {
                out.add(path + ": " + a + " ≠ " + b);
                return;
            }
            for (int i = 0; i < a.size(); i++) {
                compare(path + "[" + i + "]", a.get(i), b.get(i), out);
            }
        } else if (!a.equals(b)) {
            out.add(path + ": " + a + " ≠ " + b);
        }
    }
}
