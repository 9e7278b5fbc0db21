package dev.portrait.cli;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The counts an import printed, read back from its text. */
record ImportSummaryText(long events, long accepted, long duplicates, long quarantined, Map<String, Long> byCode,
                         Map<String, String> placesByCode) {
    private static final Pattern ROW = Pattern.compile("(?m)^  (events|accepted|duplicate|quarantined)\\s+([\\d,]+)$");
    private static final Pattern CODE = Pattern.compile("(?m)^    ([a-z_]+)\\s+([\\d,]+)  \\((.*)\\)$");

    static ImportSummaryText parse(String out) {
        Map<String, Long> rows = new TreeMap<>();
        Matcher m = ROW.matcher(out);
        while (m.find()) {
            rows.put(m.group(1), Long.parseLong(m.group(2).replace(",", "")));
        }
        if (rows.size() != 4) {
            throw new AssertionError("no import summary in:\n" + out);
        }
        Map<String, Long> codes = new TreeMap<>();
        Map<String, String> places = new TreeMap<>();
        Matcher c = CODE.matcher(out);
        while (c.find()) {
            codes.put(c.group(1), Long.parseLong(c.group(2).replace(",", "")));
            places.put(c.group(1), c.group(3));
        }
        return new ImportSummaryText(rows.get("events"), rows.get("accepted"), rows.get("duplicate"),
                rows.get("quarantined"), codes, places);
    }
}
