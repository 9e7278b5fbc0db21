package dev.portrait.core.clean;

import java.util.HashMap;
import java.util.Map;

/**
 * Why the {@link Cleaner} quarantined an event. The {@link #code()} strings are part of Portrait's
 * public contract: they appear in error answers, quarantine records and metric labels, so they never
 * change once released. The descriptions feed documentation and dashboards. Codes given before
 * an event reaches the cleaner are not listed here: {@code event_too_large} (the ingest size limit,
 * counted with the batch envelope), and the importer's {@code line_too_long} and {@code malformed_csv}.
 */
public enum RejectionCode {
    MALFORMED_JSON("malformed_json", "the body is not a JSON object (or the event is null)"),
    NESTING_TOO_DEEP("nesting_too_deep", "objects and arrays nest deeper than cleaning.maxDepth"),
    MISSING_TYPE("missing_type", "the event has no type"),
    UNKNOWN_TYPE("unknown_type", "the type is not track, identify, page, screen, group or alias"),
    MISSING_ID("missing_id", "neither userId nor anonymousId is present; blocked values such as \"null\" count as absent"),
    MISSING_EVENT_NAME("missing_event_name", "a track call without an event name"),
    MISSING_GROUP_ID("missing_group_id", "a group call without a groupId"),
    MISSING_PREVIOUS_ID("missing_previous_id", "an alias call without a usable previousId"),
    UNKNOWN_EVENT("unknown_event", "the track event is not declared and cleaning.unknownEvents is reject"),
    MISSING_PROPERTY("missing_property", "a property the definition declares required is absent"),
    WRONG_TYPE("wrong_type", "a value has the wrong JSON type: a declared property or trait, an id, an event name, "
            + "a messageId, properties/traits/context that are not objects, a non-string key, or a Java value "
            + "that is not JSON"),
    OUT_OF_RANGE("out_of_range", "a number outside its declared min/max, or a negative price, quantity, revenue, "
            + "total or value when cleaning.allowReturns is false"),
    INVALID_NUMBER("invalid_number", "a number no field can hold: NaN, an infinity, an integer beyond the range of "
            + "a long (2^63 and up), a number too large for a double, or one written with more than 1,000 "
            + "characters; only the event carrying it is rejected, never the rest of its batch"),
    INVALID_TIMESTAMP("invalid_timestamp", "a time that is neither ISO-8601 nor epoch milliseconds, or lies outside "
            + "the years 0001-9999"),
    MISSING_TIMESTAMP("missing_timestamp", "no timestamp, originalTimestamp or receivedAt places the event in time"),
    TIMESTAMP_IN_FUTURE("timestamp_in_future", "the event time is later than receivedAt plus cleaning.maxFutureSkew"),
    TIMESTAMP_TOO_OLD("timestamp_too_old", "the event time is earlier than receivedAt minus cleaning.maxPastAge"),
    STRING_TOO_LONG("string_too_long", "a string value or key is longer than cleaning.maxStringLength"),
    TOO_MANY_ENTRIES("too_many_entries", "an object has more entries than cleaning.maxMapEntries"),
    ARRAY_TOO_LONG("array_too_long", "an array has more items than cleaning.maxArrayLength"),
    INVALID_STRING("invalid_string", "a string or key holds a lone UTF-16 surrogate or a control character other "
            + "than tab, line feed and carriage return"),
    INTERNAL_ERROR("internal_error", "the cleaner failed on this input; that is a bug, and the event is "
            + "quarantined rather than lost");

    private static final Map<String, RejectionCode> BY_CODE = new HashMap<>();

    static {
        for (RejectionCode c : values()) {
            BY_CODE.put(c.code, c);
        }
    }

    private final String code;
    private final String description;

    RejectionCode(String code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The stable lower_snake_case identifier. */
    public String code() {
        return code;
    }

    /** One sentence on what the code means, for documentation and metric help texts. */
    public String description() {
        return description;
    }

    /** The constant for a code string, or {@code null} when there is none. */
    public static RejectionCode fromCode(String code) {
        return code == null ? null : BY_CODE.get(code);
    }
}
