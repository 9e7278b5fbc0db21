package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionNode;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongUnaryOperator;

/**
 * Sliding windows built from fixed time tiles, after Chronon's "sawtooth" windows.
 *
 * <p>Time is cut into tiles of {@code tile} milliseconds aligned to the epoch (UTC): the tile of a
 * moment {@code t} is {@code floorDiv(t, tile)}. A window of length {@code window} spans
 * {@code N = ceil(window / tile)} tiles, and a read at {@code now} adds up the tiles whose index is
 * in {@code [tileOf(now) - N + 1, tileOf(now)]}. In wall-clock terms it counts the events with
 * {@code time} in {@code [(tileOf(now) - N + 1) * tile, (tileOf(now) + 1) * tile)}: everything in the
 * current, partly elapsed tile plus the {@code N - 1} whole tiles before it. So the window is exact
 * to the tile: when {@code tile} divides {@code window} it covers between {@code window - tile} and
 * {@code window} of the past (just after a tile boundary it reaches back {@code window - tile}, just
 * before the next one almost {@code window}), and the value only changes at tile boundaries or when
 * an event arrives. That is the price of bounded memory and of a next-change time a runtime can set
 * a timer for; a finer tile buys precision with more tiles.
 *
 * <p>The state is sparse: only tiles that saw an event are kept, sorted by index. The newest tile
 * seen, {@code M}, bounds what can still matter: a read at any {@code now} at or after the newest
 * event has {@code tileOf(now) >= M}, so tiles with index {@code <= M - N} can never count again and
 * are dropped as soon as {@code M} moves past them. At most {@code N} tiles are ever kept. Reads at a
 * {@code now} before the newest event are not supported: tiles they would need may be gone.
 *
 * <p>Because what survives is "every tile within {@code N} of the newest one, with all its events",
 * the state is a function of the set of events: folding in any order, or in parts and merging, gives
 * the same tiles (sums of doubles up to rounding).
 */
final class TimeTiles {
    /** Beyond this a window is better served by a coarser tile; also bounds a profile's size. */
    static final int MAX_TILES = 4096;

    private static final long MINUTE = 60_000L;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    /** Tile lengths people read easily, finest first; the default picks from these. */
    private static final long[] ROUND_TILES = {
            MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 20 * MINUTE, 30 * MINUTE,
            HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 8 * HOUR, 12 * HOUR,
            DAY, 2 * DAY, 5 * DAY, 7 * DAY, 10 * DAY, 14 * DAY, 15 * DAY, 30 * DAY};

    final long tile;
    final int span;
    /** Tile indexes below this in magnitude start at a time that {@code index * tile} gives exactly. */
    private final long fastIndexBound;

    TimeTiles(long tile, int span) {
        if (tile <= 0 || span <= 0) {
            throw new IllegalArgumentException("tile " + tile + " ms and span " + span + " must be positive");
        }
        this.tile = tile;
        this.span = span;
        this.fastIndexBound = tile < (1L << 60) ? (Long.MAX_VALUE / tile) / 4 : 0;
    }

    /**
     * Reads {@code window} (required) and {@code tile} from a feature's parameters; without a
     * {@code tile}, {@code defaultTile} decides from the window.
     */
    static TimeTiles fromParams(DefinitionNode params, LongUnaryOperator defaultTile) {
        long window = params.requireDuration("window").toMillis();
        Duration explicit = params.optDuration("tile", null);
        long tile = explicit == null ? defaultTile.applyAsLong(window) : explicit.toMillis();
        if (tile > window) {
            throw params.error("tile", "\"" + params.json().get("tile").asText()
                    + "\" is longer than the window \"" + params.json().get("window").asText() + "\"");
        }
        long span = (window + tile - 1) / tile;
        if (span > MAX_TILES) {
            throw params.error("tile", "\"" + (explicit == null ? tile + "ms" : params.json().get("tile").asText())
                    + "\" cuts the window into " + span + " tiles; at most " + MAX_TILES
                    + " are allowed, choose a longer tile");
        }
        return new TimeTiles(tile, (int) span);
    }

    /**
     * About 24 tiles per window: the longest round tile of at most window / 24 that divides the window
     * (so the window is a whole number of tiles), else the longest round one that fits; never under a
     * minute, except that a window shorter than a minute is one tile of its own length.
     */
    static long defaultTile(long window) {
        if (window <= MINUTE) {
            return window;
        }
        long target = Math.max(MINUTE, window / 24);
        long fits = MINUTE;
        for (long candidate : ROUND_TILES) {
            if (candidate > target) {
                break;
            }
            fits = candidate;
        }
        for (int i = ROUND_TILES.length - 1; i >= 0; i--) {
            if (ROUND_TILES[i] <= target && window % ROUND_TILES[i] == 0) {
                return ROUND_TILES[i];
            }
        }
        return fits;
    }

