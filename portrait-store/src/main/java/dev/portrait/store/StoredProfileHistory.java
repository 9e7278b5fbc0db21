package dev.portrait.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The history table: {@code 'h' len[2] profileId n[8] → version[1] packed entries} ({@link HistoryBuffer}'s
 * form), {@code n} a store-wide counter, so one profile's chunks sort oldest first and a write-back
 * appends a chunk without reading the ones before it.
 *
 * <p>Not sealed: a chunk holds log sequences, timer times and the profile ids of merge losers — nothing
 * a sender wrote, and profile ids are in clear in every key already. What it does reveal (which log
 * records belong to one person) goes when the person is forgotten: {@link #forget} deletes the
 * profile's chunks and, through the merge entries, those of every profile it absorbed.
 */
final class StoredProfileHistory implements ProfileHistory {
    private static final byte TAG = 'h';
    private static final int VERSION = 1;

    private final EmbeddedStore store;

    StoredProfileHistory(EmbeddedStore store) {
        this.store = store;
    }

    /** Stages one chunk; the caller holds the derived lock and commits. */
    void stage(StoreWrite w, String profileId, HistoryBuffer entries) {
        if (entries.isEmpty()) {
            return;
        }
        byte[] packed = entries.bytes();
        byte[] value = new byte[1 + packed.length];
        value[0] = VERSION;
        System.arraycopy(packed, 0, value, 1, packed.length);
        w.batch.put(Table.HISTORY, KeyLayout.concat(KeyLayout.profilePrefix(TAG, profileId), store.historyNext++), value);
        store.putMeta(w, EmbeddedStore.META_HISTORY_NEXT, store.historyNext);
    }

    @Override
    public List<HistoryEntry> entries(String profileId) {
        StoredProfiles.requireId(profileId);
        byte[] prefix = KeyLayout.profilePrefix(TAG, profileId);
        List<HistoryEntry> out = new ArrayList<>();
        store.tables.scan(Table.HISTORY, prefix, KeyLayout.prefixEnd(prefix), false, (k, v) -> {
            if (v.length == 0 || v[0] != VERSION) {
                throw new StoreException("corrupt_store", "a history chunk of profile " + profileId + " has version "
                        + (v.length == 0 ? "none" : String.valueOf(v[0])), "history/" + profileId);
            }
            HistoryBuffer.decode(v, 1, v.length - 1, out);
            return true;
        });
        return out;
    }

    /** Stages the deletion of the profile's own chunks (not its absorbed profiles'); the caller commits. */
    void clear(String profileId, StoreWrite w) {
        byte[] prefix = KeyLayout.profilePrefix(TAG, profileId);
        w.batch.deleteRange(Table.HISTORY, prefix, KeyLayout.prefixEnd(prefix));
    }

    /**
     * Stages the deletion of the profile's chunks and of every absorbed profile's, recursively; the
     * caller holds the derived lock and commits.
     */
    void forget(String profileId, StoreWrite w) {
        Deque<String> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        todo.add(profileId);
        while (!todo.isEmpty()) {
            String id = todo.poll();
            if (!seen.add(id)) {
                continue;
            }
            for (HistoryEntry e : entries(id)) {
                if (e instanceof HistoryEntry.Merge m) {
                    todo.add(m.loserId());
                }
            }
            byte[] prefix = KeyLayout.profilePrefix(TAG, id);
            w.batch.deleteRange(Table.HISTORY, prefix, KeyLayout.prefixEnd(prefix));
        }
    }
}
