package dev.portrait.eval;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The least acceptable value of each metric, read from a properties file of
 * {@code dataset.protocol.model.metric = floor} lines ({@code docs/eval-floors.properties}, documented
 * in docs/EVALUATION.md): one source of truth for CI. Only the keys of the data set being evaluated
 * apply; a floor whose metric the run did not produce fails, so a renamed metric cannot pass silently.
 */
public final class Floors {
    private Floors() {
    }

    public static Map<String, Double> read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read floors file " + file + ": " + e.getMessage(), e);
        }
        Map<String, Double> out = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            String v = p.getProperty(key).trim();
            try {
                out.put(key, Double.parseDouble(v));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": floor " + key + " = \"" + v + "\" is not a number", e);
            }
        }
        return out;
    }

    /** Records each applicable floor in the table; returns true when every one is met. */
    public static boolean check(Map<String, Double> floors, MetricTable table) {
        boolean ok = true;
        for (Map.Entry<String, Double> f : floors.entrySet()) {
            if (!f.getKey().startsWith(table.dataset() + ".")) {
                continue;
            }
            Double value = table.flat().get(f.getKey());
            table.floorResult(f.getKey(), f.getValue(), value);
            if (value == null || !(value >= f.getValue())) {
                ok = false;
            }
        }
        return ok;
    }
}
