package dev.portrait.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portrait.cli.PortraitCli.UsageProblem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How the rows of a CSV file become Segment events. A small YAML file:
 *
 * <pre>
 * type: track               # every row's type, unless columns.type names a column (default track)
 * delimiter: ","            # one character (default ,)
 * columns:                  # Segment field ← column header
 *   userId: customer_id
 *   anonymousId: device
 *   event: action
 *   timestamp: occurred_at  # ISO-8601 text, or epoch milliseconds as digits
 *   messageId: row_id       # optional; without it Portrait derives one from the content
 * properties:               # properties.NAME ← column, with a type (default string)
 *   product_id: sku
 *   price: {column: amount, type: number}
 * traits:                   # traits.NAME ← column (top-level traits for identify rows, context.traits otherwise)
 *   age: {column: age, type: integer}
 * </pre>
 *
 * Types: {@code string}, {@code integer}, {@code number}, {@code boolean} ({@code true/false, yes/no,
 * 1/0}), {@code timestamp} (digits are epoch milliseconds, anything else is kept as text for the cleaner
 * to read as ISO-8601). An empty cell leaves the field out. A cell that does not convert makes the row a
 * {@code wrong_type} rejection naming the row, column and value: passing the text on would let an
 * undeclared property silently change type.
 */
record CsvMapping(String type, char delimiter, List<Field> fields, List<Field> properties, List<Field> traits) {
    /** Segment fields a column may fill, and the type each gets. */
    static final Map<String, Kind> SEGMENT_FIELDS = segmentFields();
    private static final Set<String> TOP = Set.of("type", "delimiter", "columns", "properties", "traits");
    private static final Set<String> TYPES = Set.of("track", "identify", "page", "screen", "group", "alias");

    enum Kind {
        STRING, INTEGER, NUMBER, BOOLEAN, TIMESTAMP;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Target name ← column header, converted as {@code kind}. */
    record Field(String target, String column, Kind kind) {
    }

    private static Map<String, Kind> segmentFields() {
        Map<String, Kind> m = new LinkedHashMap<>();
        for (String f : List.of("type", "userId", "anonymousId", "event", "name", "messageId", "groupId",
                "previousId")) {
            m.put(f, Kind.STRING);
        }
        m.put("timestamp", Kind.TIMESTAMP);
        return Map.copyOf(m);
    }

