package dev.portrait.core.mapping;

import java.util.List;

/**
 * One row of an import file as its reader sees it: the cells, in the order of the header the mapping
 * was bound to ({@link RowMapping#bind}), where it was, and its text for a quarantine record (asked for
 * only when the row does not convert).
 */
public interface SourceRow {
    List<String> cells();

    /** {@code file:line}. */
    String where();

    /** The row as the file held it. */
    String raw();
}
