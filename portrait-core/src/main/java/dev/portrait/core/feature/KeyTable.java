package dev.portrait.core.feature;

import java.util.Arrays;
import java.util.function.IntBinaryOperator;

/**
 * The keys a collection state keeps (decayed scores' categories, last-N's items, frequent items),
 * each in a numbered slot, so the state holds its values in primitive arrays indexed by the same
 * slots: no map entries, no boxed {@code Double}s or {@code Long}s to allocate on every event.
 *
 * <p>Slots are dense, {@code 0 .. size() - 1}, in no meaningful order: a new key takes the next
 * slot, and removing a key moves the last slot into its place ({@link #removeAt} says which, so the
 * owner moves its values the same way). Whatever depends on order (reads, encodings) sorts.
 *
 * <p>Lookups compare the cached {@code String.hashCode()} first, so a string is only compared on a
 * hash match. With up to {@value #SCAN_LIMIT} keys, the common case of a person's categories or
 * recent items, a scan of the {@code int[]} of hashes is as fast as hashing and needs no table;
 * past that an open-addressing table (linear probing, load at most one half, slot + 1 per cell) is
 * kept, so a feature configured with a capacity of thousands stays O(1) per event.
 *
 * <p>A state extends this class rather than holding one, so its keys' hashes are one pointer away
 * from the profile instead of two: on a cold profile each hop is a cache miss.
 *
 * <p>Hand-written rather than a primitive-collections library: the core's dependencies are chosen
 * for their field, this is one short class, and it keeps insertion, removal and copying under the
 * state's control.
 */
class KeyTable {
    /** Up to this many keys a scan of the hashes beats a table. */
    static final int SCAN_LIMIT = 32;

    private String[] keys;
    private int[] hashes;
    private int size;
    /** Slot + 1 per cell, 0 for an empty cell; null while there are at most SCAN_LIMIT keys. */
    private int[] cells;

    KeyTable(int room) {
        keys = new String[Math.max(1, room)];
        hashes = new int[keys.length];
    }

    KeyTable(KeyTable other) {
        keys = other.keys.clone();
        hashes = other.hashes.clone();
        size = other.size;
        cells = other.cells == null ? null : other.cells.clone();
    }

    int size() {
        return size;
    }

    /** How many keys fit before the arrays grow; values arrays kept beside this one grow to it. */
    int room() {
        return keys.length;
    }

    String key(int slot) {
        return keys[slot];
    }

    /** The slot of {@code key}, or -1. */
    int indexOf(String key) {
        int hash = key.hashCode();
        if (cells == null) {
            for (int i = 0; i < size; i++) {
                if (hashes[i] == hash && key.equals(keys[i])) {
                    return i;
                }
            }
            return -1;
        }
        int mask = cells.length - 1;
        for (int c = spread(hash) & mask; ; c = (c + 1) & mask) {
            int cell = cells[c];
            if (cell == 0) {
                return -1;
            }
            if (hashes[cell - 1] == hash && key.equals(keys[cell - 1])) {
                return cell - 1;
            }
        }
    }

    /** Adds a key that is not in the table; returns its slot, which is {@code size() - 1}. */
    int add(String key) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        int slot = size++;
        keys[slot] = key;
        hashes[slot] = key.hashCode();
        if (cells != null && size * 2 <= cells.length) {
            place(slot);
        } else if (size > SCAN_LIMIT) {
            rebuild();
        }
        return slot;
    }

    /**
     * Removes the key in {@code slot}. The key in the last slot moves into it; returns that last
     * slot's former number, so the owner copies its values from there ({@code slot} itself when it
     * was the last).
     */
    int removeAt(int slot) {
        int last = size - 1;
        if (cells != null) {
            int mask = cells.length - 1;
            vacate(cellOf(slot), mask);
            if (slot != last) {
                cells[cellOf(last)] = slot + 1;
            }
        }
        keys[slot] = keys[last];
        hashes[slot] = hashes[last];
        keys[last] = null;
        size = last;
        return last;
    }

    /** The slots {@code 0 .. n - 1} in the order {@code compare} gives; for reads and encodings, not updates. */
    static int[] sorted(int n, IntBinaryOperator compare) {
        int[] order = new int[n];
        if (n <= SCAN_LIMIT) {
            for (int i = 0; i < n; i++) {
                int j = i;
                while (j > 0 && compare.applyAsInt(i, order[j - 1]) < 0) {
                    order[j] = order[j - 1];
                    j--;
                }
                order[j] = i;
            }
            return order;
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, compare::applyAsInt);
        for (int i = 0; i < n; i++) {
            order[i] = boxed[i];
        }
        return order;
    }

    private static int spread(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    private void rebuild() {
        cells = new int[Integer.highestOneBit(Math.max(4, size) * 4 - 1)];
        for (int slot = 0; slot < size; slot++) {
            place(slot);
        }
    }

    private void place(int slot) {
        int mask = cells.length - 1;
        int c = spread(hashes[slot]) & mask;
        while (cells[c] != 0) {
            c = (c + 1) & mask;
        }
        cells[c] = slot + 1;
    }

    private int cellOf(int slot) {
        int mask = cells.length - 1;
        int c = spread(hashes[slot]) & mask;
        while (cells[c] != slot + 1) {
            c = (c + 1) & mask;
        }
        return c;
    }

    /** Empties cell {@code hole}, moving later cells of the same probe run back so every key stays reachable. */
    private void vacate(int hole, int mask) {
        for (int j = (hole + 1) & mask; cells[j] != 0; j = (j + 1) & mask) {
            int home = spread(hashes[cells[j] - 1]) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                cells[hole] = cells[j];
                hole = j;
            }
        }
        cells[hole] = 0;
    }
}
