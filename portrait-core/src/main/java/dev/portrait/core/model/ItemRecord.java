package dev.portrait.core.model;

import java.util.Arrays;

/**
 * One item's share of {@link ItemStatistics}: its forward-decayed popularity and its strongest
 * co-occurring neighbours, all kept against the item's own landmark. Keeping the landmark per item
 * (not one for the whole table) is what lets the table be split by item key later, as a keyed
 * operator in the scale-out runtime would hold it, and it keeps a landmark move to one item's
 * {@code 1 + neighbours} numbers.
 *
 * <p>Neighbours live in parallel arrays rather than a map: an entry costs 20 bytes plus the shared id
 * string instead of a boxed map entry. A view pairs with up to 20 recent items in both directions, so
 * {@link #addPair} runs some 40 times per event and dominated the runtime's worker: the lookup now scans
 * the ids' cached hash codes (ints) before comparing strings, and a full list remembers its weakest
 * entry, so a newcomer too light to get in is turned away without a scan.
 */
final class ItemRecord {
    private static final String[] NO_IDS = new String[0];
    private static final double[] NO_WEIGHTS = new double[0];
    private static final int[] NO_HASHES = new int[0];

    final String item;
    /** Meaningful once {@link #popularity} is positive; every sum below is relative to it. */
    long landmark;
    double popularity;
    String[] neighbours = NO_IDS;
    double[] weights = NO_WEIGHTS;
    /** {@code neighbours[i].hashCode()}, kept beside them. */
    private int[] hashes = NO_HASHES;
    int size;
    /** Position of the weakest entry of a full list, or -1 when it must be searched again. */
    private int weakestAt = -1;

    ItemRecord(String item, long landmark) {
        this.item = item;
        this.landmark = landmark;
    }

    /** Moves the landmark forward, rescaling every sum exactly; a no-op when {@code to} is not later. */
    void advance(long to, ForwardDecay decay) {
        if (to <= landmark) {
            return;
        }
        popularity = decay.rebase(popularity, landmark, to);
        for (int i = 0; i < size; i++) {
            weights[i] = decay.rebase(weights[i], landmark, to);
        }
        landmark = to;
        weakestAt = -1; // rescaling by one factor keeps the order, but rounding may not
    }

    int indexOf(String other) {
        int h = other.hashCode();
        int[] hs = hashes;
        for (int i = 0; i < size; i++) {
            if (hs[i] == h && neighbours[i].equals(other)) {
                return i;
            }
        }
        return -1;
    }

    /** Takes {@code size} neighbours as decoded (ids and weights already in their arrays). */
    void neighboursDecoded(int size) {
        this.size = size;
        hashes = new int[neighbours.length];
        for (int i = 0; i < size; i++) {
            hashes[i] = neighbours[i].hashCode();
        }
        weakestAt = -1;
    }

    /**
     * Adds co-occurrence weight for {@code other}. A full list lets a newcomer in only in place of its
     * weakest entry and only when the newcomer ranks above it (heavier, or as heavy with the smaller
     * id), the same rule as evicting the lowest after adding. Because a later contribution carries a
     * larger forward factor, a recent pair does displace an old light one; a pair that is both rare
     * and old cannot hold a place against {@code capacity} heavier ones, which is the point.
     */
    void addPair(String other, double contribution, int capacity) {
        int at = indexOf(other);
        if (at >= 0) {
            weights[at] += contribution;
            if (at == weakestAt || contribution < 0) {
                weakestAt = -1; // its rank moved; another entry may be the weakest
            }
            return;
        }
        if (size < capacity) {
            if (size == neighbours.length) {
                int grown = Math.min(capacity, Math.max(4, size * 2));
                neighbours = Arrays.copyOf(neighbours, grown);
                weights = Arrays.copyOf(weights, grown);
                hashes = Arrays.copyOf(hashes, grown);
            }
            neighbours[size] = other;
            weights[size] = contribution;
            hashes[size] = other.hashCode();
            size++;
            weakestAt = -1;
            return;
        }
        int weakest = weakestAt;
        if (weakest < 0 || weakest >= size) {
            weakest = 0;
            for (int i = 1; i < size; i++) {
                if (ranksBelow(weights[i], neighbours[i], weights[weakest], neighbours[weakest])) {
                    weakest = i;
                }
            }
            weakestAt = weakest;
        }
        if (ranksBelow(weights[weakest], neighbours[weakest], contribution, other)) {
            neighbours[weakest] = other;
            weights[weakest] = contribution;
            hashes[weakest] = other.hashCode();
            weakestAt = -1;
        }
    }

    /** Heavier first, then the smaller id: true when (w1, id1) comes after (w2, id2). */
    static boolean ranksBelow(double w1, String id1, double w2, String id2) {
        return w1 < w2 || (w1 == w2 && id1.compareTo(id2) > 0);
    }

    /**
     * Entry positions heaviest first, then by id: the canonical order for encoding and reading. An
     * insertion sort of plain ints: a list holds at most {@code neighbours} entries, and this runs for
     * every item at every checkpoint, where boxing and a comparator lambda were most of its cost.
     */
    int[] rankedPositions() {
        int[] order = new int[size];
        if (size > 64) {
            return rankedPositionsSorted(); // quadratic insertion would cost more than boxing on a long list
        }
        for (int i = 0; i < size; i++) {
            int at = i;
            int j = i - 1;
            while (j >= 0 && ranksBelow(weights[order[j]], neighbours[order[j]], weights[at], neighbours[at])) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = at;
        }
        return order;
    }

    private int[] rankedPositionsSorted() {
        Integer[] boxed = new Integer[size];
        for (int i = 0; i < size; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> ranksBelow(weights[a], neighbours[a], weights[b], neighbours[b]) ? 1
                : ranksBelow(weights[b], neighbours[b], weights[a], neighbours[a]) ? -1 : 0);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = boxed[i];
        }
        return order;
    }

    /**
     * Orders records by popularity, highest first, then by item id. Popularities kept against
     * different landmarks compare exactly after {@link ForwardDecay#rebase}, and the comparison reads
     * only the current fields, so callers must take a record out of a sorted set before changing
     * its popularity or landmark and put it back after.
     */
    static int byPopularity(ItemRecord a, ItemRecord b, ForwardDecay decay) {
        double pa = a.popularity;
        double pb = b.popularity;
        if (a.landmark > b.landmark) {
            pb = decay.rebase(pb, b.landmark, a.landmark);
        } else if (b.landmark > a.landmark) {
            pa = decay.rebase(pa, a.landmark, b.landmark);
        }
        int c = Double.compare(pb, pa);
        return c != 0 ? c : a.item.compareTo(b.item);
    }

    /** This item's popularity divided by that one's; both are positive for records in the table. */
    double popularityRelativeTo(ItemRecord other, ForwardDecay decay) {
        if (landmark >= other.landmark) {
            return popularity / decay.rebase(other.popularity, other.landmark, landmark);
        }
        return decay.rebase(popularity, landmark, other.landmark) / other.popularity;
    }
}
