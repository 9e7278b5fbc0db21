package dev.portrait.core.clean;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;

/**
 * Turns the ways people write a country ({@code "gb"}, {@code "GBR"}, {@code "United Kingdom"})
 * into its ISO 3166-1 alpha-2 code, from the JDK's own ISO tables and English display names, so the
 * list stays as current as the runtime. Values it does not know are left as they were.
 */
final class CountryCodes {
    private static final Map<String, String> BY_NAME = build();

    private CountryCodes() {
    }

    /** The alpha-2 code, or {@code null} when the value names no country this table knows. */
    static String alpha2(String value) {
        return BY_NAME.get(value.trim().toLowerCase(Locale.ROOT));
    }

    private static Map<String, String> build() {
        Map<String, String> m = new HashMap<>();
        for (String cc : Locale.getISOCountries()) {
            Locale l = new Locale("", cc);
            String english = l.getDisplayCountry(Locale.ENGLISH);
            if (!english.isEmpty() && !english.equals(cc)) {
                m.putIfAbsent(english.toLowerCase(Locale.ROOT), cc);
            }
            try {
                String alpha3 = l.getISO3Country();
                if (!alpha3.isEmpty()) {
                    m.put(alpha3.toLowerCase(Locale.ROOT), cc);
                }
            } catch (MissingResourceException e) {
                // a code without an alpha-3 form: its alpha-2 and name still resolve
            }
        }
        for (String cc : Locale.getISOCountries()) {
            m.put(cc.toLowerCase(Locale.ROOT), cc);
        }
        // "UK" is not an ISO code but is reserved by ISO for the United Kingdom and is what people type
        m.putIfAbsent("uk", "GB");
        return Map.copyOf(m);
    }
}
