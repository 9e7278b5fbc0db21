package dev.portrait.server.runtime.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portrait.core.event.EventCodec;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

/**
 * Feature and trait values as JSON bytes for the changelog, written by hand for the shapes feature
 * reads produce (null, booleans, strings, integers, finite doubles, maps and lists of them) and by
 * Jackson for anything else. The worker writes about twenty values per event; Jackson's per-call set-up
 * (a generator, a serializer lookup per value) was a seventh of the worker's time, this is a few string
 * appends. {@code JsonValuesTest} holds the output byte-equal to Jackson's on random value trees.
 */
final class JsonValues {
    private static final String HEX = "0123456789ABCDEF";

    private JsonValues() {
    }

    static byte[] bytes(Object value) {
        StringBuilder out = new StringBuilder(32);
        if (!append(out, value)) {
            try {
                return EventCodec.mapper().writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("profile values are plain JSON", e);
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code value}; false (with {@code out} in any state) when it is a shape left to Jackson. */
    private static boolean append(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            out.append(((Number) value).longValue());
        } else if (value instanceof Double d) {
            if (!Double.isFinite(d)) {
                return false;
            }
            out.append(d.doubleValue());
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    return false;
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, key);
                out.append(':');
                if (!append(out, e.getValue())) {
                    return false;
                }
            }
            out.append('}');
        } else if (value instanceof Collection<?> list) {
            out.append('[');
            boolean first = true;
            for (Object o : list) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                if (!append(out, o)) {
                    return false;
                }
            }
            out.append(']');
        } else {
            return false;
        }
        return true;
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        // Jackson's UTF-8 writer escapes surrogates too, and the bytes must equal its
                        out.append("\\u").append(HEX.charAt(c >> 12)).append(HEX.charAt(c >> 8 & 0xF))
                                .append(HEX.charAt(c >> 4 & 0xF)).append(HEX.charAt(c & 0xF));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
