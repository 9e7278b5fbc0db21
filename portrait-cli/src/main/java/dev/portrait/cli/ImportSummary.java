package dev.portrait.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What became of every event of an import. Each event the files held is counted exactly once: accepted
 * (in the log now), duplicate (its messageId was already logged, by this import or an earlier one), or
 * quarantined under a code; {@code events()} is their sum. For each code the first few places
 * ({@code file:line}) are kept so a person can look at them.
 */
final class ImportSummary {
    static final int PLACES_KEPT = 5;

    private long accepted;
    private long duplicates;
    private final Map<String, Long> quarantined = new TreeMap<>();
    private final Map<String, List<String>> places = new TreeMap<>();

    void countAccepted() {
        accepted++;
    }

    void countDuplicate() {
        duplicates++;
    }

    void countQuarantined(String code, String where) {
        quarantined.merge(code, 1L, Long::sum);
        List<String> kept = places.computeIfAbsent(code, c -> new ArrayList<>());
        if (kept.size() < PLACES_KEPT) {
            kept.add(where);
        }
    }

    long accepted() {
        return accepted;
    }

    long duplicates() {
        return duplicates;
    }

    Map<String, Long> quarantinedByCode() {
        return Map.copyOf(quarantined);
    }

    long quarantinedTotal() {
        return quarantined.values().stream().mapToLong(Long::longValue).sum();
    }

    long events() {
        return accepted + duplicates + quarantinedTotal();
    }

    List<String> placesOf(String code) {
        return List.copyOf(places.getOrDefault(code, List.of()));
    }

    /** {@code 1 event}, {@code 2,000 events}. */
    static String count(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    String render() {
        StringBuilder b = new StringBuilder();
        int width = String.format(Locale.ROOT, "%,d", events()).length();
        String row = "  %-12s %," + width + "d%n";
        b.append(String.format(Locale.ROOT, row, "events", events()));
        b.append(String.format(Locale.ROOT, row, "accepted", accepted));
        b.append(String.format(Locale.ROOT, row, "duplicate", duplicates));
        b.append(String.format(Locale.ROOT, row, "quarantined", quarantinedTotal()));
        int codeWidth = quarantined.keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, Long> e : quarantined.entrySet()) {
            List<String> at = places.get(e.getKey());
            String more = e.getValue() > at.size() ? ", …" : "";
            b.append(String.format(Locale.ROOT, "    %-" + codeWidth + "s %," + width + "d  (%s%s)%n", e.getKey(),
                    e.getValue(), String.join(", ", at), more));
        }
        return b.toString();
    }
}
