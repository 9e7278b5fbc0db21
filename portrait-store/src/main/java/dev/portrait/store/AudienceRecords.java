package dev.portrait.store;

import dev.portrait.core.segment.SavedAudience;

import java.util.List;

/**
 * The saved audiences ({@code PUT /v1/audiences/{name}}): every generation, deleted ones included (a replay of a
 * person's history still needs them to say when they left). Kept in the store's tables like everything else, so
 * a backup's checkpoint copies them and a restore brings them back. They name segments and hold a condition,
 * never a person, so they are not encrypted.
 *
 * <p>Thread-safe; {@link #put} is durable when it returns.
 */
public interface AudienceRecords {
    /** Every stored generation, in the order they were saved. */
    List<SavedAudience> all();

    /** Stores a generation, new or (deleted) replacing the one saved at the same position under the same name. */
    void put(SavedAudience audience);
}
