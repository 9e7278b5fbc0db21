package dev.portrait.core.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portrait.core.definition.CleaningPolicy;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.mapping.FieldRule.Kind;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the rows of an export become Segment events: a small YAML file, checked when it loads, every
 * error naming its path ({@code retail.yaml: columns.timestamp.zone: "London" is not a time zone}).
 *
 * <pre>
 * type: track                 # every row's type, unless columns.type says otherwise (default track)
 * delimiter: ","              # CSV only: one character (default ,)
 * historical:                 # the file is history: cleaning.maxPastAge does not apply to it, and
 *   now: 2011-12-10T00:00:00Z # (optional) the data directory's clock from then on (windows, segments)
 * columns:                    # Segment field ← rule (see FieldRule: column, constant, transforms, cases)
 *   userId: {column: CustomerID, transform: [trim, id]}
 *   event: {column: InvoiceNo, cases: [{startsWith: C, value: Order Refunded}], otherwise: Order Completed}
 *   timestamp: {column: InvoiceDate, type: timestamp, pattern: "yyyy-MM-dd HH:mm:ss", zone: Europe/London}
 * properties:                 # properties.NAME ← rule (type string unless said)
 *   order_id: InvoiceNo
 * traits:                     # traits.NAME ← rule (top-level traits on identify, context.traits otherwise)
 *   country: Country
 * groupBy:                    # rows with one key become one event (see MappedRows)
 *   key: InvoiceNo            # a column or a list of them
 *   rows: anywhere            # anywhere (held until the end of the file) or consecutive
 *   lines: products           # the array property with one object a row
 *   line: {product_id: StockCode, quantity: {column: Quantity, type: integer}, price: {column: UnitPrice, type: number}}
 *   totals: {revenue: quantity * price}   # sum over the lines of the product of line fields
 * </pre>
 *
 * The core holds mappings (no file is read here) so that the import command and the evaluation harness
 * turn a file into events by the same code.
 */
public final class RowMapping {
    /** Segment fields a rule may fill, and the type each gets. */
    static final Map<String, Kind> SEGMENT_FIELDS = segmentFields();
    private static final Set<String> TOP = Set.of("type", "delimiter", "historical", "columns", "properties", "traits",
            "groupBy");
    private static final Set<String> TYPES = Set.of("track", "identify", "page", "screen", "group", "alias");
    private static final Set<String> GROUP_KEYS = Set.of("key", "rows", "lines", "line", "totals");

    /** Rows of one key become one event; see {@link MappedRows}. */
    record Grouping(List<String> key, boolean consecutive, String lines, List<FieldRule> line,
                    Map<String, List<String>> totals) {
    }

    private final String source;
    private final String type;
    private final char delimiter;
    private final boolean historical;
    private final Instant now;
    final List<FieldRule> fields;
    final List<FieldRule> properties;
    final List<FieldRule> traits;
    final Grouping grouping;

