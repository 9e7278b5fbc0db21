package dev.portrait.store;

import java.util.List;
import java.util.Objects;

/**
 * One page of a listing. Pass {@link #nextCursor()} back to get the next page; it is {@code null}
 * on the last page. Cursors are opaque: a store refuses one it did not hand out ({@code bad_cursor}).
 *
 * @param items      the items of this page, in the listing's order
 * @param nextCursor where the next page starts, or {@code null} when there is none
 */
public record Page<T>(List<T> items, String nextCursor) {
    public Page {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
    }

    /** Whether another page follows. */
    public boolean hasMore() {
        return nextCursor != null;
    }
}
