package dev.portrait.core.clean;

import java.util.List;
import java.util.Map;

/**
 * How a bad value is shown in a rejection message: short, printable and unambiguous, whatever the
 * value is (a 1 MB string, a lone surrogate, a Java object that is not JSON).
 */
final class ValueText {
    private static final int MAX_STRING_SHOWN = 40;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private ValueText() {
    }

    static String of(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_STRING_SHOWN) + 8).append('"');
            escapeInto(b, s, MAX_STRING_SHOWN);
            return b.append('"').toString();
        }
        if (v instanceof Map<?, ?> m) {
            return "an object of " + m.size() + " entries";
        }
        if (v instanceof List<?> l) {
            return "an array of " + l.size() + " items";
        }
        if (v instanceof Boolean || v instanceof Long || v instanceof Integer || v instanceof Short
                || v instanceof Byte || v instanceof Double || v instanceof Float) {
            return v.toString();
        }
        if (v instanceof Number n) {
            String text = n.toString();
            return text.length() > MAX_STRING_SHOWN ? text.substring(0, MAX_STRING_SHOWN) + "… (" + text.length()
                    + " characters)" : text;
        }
        return "a " + v.getClass().getName();
    }

    /** The JSON kind of a value, for "expected a string, got …" messages. */
    static String kind(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof Number) {
            return "number";
        }
        if (v instanceof Map) {
            return "object";
        }
        if (v instanceof List) {
            return "array";
        }
        return v.getClass().getName();
    }

    static String kindAndValue(Object v) {
        return v == null || v instanceof Map || v instanceof List ? of(v) : kind(v) + " " + of(v);
    }

    /** Appends {@code s} JSON-escaped, at most {@code max} characters of it, marking the cut. */
    static void escapeInto(StringBuilder b, String s, int max) {
        int n = Math.min(s.length(), max);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                b.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                        .append(HEX[c & 0xf]);
            } else {
                b.append(c);
            }
        }
        if (s.length() > max) {
            b.append("…(").append(s.length()).append(" characters)");
        }
    }
}