    long tileOf(long time) {
        return Math.floorDiv(time, tile);
    }

    /** The start of tile {@code index}, saturating instead of overflowing at the ends of time. */
    long startOf(long index) {
        long hi = Math.multiplyHigh(index, tile);
        long lo = index * tile;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return index < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }

    /**
     * The sparse tiles of one state, sorted by index, each with an event count and a value sum. They
     * live in one {@code long[]}, three longs a tile (index, count, the sum's bits), rather than in
     * three parallel arrays: an update reads the newest tile and the oldest, and with one array that
     * is one or two cache lines instead of three arrays' worth, for every window of every profile.
     */
    static final class Series {
        private static final int STRIDE = 3;

        long[] tiles;
        int size;
        /**
         * The kept tiles' counts added up, so that counting a window at or after the newest event
         * subtracts the few tiles that have left it instead of reading every tile in it.
         */
        long total;

        Series(int capacity) {
            tiles = new long[Math.max(1, capacity) * STRIDE];
        }

        private Series(long[] tiles, int size, long total) {
            this.tiles = tiles;
            this.size = size;
            this.total = total;
        }

        Series copy() {
            return new Series(Arrays.copyOf(tiles, Math.max(1, size) * STRIDE), size, total);
        }

        boolean isEmpty() {
            return size == 0;
        }

        long index(int i) {
            return tiles[i * STRIDE];
        }

        long count(int i) {
            return tiles[i * STRIDE + 1];
        }

        double sum(int i) {
            return Double.longBitsToDouble(tiles[i * STRIDE + 2]);
        }

        private void set(int i, long index, long count, double sum) {
            int at = i * STRIDE;
            tiles[at] = index;
            tiles[at + 1] = count;
            tiles[at + 2] = Double.doubleToRawLongBits(sum);
        }

        /** One more event with {@code value} in tile {@code i}. */
        private void bump(int i, double value) {
            int at = i * STRIDE;
            tiles[at + 1]++;
            total++;
            tiles[at + 2] = Double.doubleToRawLongBits(Double.longBitsToDouble(tiles[at + 2]) + value);
        }

        private void ensure(int capacity) {
            if (tiles.length < capacity * STRIDE) {
                tiles = Arrays.copyOf(tiles, Math.max(capacity * STRIDE, tiles.length * 2));
            }
        }

        /** Opens a gap at {@code i} for a new tile. */
        private void insertAt(int i, long index, double value) {
            ensure(size + 1);
            System.arraycopy(tiles, i * STRIDE, tiles, (i + 1) * STRIDE, (size - i) * STRIDE);
            set(i, index, 1, value);
            size++;
            total++;
        }

        private void dropFront(int k) {
            if (k <= 0) {
                return;
            }
            for (int i = 0; i < k; i++) {
                total -= count(i);
            }
            System.arraycopy(tiles, k * STRIDE, tiles, 0, (size - k) * STRIDE);
            size -= k;
        }

        /** Where tile {@code index} is, or {@code -(insertion point) - 1}, as {@link Arrays#binarySearch} says. */
        private int search(long index) {
            int lo = 0;
            int hi = size - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long at = index(mid);
                if (at < index) {
                    lo = mid + 1;
                } else if (at > index) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -(lo + 1);
        }
    }

    Series emptySeries() {
        return new Series(4);
    }

    /**
     * Adds one event at {@code time} with {@code value} (0 when only counting). Most events fall in the
     * newest tile or open the next one, so those are found without a search.
     */
    void add(Series s, long time, double value) {
        long at = tileOf(s, time);
        int last = s.size - 1;
        if (last >= 0) {
            long newest = s.index(last);
            if (at == newest) {
                s.bump(last, value);
                return;
            }
            if (at > newest) {
                s.insertAt(s.size, at, value);
                s.dropFront(expired(s));
                return;
            }
            if (at <= newest - span) {
                return;
            }
        }
        int pos = s.search(at);
        if (pos >= 0) {
            s.bump(pos, value);
        } else {
            s.insertAt(-pos - 1, at, value);
        }
    }

