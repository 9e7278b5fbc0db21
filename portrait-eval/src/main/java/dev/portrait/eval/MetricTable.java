package dev.portrait.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one evaluation measured: rows of (protocol, model, metric → value), plus facts about the data
 * and the settings used. Each figure also has a flat key {@code dataset.protocol.model.metric}, the
 * key floors are written against.
 */
public final class MetricTable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String dataset;
    private final Map<String, Object> facts = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
    private final Map<String, Double> flat = new LinkedHashMap<>();
    private final List<Map<String, Object>> floorResults = new ArrayList<>();

    MetricTable(String dataset) {
        this.dataset = dataset;
    }

    public String dataset() {
        return dataset;
    }

    MetricTable fact(String name, Object value) {
        facts.put(name, value);
        return this;
    }

    MetricTable put(String protocol, String model, String metric, double value) {
        Map<String, Object> row = rows.computeIfAbsent(protocol + "/" + model, k -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("protocol", protocol);
            r.put("model", model);
            return r;
        });
        double rounded = Math.round(value * 10_000.0) / 10_000.0;
        row.put(metric, rounded);
        flat.put(dataset + "." + protocol + "." + model + "." + metric, value);
        return this;
    }

    /** Every figure by its flat key, unrounded. */
    public Map<String, Double> flat() {
        return Collections.unmodifiableMap(flat);
    }

    void floorResult(String key, double floor, Double value) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("metric", key);
        r.put("floor", floor);
        r.put("value", value == null ? null : Math.round(value * 10_000.0) / 10_000.0);
        r.put("ok", value != null && value >= floor);
        floorResults.add(r);
    }

    /** The table as indented JSON: what {@code portrait eval} prints. */
    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dataset", dataset);
        out.put("facts", facts);
        out.put("table", new ArrayList<>(rows.values()));
        if (!floorResults.isEmpty()) {
            out.put("floors", floorResults);
        }
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metric tables are plain JSON", e);
        }
    }
}
