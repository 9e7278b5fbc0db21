package dev.portrait.server.runtime.worker;

import java.util.Arrays;

/**
 * A min-heap of (time, profile number) pairs in two primitive arrays: 12 bytes an entry where a
 * {@code PriorityQueue} of records cost a record, a boxed time and a slot (≈ 40 bytes), and no object
 * per entry for the collector to trace. Ties in time are broken by the smaller number, so the order in
 * which timers due at the same instant fire does not depend on the order they were added in.
 * Not thread-safe.
 */
final class TimerQueue {
    private long[] times = new long[16];
    private int[] numbers = new int[16];
    private int size;

    void add(long at, int number) {
        if (size == times.length) {
            int grown = size + (size >> 1) + 1;
            times = Arrays.copyOf(times, grown);
            numbers = Arrays.copyOf(numbers, grown);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(at, number, times[parent], numbers[parent])) {
                break;
            }
            times[i] = times[parent];
            numbers[i] = numbers[parent];
            i = parent;
        }
        times[i] = at;
        numbers[i] = number;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The earliest entry's time; only when not empty. */
    long peekTime() {
        return times[0];
    }

    /** The earliest entry's profile number; only when not empty. */
    int peekNumber() {
        return numbers[0];
    }

    /** Removes the earliest entry; only when not empty. */
    void poll() {
        int last = --size;
        long at = times[last];
        int number = numbers[last];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < size && before(times[right], numbers[right], times[child], numbers[child])) {
                child = right;
            }
            if (!before(times[child], numbers[child], at, number)) {
                break;
            }
            times[i] = times[child];
            numbers[i] = numbers[child];
            i = child;
        }
        times[i] = at;
        numbers[i] = number;
        if (size < times.length / 4 && times.length > 64) {
            // give back what a burst of superseded entries grew, so the arrays follow the live schedule
            times = Arrays.copyOf(times, times.length / 2);
            numbers = Arrays.copyOf(numbers, numbers.length / 2);
        }
    }

    private static boolean before(long at, int number, long otherAt, int otherNumber) {
        return at < otherAt || (at == otherAt && number < otherNumber);
    }
}