    /**
     * {@link #tileOf(long)}, without the division when {@code time} lies in the newest tile of
     * {@code s} or the one after it, as it does for most events and reads. The newest tile's start is
     * {@code newest * tile}, exact while {@code |newest| < fastIndexBound}; the offset of {@code time}
     * from it may wrap around, but an unsigned comparison still tells whether it is in [0, tile) or
     * [tile, 2 tile), because a wrapped offset is at least 2^62 and tiles are shorter than 2^60 ms.
     */
    long tileOf(Series s, long time) {
        if (s.size > 0) {
            long newest = s.index(s.size - 1);
            if (newest < fastIndexBound && newest > -fastIndexBound) {
                long offset = time - newest * tile;
                if (Long.compareUnsigned(offset, tile) < 0) {
                    return newest;
                }
                if (Long.compareUnsigned(offset - tile, tile) < 0) {
                    return newest + 1;
                }
            }
        }
        return tileOf(time);
    }

    /** How many leading tiles are at or before {@code newest - span}. */
    private int expired(Series s) {
        long newest = s.index(s.size - 1);
        int k = 0;
        while (k < s.size && s.index(k) <= newest - span) {
            k++;
        }
        return k;
    }

    Series merge(Series a, Series b) {
        Series out = new Series(Math.max(1, a.size + b.size));
        int i = 0;
        int j = 0;
        while (i < a.size || j < b.size) {
            long ia = i < a.size ? a.index(i) : Long.MAX_VALUE;
            long ib = j < b.size ? b.index(j) : Long.MAX_VALUE;
            int k = out.size++;
            long count;
            if (ia == ib) {
                count = a.count(i) + b.count(j);
                out.set(k, ia, count, a.sum(i++) + b.sum(j++));
            } else if (ia < ib) {
                count = a.count(i);
                out.set(k, ia, count, a.sum(i++));
            } else {
                count = b.count(j);
                out.set(k, ib, count, b.sum(j++));
            }
            out.total += count;
        }
        if (out.size > 0) {
            out.dropFront(expired(out));
        }
        return out;
    }

    long countAt(Series s, long now) {
        if (s.size == 0) {
            return 0;
        }
        long hi = tileOf(s, now);
        long lo = hi - span + 1;
        if (s.index(s.size - 1) <= hi) {
            // no tile lies after now, as when now is at or after every event folded
            long n = s.total;
            for (int i = 0; i < s.size && s.index(i) < lo; i++) {
                n -= s.count(i);
            }
            return n;
        }
        long n = 0;
        for (int i = 0; i < s.size; i++) {
            long at = s.index(i);
            if (at >= lo && at <= hi) {
                n += s.count(i);
            }
        }
        return n;
    }

    double sumAt(Series s, long now) {
        long hi = tileOf(s, now);
        long lo = hi - span + 1;
        double total = 0.0;
        for (int i = 0; i < s.size; i++) {
            long at = s.index(i);
            if (at >= lo && at <= hi) {
                total += s.sum(i);
            }
        }
        return total;
    }

    /**
     * The next tile boundary after {@code now} at which a kept tile enters the window (it lies in the
     * future of {@code now}) or leaves it, or {@link Long#MAX_VALUE} when none will.
     */
    long nextChange(Series s, long now) {
        if (s.size == 0) {
            return Long.MAX_VALUE;
        }
        long current = tileOf(s, now);
        // Tiles are sorted and startOf is monotone, so of the tiles in the window the oldest leaves
        // first, and of those in the future of now the oldest enters first.
        int i = 0;
        while (i < s.size && !(s.index(i) > current - span)) {
            i++;
        }
        if (i == s.size) {
            return Long.MAX_VALUE;
        }
        if (s.index(i) > current) {
            return startOf(s.index(i));
        }
        long best = startOf(s.index(i) + span);
        if (s.index(s.size - 1) > current) {
            int future = s.size - 1;
            while (s.index(future - 1) > current) {
                future--;
            }
            best = Math.min(best, startOf(s.index(future)));
        }
        return best;
    }

    /** Writes the tiles, deltas between indexes as varints, and the columns the kind uses. */
    static void encode(Series s, BinaryOut out, boolean counts, boolean sums) {
        out.writeVarInt(s.size);
        long previous = 0;
        for (int i = 0; i < s.size; i++) {
            if (i == 0) {
                out.writeSignedVarLong(s.index(0));
            } else {
                out.writeVarLong(s.index(i) - previous);
            }
            previous = s.index(i);
            if (counts) {
                out.writeVarLong(s.count(i));
            }
            if (sums) {
                out.writeDouble(s.sum(i));
            }
        }
    }

    static Series decode(BinaryIn in, boolean counts, boolean sums) {
        int n = in.readLength();
        Series s = new Series(Math.max(1, n));
        long previous = 0;
        for (int i = 0; i < n; i++) {
            long at = i == 0 ? in.readSignedVarLong() : previous + in.readVarLong();
            previous = at;
            long count = counts ? in.readVarLong() : 1;
            s.set(i, at, count, sums ? in.readDouble() : 0.0);
            s.total += count;
        }
        s.size = n;
        return s;
    }
}