    static CsvMapping load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageProblem("mapping file " + file + " does not exist");
        } catch (IOException e) {
            throw new UsageProblem("cannot read mapping file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    static CsvMapping parse(String yaml, String source) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new UsageProblem(source + " is not valid YAML" + where + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new UsageProblem(source + ": a mapping needs at least columns: (which column is userId, event, …)");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP.contains(key)) {
                throw new UsageProblem(source + ": unknown key \"" + key + "\" (known: type, delimiter, columns, "
                        + "properties, traits)");
            }
        }
        String type = "track";
        if (root.has("type")) {
            type = root.get("type").asText().strip();
            if (!TYPES.contains(type)) {
                throw new UsageProblem(source + ": type: \"" + type + "\" is not one of track, identify, page, screen, "
                        + "group, alias");
            }
        }
        char delimiter = ',';
        if (root.has("delimiter")) {
            String d = root.get("delimiter").asText();
            if (d.equals("\\t")) {
                d = "\t";
            }
            if (d.length() != 1 || d.charAt(0) == '"' || d.charAt(0) == '\n' || d.charAt(0) == '\r') {
                throw new UsageProblem(source + ": delimiter: \"" + d + "\" must be one character other than a quote "
                        + "or a line break");
            }
            delimiter = d.charAt(0);
        }
        List<Field> fields = new ArrayList<>();
        JsonNode columns = root.get("columns");
        if (columns == null || !columns.isObject() || columns.isEmpty()) {
            throw new UsageProblem(source + ": columns: must map Segment fields to column headers "
                    + "(e.g. userId: customer_id)");
        }
        for (Map.Entry<String, JsonNode> e : columns.properties()) {
            Kind kind = SEGMENT_FIELDS.get(e.getKey());
            if (kind == null) {
                throw new UsageProblem(source + ": columns." + e.getKey() + " is not a Segment field a column can fill "
                        + "(known: anonymousId, event, groupId, messageId, name, previousId, timestamp, type, userId; "
                        + "other columns go under properties: or traits:)");
            }
            fields.add(field(e.getKey(), e.getValue(), kind, "columns." + e.getKey(), source));
        }
        if (fields.stream().noneMatch(f -> f.target().equals("userId") || f.target().equals("anonymousId"))) {
            throw new UsageProblem(source + ": columns: needs userId or anonymousId, or no row could be attributed "
                    + "to anyone");
        }
        List<Field> properties = named(root.get("properties"), "properties", source);
        List<Field> traits = named(root.get("traits"), "traits", source);
        return new CsvMapping(type, delimiter, List.copyOf(fields), properties, traits);
    }

    private static List<Field> named(JsonNode node, String section, String source) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isObject()) {
            throw new UsageProblem(source + ": " + section + ": must map names to columns (name: column, or "
                    + "name: {column: c, type: number})");
        }
        List<Field> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            out.add(field(e.getKey(), e.getValue(), Kind.STRING, section + "." + e.getKey(), source));
        }
        return List.copyOf(out);
    }

    /** {@code target: column} or {@code target: {column: c, type: t}}. */
    private static Field field(String target, JsonNode value, Kind fallback, String path, String source) {
        if (value.isTextual()) {
            return new Field(target, value.asText(), fallback);
        }
        if (!value.isObject() || !value.has("column")) {
            throw new UsageProblem(source + ": " + path + " must be a column header or {column: header, type: …}");
        }
        for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("column") && !k.equals("type")) {
                throw new UsageProblem(source + ": " + path + "." + k + " is not known (column, type)");
            }
        }
        Kind kind = fallback;
        if (value.has("type")) {
            String t = value.get("type").asText();
            try {
                kind = Kind.valueOf(t.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new UsageProblem(source + ": " + path + ".type: \"" + t + "\" is not one of string, integer, "
                        + "number, boolean, timestamp");
            }
        }
        return new Field(target, value.get("column").asText(), kind);
    }

    /** Every column the mapping reads. */
    List<String> columnsUsed() {
        List<String> all = new ArrayList<>();
        for (List<Field> l : List.of(fields, properties, traits)) {
            l.forEach(f -> all.add(f.column()));
        }
        return all;
    }

    /**
     * Converts one cell.
     *
     * @return the value, or {@code null} for an empty cell
     * @throws IllegalArgumentException naming the value and the type it is not
     */
    static Object convert(String cell, Kind kind) {
        if (cell.isEmpty()) {
            return null;
        }
        String t = cell.strip();
        switch (kind) {
            case STRING:
                return cell;
            case INTEGER:
                try {
                    return Long.parseLong(t);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("\"" + cell + "\" is not an integer");
                }
            case NUMBER:
                try {
                    double d = Double.parseDouble(t);
                    if (Double.isNaN(d) || Double.isInfinite(d) || t.endsWith("d") || t.endsWith("D")
                            || t.endsWith("f") || t.endsWith("F")) {
                        throw new NumberFormatException();
                    }
                    return d;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("\"" + cell + "\" is not a number");
                }
            case BOOLEAN:
                switch (t.toLowerCase(Locale.ROOT)) {
                    case "true", "yes", "1":
                        return Boolean.TRUE;
                    case "false", "no", "0":
                        return Boolean.FALSE;
                    default:
                        throw new IllegalArgumentException("\"" + cell + "\" is not a boolean (true/false, yes/no, 1/0)");
                }
            case TIMESTAMP:
                if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && t.length() <= 18) {
                    return Long.parseLong(t);
                }
                return t;
            default:
                throw new IllegalStateException("unknown kind " + kind);
        }
    }
}
