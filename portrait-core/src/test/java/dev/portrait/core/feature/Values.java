package dev.portrait.core.feature;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Compares feature values: integers and strings exactly, doubles with a relative tolerance of 1e-9
 * (and an absolute floor far below anything meaningful, for contributions that underflow), maps by
 * their key sets and values, lists element by element.
 */
final class Values {
    static final double RELATIVE = 1e-9;
    static final double ABSOLUTE = 1e-300;

    private Values() {
    }

    static boolean same(Object a, Object b) {
        return difference(a, b, "") == null;
    }

    /** Where {@code a} and {@code b} differ, or {@code null} when they agree. */
    static String difference(Object a, Object b, String at) {
        if (a == null || b == null) {
            return a == b ? null : at + ": " + a + " vs " + b;
        }
        if (a instanceof Double x && b instanceof Double y) {
            double tolerance = Math.max(ABSOLUTE, RELATIVE * Math.max(Math.abs(x), Math.abs(y)));
            return Math.abs(x - y) <= tolerance || x.equals(y) ? null : at + ": " + x + " vs " + y;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return at + ": keys " + x.keySet() + " vs " + y.keySet();
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                String d = difference(e.getValue(), y.get(e.getKey()), at + "." + e.getKey());
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return at + ": " + x.size() + " elements vs " + y.size() + " (" + x + " vs " + y + ")";
            }
            Iterator<?> i = x.iterator();
            Iterator<?> j = y.iterator();
            for (int k = 0; i.hasNext(); k++) {
                String d = difference(i.next(), j.next(), at + "[" + k + "]");
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (a.getClass() != b.getClass()) {
            return at + ": " + a + " (" + a.getClass().getSimpleName() + ") vs " + b
                    + " (" + b.getClass().getSimpleName() + ")";
        }
        return a.equals(b) ? null : at + ": " + a + " vs " + b;
    }

    static void assertSame(Object actual, Object expected, String what) {
        String d = difference(actual, expected, "value");
        if (d != null) {
            throw new AssertionError(what + " differs at " + d + "\n  actual:   " + actual + "\n  expected: " + expected);
        }
    }
}
