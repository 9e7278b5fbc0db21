package dev.portrait.core.clean;

import java.util.ArrayList;
import java.util.List;

/** The notes of one cleaning; most events need none, so the list is made on the first note. */
final class Notes {
    private List<String> notes;

    void add(String note) {
        if (notes == null) {
            notes = new ArrayList<>(2);
        }
        notes.add(note);
    }

    List<String> list() {
        return notes == null ? List.of() : notes;
    }
}
