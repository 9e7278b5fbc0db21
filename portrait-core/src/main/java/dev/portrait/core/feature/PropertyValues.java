package dev.portrait.core.feature;

import dev.portrait.core.event.Event;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The string values of a key-like property (category, brand, tag, product id). A list counts as
 * each of its elements, because tag-like properties arrive as arrays; an element repeated in one
 * event counts once, since one event says "this item has that tag" only once. Numbers and booleans
 * are rendered as {@link Event#string} does; maps and nulls are not keys.
 */
final class PropertyValues {
    private PropertyValues() {
    }

    static List<String> strings(Event event, String property) {
        return strings(event.properties().get(property));
    }

    /** The keys in a property's value, as {@link #strings(Event, String)} says. */
    static List<String> strings(Object v) {
        if (v instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object element : list) {
                String s = scalar(element);
                if (s != null && !out.contains(s)) {
                    out.add(s);
                }
            }
            return out;
        }
        String s = scalar(v);
        return s == null ? List.of() : List.of(s);
    }

    private static String scalar(Object v) {
        if (v == null || v instanceof Map || v instanceof List) {
            return null;
        }
        return v.toString();
    }
}
