package dev.portrait.server.runtime.worker;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dense numbers for profiles, so segment members fit in bitmaps: the worker numbers each profile the
 * first time it holds it and retires the number when the profile is merged away or forgotten (numbers
 * are not reused: a reader holding an older bitmap must not find someone else behind a number).
 *
 * <p><b>Rebuilt, not persisted.</b> The numbers are assigned at start-up while the worker reads every
 * stored profile anyway (to rebuild memberships and timers), then as profiles appear. Persisting them
 * would add a table to keep consistent with every write-back and, worse, one more place a forgotten
 * person's profile id would have to be shredded from. The price is that numbers, and so member cursors,
 * do not survive a restart.
 *
 * <p>Only the worker writes. The number → id table is chunked and append-only, so readers on other
 * threads read it without locks: a slot is written before the snapshot that makes its number visible
 * is published (a volatile write), and retiring a slot writes null, which a reader either sees or not.
 */
final class ProfileNumbers {
    private static final int CHUNK = 1 << 14;

    /** Concurrent so readers can find a profile's number (is this person in that bitmap?); only the worker writes. */
    private final Map<String, Integer> numbers = new ConcurrentHashMap<>();
    private volatile String[][] chunks = new String[16][];
    private int next;

    /** The profile's number, assigning the next one if it has none. */
    int numberOf(String profileId) {
        Integer n = numbers.get(profileId);
        if (n != null) {
            return n;
        }
        int number = next++;
        String[][] c = chunks;
        int chunk = number / CHUNK;
        if (chunk >= c.length) {
            String[][] grown = new String[c.length * 2][];
            System.arraycopy(c, 0, grown, 0, c.length);
            c = grown;
        }
        if (c[chunk] == null) {
            c[chunk] = new String[CHUNK];
        }
        c[chunk][number % CHUNK] = profileId;
        chunks = c;
        numbers.put(profileId, number);
        return number;
    }

    /** The profile's number, or -1 when it has none. */
    int existing(String profileId) {
        Integer n = numbers.get(profileId);
        return n == null ? -1 : n;
    }

    /** Retires the profile's number; returns it, or -1 when it had none. */
    int retire(String profileId) {
        Integer n = numbers.remove(profileId);
        if (n == null) {
            return -1;
        }
        chunks[n / CHUNK][n % CHUNK] = null;
        return n;
    }

    int size() {
        return numbers.size();
    }

    /** What readers on other threads see. */
    Reader reader() {
        return new Reader() {
            @Override
            public String profileId(int number) {
                return read(number);
            }

            @Override
            public int number(String profileId) {
                Integer n = numbers.get(profileId);
                return n == null ? -1 : n;
            }
        };
    }

    private String read(int number) {
        if (number < 0) {
            return null;
        }
        String[][] c = chunks;
        int chunk = number / CHUNK;
        if (chunk >= c.length || c[chunk] == null) {
            return null;
        }
        return c[chunk][number % CHUNK];
    }

    /** The number → id table as other threads read it. */
    interface Reader {
        String profileId(int number);

        /** The profile's number, or -1 when it has none (yet, or any more). */
        int number(String profileId);
    }
}
