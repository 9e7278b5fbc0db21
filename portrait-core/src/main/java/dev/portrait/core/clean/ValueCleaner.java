package dev.portrait.core.clean;

import dev.portrait.core.definition.CleaningPolicy;
import dev.portrait.core.definition.TraitSpec;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.event.OverlongNumber;
import dev.portrait.core.event.UntrustedJson;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Walks one JSON value tree (the properties, traits, context or an unknown top-level field of an
 * event), checking the size limits before looking at anything expensive, and builds the cleaned
 * copy: numbers as {@code Long}/{@code Double}, strings checked and redacted, containers frozen.
 *
 * <p>The walk recurses, one frame per level of nesting, and refuses to go deeper than the policy's
 * {@code maxDepth} (never deeper than {@link #HARD_MAX_DEPTH}, whatever the policy says), so a
 * hostile depth-1000 Java map costs sixteen frames, not a stack overflow.
 */
final class ValueCleaner {
    /** Nothing nests deeper than the JSON parser would accept, even under a lenient policy. */
    static final int HARD_MAX_DEPTH = EventCodec.MAX_PARSE_DEPTH;
    /** Jackson's default limit on the length of a number; a longer one is no measurement. */
    private static final int MAX_NUMBER_DIGITS = UntrustedJson.MAX_NUMBER_CHARS;
    /** Enough bits for {@link #MAX_NUMBER_DIGITS} decimal digits; checked before anything costs. */
    private static final int MAX_NUMBER_BITS = 3322;
    private static final double LONG_LIMIT = 0x1p63;
    static final String REDACTED = "[redacted]";

    private final int maxStringLength;
    private final int maxMapEntries;
    private final int maxArrayLength;
    private final int maxDepth;
    private final boolean redactCardNumbers;
    /**
     * Key instances already checked, by hash. The JSON parser hands out one canonical instance per key
     * name, so an event's few dozen keys are the same objects event after event, and their character scan
     * (a tenth of the cleaning) is done once. Shared by every thread of a runtime without locks: a slot
     * holds a reference to an immutable string, a write is atomic, and a stale or lost write is a miss
     * that scans again, never a key let through unscanned.
     */
    private final String[] checkedKeys = new String[KEY_SLOTS];
    private static final int KEY_SLOTS = 1024;

    ValueCleaner(CleaningPolicy policy) {
        this.maxStringLength = policy.maxStringLength();
        this.maxMapEntries = policy.maxMapEntries();
        this.maxArrayLength = policy.maxArrayLength();
        this.maxDepth = Math.min(policy.maxDepth(), HARD_MAX_DEPTH);
        this.redactCardNumbers = policy.redactCardNumbers();
    }

    /**
     * A top-level object (properties, traits, context) as a mutable map, so that the cleaner can
     * still apply the definition's property rules to it; everything nested is already frozen.
     */
    LinkedHashMap<String, Object> section(Object raw, FieldPath path, FieldRules rules, Notes notes) {
        if (raw == null) {
            return new LinkedHashMap<>();
        }
        if (!(raw instanceof Map<?, ?> m)) {
            throw new Rejection(RejectionCode.WRONG_TYPE, path, "expected an object, got " + ValueText.kindAndValue(raw));
        }
        return object(m, path, 1, rules, notes);
    }

    /**
     * The cleaned form of any value.
     *
     * @param depth the nesting level this value has if it is an object or array (1 for a value
     *              directly under the event)
     */
    Object value(Object v, FieldPath path, int depth, FieldRules rules, Notes notes) {
        TraitSpec trait = rules == null ? null : rules.trait;
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return string(s, path, rules, notes);
        }
        if (v instanceof Boolean) {
            return trait == null ? v : trait(v, trait, path);
        }
        if (v instanceof Number n) {
            Object x = number(n, path);
            return trait == null ? x : trait(x, trait, path);
        }
        if (v instanceof Map<?, ?> m) {
            if (trait != null) {
                throw wrongTrait(trait, v, path);
            }
            return Collections.unmodifiableMap(object(m, path, depth, rules, notes));
        }
        if (v instanceof List<?> l) {
            if (trait != null) {
                throw wrongTrait(trait, v, path);
            }
            return array(l, path, depth, notes);
        }
        throw new Rejection(RejectionCode.WRONG_TYPE, path, ValueText.of(v) + " is not a JSON value");
    }

    private LinkedHashMap<String, Object> object(Map<?, ?> m, FieldPath path, int depth, FieldRules rules,
                                                 Notes notes) {
        checkDepth(path, depth);
        int size = m.size();
        if (size > maxMapEntries) {
            throw tooMany(path, size);
        }
        LinkedHashMap<String, Object> out = new LinkedHashMap<>(size * 4 / 3 + 1);
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (out.size() == maxMapEntries) {
                throw tooMany(path, out.size() + 1);
            }
            String key = key(e.getKey(), path);
            FieldPath at = path.key(key);
            out.put(key, value(e.getValue(), at, depth + 1, rules == null ? null : rules.child(key), notes));
        }
        return out;
    }

    private List<Object> array(List<?> l, FieldPath path, int depth, Notes notes) {
        checkDepth(path, depth);
        int size = l.size();
        if (size > maxArrayLength) {
            throw tooLong(path, size);
        }
        ArrayList<Object> out = new ArrayList<>(size);
        for (Object item : l) {
            if (out.size() == maxArrayLength) {
                throw tooLong(path, out.size() + 1);
            }
            out.add(value(item, path.index(out.size()), depth + 1, null, notes));
        }
        return Collections.unmodifiableList(out);
    }

    private void checkDepth(FieldPath path, int depth) {
        if (depth > maxDepth) {
            throw new Rejection(RejectionCode.NESTING_TOO_DEEP, path, "nested " + depth + " levels deep; the limit is "
                    + maxDepth + (maxDepth == HARD_MAX_DEPTH ? " (the cleaner's own ceiling)" : " (cleaning.maxDepth)"));
        }
    }

    private Rejection tooMany(FieldPath path, int size) {
        return new Rejection(RejectionCode.TOO_MANY_ENTRIES, path, "an object of " + size
                + " entries is larger than cleaning.maxMapEntries " + maxMapEntries);
    }

    private Rejection tooLong(FieldPath path, int size) {
        return new Rejection(RejectionCode.ARRAY_TOO_LONG, path, "an array of " + size
                + " items is longer than cleaning.maxArrayLength " + maxArrayLength);
    }

    /** A map key, checked like any string; Java callers can put anything in a map. */
    String key(Object k, FieldPath parent) {
        if (!(k instanceof String key)) {
            throw new Rejection(RejectionCode.WRONG_TYPE, parent, "key " + ValueText.kindAndValue(k)
                    + " is not a string");
        }
        int slot = key.hashCode() & (KEY_SLOTS - 1);
        if (checkedKeys[slot] == key) {
            return key;
        }
        checkText(key, parent, key, "key");
        checkedKeys[slot] = key;
        return key;
    }

    private Object string(String s, FieldPath path, FieldRules rules, Notes notes) {
        checkText(s, path, null, "string");
        String out = s;
        if (redactCardNumbers && CardNumbers.looksLikeCardNumber(s)) {
            notes.add(path + " redacted: looks like a card number");
            out = REDACTED;
        }
        if (rules != null) {
            if (rules.trait != null) {
                trait(out, rules.trait, path);
            }
            if (rules.email) {
                out = emailForm(out);
            }
            if (rules.country) {
                String code = CountryCodes.alpha2(out);
                if (code != null) {
                    out = code;
                }
            }
        }
        return out;
    }

    /**
     * Stripped, with ASCII letters lower-cased. Domains are ASCII (or punycode) and matched without
     * regard to case; non-ASCII local parts are left alone, since Unicode case mapping can change a
     * string's length and is not what mail servers do.
     */
    static String emailForm(String email) {
        String s = email.strip();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (chars[j] >= 'A' && chars[j] <= 'Z') {
                        chars[j] = (char) (chars[j] + ('a' - 'A'));
                    }
                }
                return new String(chars);
            }
        }
        return s;
    }

    /**
     * Checks length first (cheap), then every character; names the first bad one. For a key,
     * {@code path} is its object and the key's own path is only built when it is rejected.
     */
    void checkText(String s, FieldPath path, String key, String what) {
        int n = s.length();
        if (n > maxStringLength) {
            throw new Rejection(RejectionCode.STRING_TOO_LONG, key == null ? path : path.key(key), "a " + what + " of " + n
                    + " characters is longer than cleaning.maxStringLength " + maxStringLength);
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                if (c != '\t' && c != '\n' && c != '\r') {
                    throw badChar(s, key == null ? path : path.key(key), what, "control character U+" + hex(c), i);
                }
            } else if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    throw badChar(s, key == null ? path : path.key(key), what, "lone surrogate U+" + hex(c), i);
                }
            }
        }
    }

    private static Rejection badChar(String s, FieldPath path, String what, String which, int at) {
        return new Rejection(RejectionCode.INVALID_STRING, path, what + " " + ValueText.of(s) + " holds a " + which
                + " at index " + at);
    }

    private static String hex(char c) {
        return String.format(Locale.ROOT, "%04X", (int) c);
    }

    /** A declared trait's value in the trait's type, or a rejection. */
    private static Object trait(Object v, TraitSpec spec, FieldPath path) {
        switch (spec.type()) {
            case STRING:
                if (v instanceof String) {
                    return v;
                }
                break;
            case BOOLEAN:
                if (v instanceof Boolean) {
                    return v;
                }
                break;
            case NUMBER:
                if (v instanceof Long l) {
                    return l.doubleValue();
                }
                if (v instanceof Double) {
                    return v;
                }
                break;
            case INTEGER:
                Long l = integral(v);
                if (l != null) {
                    return l;
                }
                break;
            default:
                throw new IllegalStateException("trait type " + spec.type());
        }
        throw wrongTrait(spec, v, path);
    }

    private static Rejection wrongTrait(TraitSpec spec, Object v, FieldPath path) {
        return new Rejection(RejectionCode.WRONG_TYPE, path, "trait " + spec.name() + " is declared "
                + spec.type().name().toLowerCase(Locale.ROOT) + ", got " + ValueText.kindAndValue(v));
    }

    /** A cleaned number as a {@code Long} when it is a whole number within a long's range, else {@code null}. */
    static Long integral(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d && d == Math.rint(d) && d >= -LONG_LIMIT && d < LONG_LIMIT) {
            return d.longValue();
        }
        return null;
    }

    /**
     * A number as the event model holds it: integral types become {@code Long}, the others
     * {@code Double}; anything that cannot be one of those exactly enough is rejected.
     */
    static Object number(Number n, FieldPath path) {
        if (n instanceof Long) {
            return n;
        }
        if (n instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw invalidNumber(path, d + " is not a finite number");
            }
            return d;
        }
        if (n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return n.longValue();
        }
        if (n instanceof Float f) {
            if (f.isNaN() || f.isInfinite()) {
                throw invalidNumber(path, f + " is not a finite number");
            }
            // via the shortest decimal form, so 0.1f stays 0.1 and does not become 0.10000000149011612
            return Double.parseDouble(Float.toString(f));
        }
        if (n instanceof BigInteger b) {
            if (b.bitLength() > 63) {
                throw invalidNumber(path, (b.bitLength() > MAX_NUMBER_BITS ? "an integer of " + b.bitLength()
                        + " bits" : ValueText.of(b)) + " is beyond the range of a long");
            }
            return b.longValue();
        }
        if (n instanceof BigDecimal d) {
            return decimal(d, path);
        }
        if (n instanceof OverlongNumber o) {
            throw invalidNumber(path, "a number written with " + o.length() + " characters ("
                    + ValueText.of(o) + ") is longer than the " + MAX_NUMBER_DIGITS + " any value is read from");
        }
        throw new Rejection(RejectionCode.WRONG_TYPE, path, "a " + n.getClass().getName() + " (" + ValueText.of(n)
                + ") is not a JSON number type");
    }

    private static Object decimal(BigDecimal d, FieldPath path) {
        if (d.unscaledValue().bitLength() > MAX_NUMBER_BITS) {
            throw invalidNumber(path, "a number of more than " + MAX_NUMBER_DIGITS + " digits");
        }
        // digits before the point; checked before any conversion, which can cost as much as the exponent
        long magnitude = (long) d.precision() - d.scale();
        if (d.scale() <= 0) {
            if (magnitude > 19) {
                throw invalidNumber(path, ValueText.of(d) + " is beyond the range of a long");
            }
            BigInteger b = d.toBigInteger();
            if (b.bitLength() > 63) {
                throw invalidNumber(path, ValueText.of(d) + " is beyond the range of a long");
            }
            return b.longValue();
        }
        if (magnitude > 309) {
            throw invalidNumber(path, ValueText.of(d) + " is too large for a double");
        }
        if (magnitude < -400) {
            return d.signum() < 0 ? -0.0 : 0.0;
        }
        double v = d.doubleValue();
        if (Double.isInfinite(v)) {
            throw invalidNumber(path, ValueText.of(d) + " is too large for a double");
        }
        return v;
    }

    private static Rejection invalidNumber(FieldPath path, String why) {
        return new Rejection(RejectionCode.INVALID_NUMBER, path, why);
    }
}
