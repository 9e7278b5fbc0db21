package dev.portrait.core.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An item a user interacted with recently and when (epoch ms): the user's side of item-to-item
 * co-occurrence and of item-based recommendation. The runtime takes these from the profile, usually
 * a {@code last_n} feature over the item property.
 */
public record RecentItem(String item, long time) {
    public RecentItem {
        if (item == null || item.isEmpty()) {
            throw new IllegalArgumentException("a recent item needs an item id, got " + (item == null ? "null" : "\"\""));
        }
    }

    /**
     * Reads the value of a {@code last_n} feature (a list of {@code {item, at}} maps, as
     * {@code LastN.read} gives it); entries of any other shape are skipped, so a stale or odd value
     * means "no history" rather than an error.
     */
    public static List<RecentItem> fromLastN(Object lastNValue) {
        if (!(lastNValue instanceof List<?> entries)) {
            return List.of();
        }
        List<RecentItem> out = new ArrayList<>(entries.size());
        for (Object entry : entries) {
            if (entry instanceof Map<?, ?> m && m.get("item") instanceof String item && !item.isEmpty()
                    && m.get("at") instanceof Number at) {
                out.add(new RecentItem(item, at.longValue()));
            }
        }
        return Collections.unmodifiableList(out);
    }
}