    private RowMapping(String source, String type, char delimiter, boolean historical, Instant now,
                       List<FieldRule> fields, List<FieldRule> properties, List<FieldRule> traits, Grouping grouping) {
        this.source = source;
        this.type = type;
        this.delimiter = delimiter;
        this.historical = historical;
        this.now = now;
        this.fields = fields;
        this.properties = properties;
        this.traits = traits;
        this.grouping = grouping;
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

    /** @param source the mapping's name for messages (its file) */
    public static RowMapping parse(String yaml, String source) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new MappingException(source, null, "not valid YAML" + where + ": " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MappingException(source, null, "a mapping needs at least columns: (which column is userId, "
                    + "event, …)");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!TOP.contains(key)) {
                throw new MappingException(source, null, "unknown key \"" + key + "\" (known: type, delimiter, "
                        + "historical, columns, properties, traits, groupBy)");
            }
        }
        String type = "track";
        if (root.has("type")) {
            type = root.get("type").asText().strip();
            if (!TYPES.contains(type)) {
                throw new MappingException(source, "type", "\"" + type + "\" is not one of track, identify, page, "
                        + "screen, group, alias");
            }
        }
        char delimiter = delimiter(root.get("delimiter"), source);
        boolean historical = false;
        Instant now = null;
        JsonNode h = root.get("historical");
        if (h != null && !h.isNull()) {
            if (h.isBoolean()) {
                historical = h.asBoolean();
            } else if (h.isObject()) {
                historical = true;
                for (Iterator<String> it = h.fieldNames(); it.hasNext(); ) {
                    String k = it.next();
                    if (!k.equals("now")) {
                        throw new MappingException(source, "historical." + k, "is not known (now)");
                    }
                }
                if (h.has("now")) {
                    now = instant(h.get("now").asText(), "historical.now", source);
                }
            } else {
                throw new MappingException(source, "historical", "must be true, false or {now: 2011-12-10T00:00:00Z}");
            }
        }
        JsonNode columns = root.get("columns");
        if (columns == null || !columns.isObject() || columns.isEmpty()) {
            throw new MappingException(source, "columns", "must map Segment fields to column headers "
                    + "(e.g. userId: customer_id)");
        }
        List<FieldRule> fields = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : columns.properties()) {
            Kind kind = SEGMENT_FIELDS.get(e.getKey());
            if (kind == null) {
                throw new MappingException(source, "columns." + e.getKey(), "is not a Segment field a column can fill "
                        + "(known: anonymousId, event, groupId, messageId, name, previousId, timestamp, type, userId; "
                        + "other columns go under properties: or traits:)");
            }
            fields.add(FieldRuleReader.read(e.getKey(), e.getValue(), kind, "columns." + e.getKey(), source));
        }
        if (fields.stream().noneMatch(f -> f.target.equals("userId") || f.target.equals("anonymousId"))) {
            throw new MappingException(source, "columns", "needs userId or anonymousId, or no row could be "
                    + "attributed to anyone");
        }
        List<FieldRule> properties = named(root.get("properties"), "properties", source);
        List<FieldRule> traits = named(root.get("traits"), "traits", source);
        Grouping grouping = grouping(root.get("groupBy"), source);
        if (grouping != null && properties.stream().anyMatch(p -> p.target.equals(grouping.lines()))) {
            throw new MappingException(source, "properties." + grouping.lines(), "is the group's lines "
                    + "(groupBy.lines); name the property otherwise");
        }
        if (grouping != null) {
            for (String total : grouping.totals().keySet()) {
                if (properties.stream().anyMatch(p -> p.target.equals(total))) {
                    throw new MappingException(source, "properties." + total, "is computed by groupBy.totals."
                            + total + "; map it in one place");
                }
            }
        }
        return new RowMapping(source, type, delimiter, historical, now, List.copyOf(fields), properties, traits,
                grouping);
    }

    private static char delimiter(JsonNode node, String source) {
        if (node == null) {
            return ',';
        }
        String d = node.asText();
        if (d.equals("\\t")) {
            d = "\t";
        }
        if (d.length() != 1 || d.charAt(0) == '"' || d.charAt(0) == '\n' || d.charAt(0) == '\r') {
            throw new MappingException(source, "delimiter", "\"" + d + "\" must be one character other than a quote "
                    + "or a line break");
        }
        return d.charAt(0);
    }

    private static Instant instant(String text, String path, String source) {
        String v = text.strip();
        try {
            return Instant.parse(v);
        } catch (DateTimeException ignored) {
            // the other forms
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeException ignored) {
            // the other forms
        }
        try {
            return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeException e) {
            throw new MappingException(source, path, "\"" + text + "\" is not an ISO-8601 time (2011-12-10T00:00:00Z, "
                    + "an offset, or a date for its start in UTC)");
        }
    }

    private static List<FieldRule> named(JsonNode node, String section, String source) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isObject()) {
            throw new MappingException(source, section, "must map names to columns (name: column, or "
                    + "name: {column: c, type: number})");
        }
        List<FieldRule> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            out.add(FieldRuleReader.read(e.getKey(), e.getValue(), Kind.STRING, section + "." + e.getKey(), source));
        }
        return List.copyOf(out);
    }

    private static Grouping grouping(JsonNode g, String source) {
        if (g == null || g.isNull()) {
            return null;
        }
        if (!g.isObject()) {
            throw new MappingException(source, "groupBy", "must say key: and line: (e.g. {key: InvoiceNo, line: "
                    + "{product_id: StockCode}})");
        }
        for (Iterator<String> it = g.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!GROUP_KEYS.contains(k)) {
                throw new MappingException(source, "groupBy." + k, "is not known (key, rows, lines, line, totals)");
            }
        }
        JsonNode k = g.get("key");
        List<String> key = new ArrayList<>();
        if (k != null && k.isTextual() && !k.asText().isBlank()) {
            key.add(k.asText());
        } else if (k != null && k.isArray() && !k.isEmpty()) {
            for (int i = 0; i < k.size(); i++) {
                if (!k.get(i).isTextual() || k.get(i).asText().isBlank()) {
                    throw new MappingException(source, "groupBy.key[" + i + "]", "must be a column header");
                }
                key.add(k.get(i).asText());
            }
        } else {
            throw new MappingException(source, "groupBy.key", "must be a column header or a list of them");
        }
        boolean consecutive = false;
        if (g.has("rows")) {
            String rows = g.get("rows").asText().strip();
            if (rows.equals("consecutive")) {
                consecutive = true;
            } else if (!rows.equals("anywhere")) {
                throw new MappingException(source, "groupBy.rows", "\"" + rows + "\" is not anywhere (rows of a key "
                        + "may be anywhere in the file) or consecutive (the file is sorted by the key)");
            }
        }
        String lines = g.has("lines") ? g.get("lines").asText().strip() : "products";
        if (lines.isEmpty()) {
            throw new MappingException(source, "groupBy.lines", "must name the array property (e.g. products)");
        }
        JsonNode line = g.get("line");
        if (line == null || !line.isObject() || line.isEmpty()) {
            throw new MappingException(source, "groupBy.line", "must map each line's fields to columns (e.g. "
                    + "{product_id: StockCode, quantity: {column: Quantity, type: integer}})");
        }
        List<FieldRule> rules = named(line, "groupBy.line", source);
        Map<String, FieldRule> byName = new LinkedHashMap<>();
        rules.forEach(r -> byName.put(r.target, r));
        Map<String, List<String>> totals = new LinkedHashMap<>();
        JsonNode t = g.get("totals");
        if (t != null && !t.isNull()) {
            if (!t.isObject()) {
                throw new MappingException(source, "groupBy.totals", "must map property names to products of line "
                        + "fields (e.g. revenue: quantity * price)");
            }
            for (Map.Entry<String, JsonNode> e : t.properties()) {
                String path = "groupBy.totals." + e.getKey();
                List<String> factors = new ArrayList<>();
                for (String f : e.getValue().asText().split("\\*", -1)) {
                    String name = f.strip();
                    FieldRule r = byName.get(name);
                    if (r == null || r.kind != Kind.INTEGER && r.kind != Kind.NUMBER) {
                        throw new MappingException(source, path, "\"" + e.getValue().asText() + "\": \"" + name
                                + "\" is not a line field of type integer or number (line fields: "
                                + String.join(", ", byName.keySet()) + ")");
                    }
                    factors.add(name);
                }
                totals.put(e.getKey(), List.copyOf(factors));
            }
        }
        return new Grouping(List.copyOf(key), consecutive, lines, rules, Map.copyOf(totals));
    }

    public String source() {
        return source;
    }

    /** The type of rows whose mapping does not set {@code columns.type}. */
    public String type() {
        return type;
    }

    public char delimiter() {
        return delimiter;
    }

    /** Whether the file is history: the cleaner's {@code maxPastAge} does not apply to its events. */
    public boolean historical() {
        return historical;
    }

    /** The moment a historical file's data directory lives at after the load; empty for the wall clock. */
    public Optional<Instant> now() {
        return Optional.ofNullable(now);
    }

    /**
     * The definition this mapping's files are cleaned under: for a historical file, {@code
     * cleaning.maxPastAge} is lifted (the limit guards live traffic against replayed or misdated events,
     * while a backfill is old on purpose); otherwise the definition itself. The fingerprint stays, since
     * the profiles' layout does not change, so a runtime accepts it over profiles built with the original.
     */
    public ProfileDefinition cleaningUnder(ProfileDefinition d) {
        if (!historical) {
            return d;
        }
        CleaningPolicy c = d.cleaning();
        CleaningPolicy lifted = new CleaningPolicy(c.unknownEvents(), c.allowReturns(), c.maxFutureSkew(), null,
                c.maxStringLength(), c.maxMapEntries(), c.maxArrayLength(), c.maxDepth(), c.redactCardNumbers());
        return new ProfileDefinition(d.name(), d.version(), lifted, d.events(), d.traits(), d.features(), d.identity(),
                d.segments(), d.models(), d.accounts(), d.experiments(), d.fingerprint(), d.purposes());
    }

    public boolean grouped() {
        return grouping != null;
    }

    /** Every column the mapping reads, each once, in the order the mapping names them. */
    public List<String> columnsUsed() {
        Set<String> all = new LinkedHashSet<>();
        List<FieldRule> rules = new ArrayList<>(fields);
        rules.addAll(properties);
        rules.addAll(traits);
        if (grouping != null) {
            all.addAll(grouping.key());
            rules.addAll(grouping.line());
        }
        for (FieldRule r : rules) {
            if (!r.isConstant()) {
                all.add(r.column);
            }
        }
        return List.copyOf(all);
    }

    /**
     * Binds the mapping to a file's header.
     *
     * @param file the file's name, for messages
     * @throws IllegalArgumentException naming the column the header lacks
     */
    public MappedRows bind(List<String> header, String file) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            index.putIfAbsent(header.get(i).strip(), i);
        }
        for (String c : columnsUsed()) {
            if (!index.containsKey(c)) {
                throw new IllegalArgumentException(file + " has no column \"" + c + "\" (the mapping " + source
                        + " reads it); its header is " + header);
            }
        }
        return new MappedRows(this, index, header.size());
    }
}
