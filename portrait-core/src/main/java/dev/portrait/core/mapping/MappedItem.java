package dev.portrait.core.mapping;

import java.util.Map;
import java.util.Objects;

/** What a mapping made of one or more rows: a Segment event, or a row that does not convert. */
public sealed interface MappedItem {
    /** {@code file:line} of the row (the first row of a group). */
    String where();

    /**
     * A Segment event as a JSON object, for the cleaner.
     *
     * @param rows how many rows it was made of (more than one for a group)
     */
    record Event(Map<String, Object> json, String where, int rows) implements MappedItem {
        public Event {
            Objects.requireNonNull(json, "json");
            if (rows < 1) {
                throw new IllegalArgumentException("an event is made of at least one row, not " + rows);
            }
        }
    }

    /**
     * A row that does not convert: a cell its rule cannot read ({@code wrong_type}), a row whose identity
     * or event name disagrees with the rest of its group ({@code group_conflict}), a row without a group
     * key ({@code missing_group_key}). The message names the row, the column and the value.
     */
    record Unconverted(String code, String message, String raw, String where) implements MappedItem {
        public Unconverted {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            Objects.requireNonNull(raw, "raw");
        }
    }
}
