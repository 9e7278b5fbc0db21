package dev.portrait.cli;

import java.util.Map;

/** One record of an import file: an event for the runtime, or something that could not become one. */
sealed interface ImportItem {
    /** Where in its file the item came from, as {@code file:line} (and the batch index for batch lines). */
    String where();

    /** A JSON object to clean and ingest; {@code raw} is what the file held, for messages. */
    record Event(Map<String, Object> json, byte[] raw, String where) implements ImportItem {
    }

    /**
     * A line or row that is no event object (not JSON, not an object, a CSV row that does not fit its
     * header or mapping). The cleaner takes maps, so these never reach it; the importer quarantines them
     * itself with {@code code}, and the summary names their lines.
     */
    record Unreadable(String code, String message, byte[] raw, String where) implements ImportItem {
    }
}
