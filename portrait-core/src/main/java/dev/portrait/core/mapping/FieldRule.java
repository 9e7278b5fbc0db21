package dev.portrait.core.mapping;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.Locale;

/**
 * How one target field gets its value: from a column (through text transforms, an optional list of
 * cases, and a type) or as a constant. Written in a mapping as {@code target: Header} or
 *
 * <pre>
 * target: {column: Header, type: integer, transform: [trim, id], pattern: "yyyy-MM-dd HH:mm:ss",
 *          zone: Europe/London, cases: [{startsWith: C, value: Order Refunded}], otherwise: Order Completed}
 * target: {value: Order Completed}
 * </pre>
 *
 * The steps run in a fixed order: an empty cell leaves the field out; the text transforms ({@code trim},
 * {@code lower}, {@code upper}, {@code id}) run in the order written; the first case whose test holds
 * replaces the text with its value, else {@code otherwise} does, else the text stays; the type converts
 * it; {@code abs} (numbers only) runs last. A constant is converted once, when the mapping loads, so a
 * wrong constant is a mapping error and never a row error. {@link FieldRuleReader} reads rules from YAML.
 */
final class FieldRule {
    enum Kind {
        STRING, INTEGER, NUMBER, BOOLEAN, TIMESTAMP;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    enum Transform {
        TRIM, LOWER, UPPER, ID, ABS;

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    enum Test {
        STARTS_WITH("startsWith"), ENDS_WITH("endsWith"), EQUALS("equals"), CONTAINS("contains");

        final String key;

        Test(String key) {
            this.key = key;
        }

        boolean holds(String text, String operand) {
            switch (this) {
                case STARTS_WITH:
                    return text.startsWith(operand);
                case ENDS_WITH:
                    return text.endsWith(operand);
                case EQUALS:
                    return text.equals(operand);
                default:
                    return text.contains(operand);
            }
        }
    }

    /** {@code test operand → value}. */
    record Case(Test test, String operand, String value) {
    }

    final String target;
    /** The column header, or null for a constant. */
    final String column;
    final Kind kind;
    private final Object constant;
    private final List<Transform> transforms;
    private final boolean abs;
    private final List<Case> cases;
    private final String otherwise;
    private final DateTimeFormatter pattern;
    private final String patternText;
    private final ZoneId zone;

    FieldRule(String target, String column, Kind kind, Object constant, List<Transform> transforms,
                      List<Case> cases, String otherwise, String pattern, ZoneId zone) {
        this.target = target;
        this.column = column;
        this.kind = kind;
        this.constant = constant;
        this.transforms = transforms.stream().filter(t -> t != Transform.ABS).toList();
        this.abs = transforms.contains(Transform.ABS);
        this.cases = cases;
        this.otherwise = otherwise;
        this.pattern = pattern == null ? null : DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
        this.patternText = pattern;
        this.zone = zone;
    }

    boolean isConstant() {
        return column == null;
    }

    /**
     * The field's value for one cell.
     *
     * @return the value, or {@code null} for an empty cell
     * @throws IllegalArgumentException naming the value and what it is not
     */
    Object apply(String cell) {
        if (column == null) {
            return constant;
        }
        if (cell.isEmpty()) {
            return null;
        }
        String text = cell;
        for (Transform t : transforms) {
            text = transformed(t, text);
        }
        String chosen = null;
        for (Case c : cases) {
            if (c.test().holds(text, c.operand())) {
                chosen = c.value();
                break;
            }
        }
        if (chosen == null) {
            chosen = otherwise != null ? otherwise : text;
        }
        Object v = convert(chosen);
        if (abs && v instanceof Long l) {
            return Math.abs(l);
        }
        if (abs && v instanceof Double d) {
            return Math.abs(d);
        }
        return v;
    }

    private static String transformed(Transform t, String text) {
        switch (t) {
            case TRIM:
                return text.strip();
            case LOWER:
                return text.toLowerCase(Locale.ROOT);
            case UPPER:
                return text.toUpperCase(Locale.ROOT);
            case ID:
                return asId(text);
            default:
                throw new IllegalStateException("abs runs after the type: " + t);
        }
    }

    /**
     * Spreadsheets and pandas write integer ids as floats ({@code 12923.0}, {@code 1.2923E4}): a number
     * with no fraction is written back as its digits. Text that is no number is an id as it is; a number
     * with a fraction is no id, and the row says so rather than keep a customer {@code 12923.5}.
     */
    static String asId(String text) {
        String t = text.strip();
        if (t.isEmpty() || !(Character.isDigit(t.charAt(0)) || t.charAt(0) == '-' || t.charAt(0) == '+')) {
            return text;
        }
        BigDecimal d;
        try {
            d = new BigDecimal(t);
        } catch (NumberFormatException e) {
            return text;
        }
        try {
            return d.toBigIntegerExact().toString();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("\"" + text + "\" has a fraction, so it is not an id");
        }
    }

    /** Converts text to the field's type. */
    Object convert(String cell) {
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
                return timestamp(cell, t);
            default:
                throw new IllegalStateException("unknown kind " + kind);
        }
    }

    /**
     * With a pattern, the text is read by it, in {@code zone} unless the pattern reads an offset; without
     * one, digits are epoch milliseconds, and with a zone a local ISO date-time is placed in it; anything
     * else is left for the cleaner to read as ISO-8601. The result is ISO-8601 text in UTC (or the
     * milliseconds), which the cleaner reads.
     */
    private Object timestamp(String cell, String t) {
        if (pattern != null) {
            try {
                TemporalAccessor parsed = pattern.parse(t);
                if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
                    return Instant.from(parsed.query(java.time.OffsetDateTime::from)).toString();
                }
                LocalDateTime local = parsed.isSupported(ChronoField.HOUR_OF_DAY)
                        ? LocalDateTime.from(parsed) : java.time.LocalDate.from(parsed).atStartOfDay();
                return local.atZone(zone == null ? ZoneOffset.UTC : zone).toInstant().toString();
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("\"" + cell + "\" does not fit the pattern \"" + patternText + "\"");
            }
        }
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && t.length() <= 18) {
            return Long.parseLong(t);
        }
        if (zone != null && t.length() >= 16 && t.charAt(10) == 'T' && !t.endsWith("Z") && t.indexOf('+', 10) < 0
                && t.indexOf('-', 10) < 0) {
            try {
                return LocalDateTime.parse(t).atZone(zone).toInstant().toString();
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("\"" + cell + "\" is not an ISO-8601 date-time");
            }
        }
        return t;
    }

    /** For messages: {@code column "InvoiceNo" (event)}. */
    String describe() {
        return "column \"" + column + "\" (" + target + ")";
    }

    @Override
    public String toString() {
        return target + (column == null ? " = " + constant : " ← " + column);
    }

}
