package dev.portrait.core.clean;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A message id for events that arrive without one, so that a client retrying the same call is still
 * deduplicated: {@code "derived-"} and the first 128 bits of the SHA-256 of the event's canonical
 * JSON (keys sorted at every level, numbers in the event model's form, so a Java {@code Integer} and
 * a JSON {@code 3} hash alike).
 *
 * <p>{@code receivedAt} is left out because a retry is received later; {@code messageId} because it
 * is absent or blank; {@code writeKey} because it is a credential, not content. The flip side: two
 * genuinely separate events with the same content and no client time of their own get the same id,
 * and the second counts as a duplicate. Senders that care set a messageId, as every Segment SDK does.
 *
 * <p>Only called on an event the cleaner has walked, so every value is a JSON value and the nesting
 * is bounded.
 */
final class DerivedMessageId {
    static final String PREFIX = "derived-";
    private static final Set<String> LEFT_OUT = Set.of("receivedAt", "messageId", "writeKey");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private DerivedMessageId() {
    }

    static String of(Map<?, ?> raw) {
        StringBuilder json = new StringBuilder(256);
        writeObject(json, raw, true);
        byte[] digest = sha256().digest(json.toString().getBytes(StandardCharsets.UTF_8));
        StringBuilder id = new StringBuilder(PREFIX.length() + 32).append(PREFIX);
        for (int i = 0; i < 16; i++) {
            id.append(HEX[digest[i] >> 4 & 0xf]).append(HEX[digest[i] & 0xf]);
        }
        return id.toString();
    }

    /** The canonical text of a value; visible for tests that pin the format. */
    static String canonical(Map<?, ?> raw) {
        StringBuilder json = new StringBuilder();
        writeObject(json, raw, true);
        return json.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            writeString(b, s);
        } else if (v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Number n) {
            b.append(ValueCleaner.number(n, FieldPath.ROOT));
        } else if (v instanceof Map<?, ?> m) {
            writeObject(b, m, false);
        } else if (v instanceof List<?> l) {
            b.append('[');
            boolean first = true;
            for (Object x : l) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                write(b, x);
            }
            b.append(']');
        } else {
            throw new IllegalStateException("not a JSON value: " + v.getClass().getName());
        }
    }

    private static void writeObject(StringBuilder b, Map<?, ?> m, boolean top) {
        String[] keys = new String[m.size()];
        int n = 0;
        for (Object k : m.keySet()) {
            String key = (String) k;
            if (!(top && LEFT_OUT.contains(key))) {
                keys[n++] = key;
            }
        }
        keys = Arrays.copyOf(keys, n);
        Arrays.sort(keys);
        b.append('{');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append(',');
            }
            writeString(b, keys[i]);
            b.append(':');
            write(b, m.get(keys[i]));
        }
        b.append('}');
    }

    private static void writeString(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
