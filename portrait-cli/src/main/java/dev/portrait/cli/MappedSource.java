package dev.portrait.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.mapping.MappedItem;
import dev.portrait.core.mapping.SourceRow;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The items a mapped file has made and its reader has not handed on yet: a row may make none (it joined
 * an open group) and the end of a file may make many (the groups still open), while the importer asks
 * for chunks of a fixed size. Shared by the CSV and the mapped JSON-lines readers.
 */
final class MappedSource implements Consumer<MappedItem> {
    /** A row for the core's mapping; its text is only made when the row goes to the quarantine. */
    record Row(List<String> cells, String where, Supplier<String> text) implements SourceRow {
        @Override
        public String raw() {
            return text.get();
        }
    }

    private final Deque<ImportItem> ready = new ArrayDeque<>();

    @Override
    public void accept(MappedItem item) {
        if (item instanceof MappedItem.Event e) {
            ready.add(new ImportItem.Event(e.json(), bytes(e.json()), e.where()));
        } else {
            MappedItem.Unconverted u = (MappedItem.Unconverted) item;
            ready.add(new ImportItem.Unreadable(u.code(), u.message(), u.raw().getBytes(StandardCharsets.UTF_8),
                    u.where()));
        }
    }

    void unreadable(ImportItem.Unreadable u) {
        ready.add(u);
    }

    boolean isEmpty() {
        return ready.isEmpty();
    }

    /** Moves items to {@code out} until it holds {@code max}; whether any were moved. */
    boolean drainTo(List<ImportItem> out, int max) {
        boolean moved = false;
        while (out.size() < max && !ready.isEmpty()) {
            out.add(ready.poll());
            moved = true;
        }
        return moved;
    }

    private static byte[] bytes(Map<String, Object> json) {
        try {
            return EventCodec.mapper().writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings, numbers, booleans, lists and maps always serialise", e);
        }
    }
}
