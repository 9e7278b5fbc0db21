package dev.portrait.core.mapping;

import dev.portrait.core.mapping.FieldRule.Kind;
import dev.portrait.core.mapping.RowMapping.Grouping;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A {@link RowMapping} bound to one file's header: rows in, {@link MappedItem}s out.
 *
 * <h2>Groups</h2>
 * Without {@code groupBy} every row is one event. With it, the rows of one key become one event, the
 * way an order-lines export holds one order in many rows: the event's fields, properties and traits
 * come from the group's first row, its time is the earliest of its rows' (an invoice written over two
 * minutes happened when it began), {@code properties.<lines>} holds one object per row (the
 * {@code line:} rules), and each total is the sum over the lines of the product of its factors, in
 * exact decimal arithmetic on the values as written ({@code 2 × 4.15} is {@code 8.3}, not
 * {@code 8.300000000000001}), rounded to a double once. A line lacking a factor adds nothing.
 *
 * <p>Keys may be {@code consecutive} (the file is sorted by them: a group ends when the key changes,
 * and memory holds one group) or {@code anywhere} (groups are held until the end of the file, at most
 * {@link #MAX_HELD_ROWS} rows, then emitted in time order, first rows first on ties, so the runtime
 * folds an order-lines file in the order it happened).
 *
 * <h2>Rows that do not convert</h2>
 * Nothing is dropped: a row with another number of cells than the header is {@code malformed_csv}; a row whose cell does not convert is quarantined alone ({@code wrong_type}, naming
 * its row, column and value); a row whose type, userId, anonymousId or event name differs from its
 * group's first row's is quarantined alone ({@code group_conflict}), since folding it into another
 * person's order would be worse than holding it; a row with an empty key is {@code missing_group_key}.
 * The group is built from the rows that converted.
 */
public final class MappedRows {
    /** Rows held in open groups ({@code rows: anywhere}) before the file is refused. */
    public static final int MAX_HELD_ROWS = 2_000_000;
    private static final List<String> SAME_IN_A_GROUP = List.of("type", "userId", "anonymousId", "event");

    private final RowMapping mapping;
    private final Grouping grouping;
    private final int[] fieldAt;
    private final int[] propertyAt;
    private final int[] traitAt;
    private final int[] lineAt;
    private final int[] keyAt;
    private final int width;
    private final Map<String, Group> open = new LinkedHashMap<>();
    private Group current;
    private long rows;
    private long held;
    private long groupsStarted;

    /** The rows of one key so far. */
    private static final class Group {
        final String key;
        final long order;
        final String where;
        final Map<String, Object> json;
        final Map<String, Object> properties;
        final Map<String, Object> traits;
        final List<Map<String, Object>> lines = new ArrayList<>();
        Object timestamp;
        Long millis;

        Group(String key, long order, String where, Map<String, Object> json, Map<String, Object> properties,
              Map<String, Object> traits) {
            this.key = key;
            this.order = order;
            this.where = where;
            this.json = json;
            this.properties = properties;
            this.traits = traits;
            this.timestamp = json.get("timestamp");
            this.millis = millisOf(timestamp);
        }
    }

    MappedRows(RowMapping mapping, Map<String, Integer> index, int width) {
        this.mapping = mapping;
        this.width = width;
        this.grouping = mapping.grouping;
        this.fieldAt = positions(mapping.fields, index);
        this.propertyAt = positions(mapping.properties, index);
        this.traitAt = positions(mapping.traits, index);
        this.lineAt = grouping == null ? new int[0] : positions(grouping.line(), index);
        this.keyAt = grouping == null ? new int[0] : grouping.key().stream().mapToInt(index::get).toArray();
    }

    private static int[] positions(List<FieldRule> rules, Map<String, Integer> index) {
        int[] at = new int[rules.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = rules.get(i).isConstant() ? -1 : index.get(rules.get(i).column);
        }
        return at;
    }

    /** Rows taken so far. */
    public long rows() {
        return rows;
    }

    /** Takes one row; hands {@code out} what it completes (nothing, while a group is open). */
    public void add(SourceRow row, Consumer<MappedItem> out) {
        rows++;
        List<String> cells = row.cells();
        if (cells.size() != width) {
            out.accept(new MappedItem.Unconverted("malformed_csv", row.where() + ": the row has " + cells.size()
                    + " cells, the header " + width, row.raw(), row.where()));
            return;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", mapping.type());
        Map<String, Object> properties = new LinkedHashMap<>();
        Map<String, Object> traits = new LinkedHashMap<>();
        Map<String, Object> line = grouping == null ? null : new LinkedHashMap<>();
        try {
            put(json, mapping.fields, fieldAt, cells);
            put(properties, mapping.properties, propertyAt, cells);
            put(traits, mapping.traits, traitAt, cells);
            if (line != null) {
                put(line, grouping.line(), lineAt, cells);
            }
        } catch (IllegalArgumentException e) {
            out.accept(new MappedItem.Unconverted("wrong_type", row.where() + ": " + e.getMessage(), row.raw(),
                    row.where()));
            return;
        }
        if (grouping == null) {
            out.accept(new MappedItem.Event(assembled(json, properties, traits), row.where(), 1));
            return;
        }
        String key = keyOf(cells);
        if (key == null) {
            out.accept(new MappedItem.Unconverted("missing_group_key", row.where() + ": the group key ("
                    + String.join(", ", grouping.key()) + ") is empty", row.raw(), row.where()));
            return;
        }
        Group g = grouping.consecutive() ? (current != null && current.key.equals(key) ? current : null) : open.get(key);
        if (g == null) {
            if (grouping.consecutive() && current != null) {
                emit(current, out);
            }
            g = new Group(key, groupsStarted++, row.where(), json, properties, traits);
            if (grouping.consecutive()) {
                current = g;
            } else {
                open.put(key, g);
            }
        } else {
            String conflict = conflict(g, json);
            if (conflict != null) {
                out.accept(new MappedItem.Unconverted("group_conflict", row.where() + ": " + conflict + " in its "
                        + "group (key " + key.replace('\u0001', '/') + ", first row " + g.where + ")", row.raw(),
                        row.where()));
                return;
            }
            Long t = millisOf(json.get("timestamp"));
            if (t != null && g.millis != null && t < g.millis) {
                g.millis = t;
                g.timestamp = json.get("timestamp");
            }
        }
        g.lines.add(line);
        if (!grouping.consecutive() && ++held > MAX_HELD_ROWS) {
            throw new IllegalStateException(row.where() + ": more than " + MAX_HELD_ROWS + " rows are held in open "
                    + "groups; sort the file by " + String.join(", ", grouping.key()) + " and set groupBy.rows: "
                    + "consecutive in " + mapping.source());
        }
    }

    /** At the end of the file: hands {@code out} the groups still open. */
    public void finish(Consumer<MappedItem> out) {
        if (current != null) {
            emit(current, out);
            current = null;
        }
        List<Group> groups = new ArrayList<>(open.values());
        open.clear();
        held = 0;
        groups.sort(Comparator.comparing((Group g) -> g.millis == null ? Long.MAX_VALUE : g.millis)
                .thenComparingLong(g -> g.order));
        for (Group g : groups) {
            emit(g, out);
        }
    }

    private void emit(Group g, Consumer<MappedItem> out) {
        Map<String, Object> json = g.json;
        if (g.timestamp != null) {
            json.put("timestamp", g.timestamp);
        }
        g.properties.put(grouping.lines(), g.lines);
        for (Map.Entry<String, List<String>> t : grouping.totals().entrySet()) {
            g.properties.put(t.getKey(), total(g.lines, t.getValue()));
        }
        out.accept(new MappedItem.Event(assembled(json, g.properties, g.traits), g.where, g.lines.size()));
    }

    private Object total(List<Map<String, Object>> lines, List<String> factors) {
        boolean whole = true;
        for (FieldRule r : grouping.line()) {
            if (factors.contains(r.target) && r.kind != Kind.INTEGER) {
                whole = false;
            }
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (Map<String, Object> line : lines) {
            BigDecimal product = BigDecimal.ONE;
            for (String f : factors) {
                Object v = line.get(f);
                if (v == null) {
                    product = null;
                    break;
                }
                product = product.multiply(v instanceof Long l ? BigDecimal.valueOf(l) : BigDecimal.valueOf((Double) v));
            }
            if (product != null) {
                sum = sum.add(product);
            }
        }
        return whole ? (Object) sum.longValue() : (Object) sum.doubleValue();
    }

    private static String conflict(Group g, Map<String, Object> json) {
        for (String f : SAME_IN_A_GROUP) {
            Object mine = json.get(f);
            Object theirs = g.json.get(f);
            if (!Objects.equals(mine, theirs)) {
                return f + " " + shown(mine) + " differs from " + shown(theirs);
            }
        }
        return null;
    }

    private static String shown(Object v) {
        return v == null ? "(none)" : "\"" + v + "\"";
    }

    private String keyOf(List<String> cells) {
        StringBuilder b = new StringBuilder();
        boolean any = false;
        for (int i = 0; i < keyAt.length; i++) {
            String k = cells.get(keyAt[i]).strip();
            any |= !k.isEmpty();
            if (i > 0) {
                b.append('\u0001');
            }
            b.append(k);
        }
        return any ? b.toString() : null;
    }

    /** Puts properties and traits where Segment has them: traits at the top of identify calls, else in context. */
    private static Map<String, Object> assembled(Map<String, Object> json, Map<String, Object> properties,
                                                 Map<String, Object> traits) {
        if (!properties.isEmpty()) {
            json.put("properties", properties);
        }
        if (!traits.isEmpty()) {
            if ("identify".equals(json.get("type"))) {
                json.put("traits", traits);
            } else {
                Map<String, Object> context = new LinkedHashMap<>();
                context.put("traits", traits);
                json.put("context", context);
            }
        }
        return json;
    }

    private static void put(Map<String, Object> into, List<FieldRule> rules, int[] at, List<String> cells) {
        for (int i = 0; i < at.length; i++) {
            FieldRule r = rules.get(i);
            Object v;
            String cell = at[i] < 0 ? "" : cells.get(at[i]);
            try {
                v = r.apply(cell);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(r.describe() + ": " + e.getMessage(), e);
            }
            if (v != null) {
                into.put(r.target, v);
            }
        }
    }

    /** Epoch milliseconds of a mapped timestamp (digits or ISO-8601 text), or null when it is other text. */
    static Long millisOf(Object timestamp) {
        if (timestamp instanceof Long l) {
            return l;
        }
        if (timestamp instanceof String s) {
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeException | ArithmeticException e) {
                return null;
            }
        }
        return null;
    }
}
