package dev.portrait.server.runtime;

import dev.portrait.store.StoreMemory;

import java.util.Locale;
import java.util.Objects;

/**
 * One number an operator sets — how much memory the server may use, 2 GB unless configured — and how it
 * is split. The process's memory is three parts that do not know of each other:
 * <ol>
 *   <li>the Java heap, bounded by {@code -Xmx}, which the {@code portrait} launcher sets to half the budget
 *       unless {@code PORTRAIT_JAVA_OPTS} names one; the hot profiles live there and are bounded by count,
 *       a quarter of the heap at {@link #HOT_PROFILE_BYTES} each, and the events logged but not yet folded,
 *       which the worker holds decoded, an eighth of it at {@link #QUEUED_EVENT_BYTES} each (ingest answers
 *       503 {@code overloaded} past that lag);</li>
 *   <li>RocksDB's native memory: a quarter of the budget, one block cache with every memtable charged to it
 *       ({@link StoreMemory});</li>
 *   <li>what neither bounds: the JVM's own memory (metaspace, compiled code, thread stacks, the collector's
 *       structures, direct buffers) and the allocator's slack — the remaining quarter, which is left free
 *       for it rather than configured.</li>
 * </ol>
 * The launcher passes the budget as {@code -Dportrait.memory=2g}; a server started another way reads the
 * same property, or gets the default.
 *
 * @param totalBytes  the whole budget
 * @param heapBytes   the heap the JVM was given ({@code Runtime.maxMemory()})
 * @param store       RocksDB's share
 * @param hotProfiles how many decoded profiles stay in memory
 * @param queuedEvents the most logged events waiting to be folded ({@link RuntimeOptions#maxLag()})
 */
public record MemoryBudget(long totalBytes, long heapBytes, StoreMemory store, int hotProfiles, long queuedEvents) {
    /** The property the launcher sets from {@code PORTRAIT_MEMORY}. */
    public static final String PROPERTY = "portrait.memory";
    public static final long DEFAULT_TOTAL_BYTES = 2L << 30;
    /**
     * What one decoded hot profile costs on the heap, with its share of the map that holds it: 6.0 KB was
     * measured per fully decoded profile of the retail-like synthetic stream, and 6–7 KB per decoded profile
     * of the default definition when a million people were imported (docs/BENCHMARKS.md, "bounded memory at
     * 1,000,000 profiles"), where the former estimate of 4 KB let the hot profiles take over half of a 1 GB
     * heap instead of a quarter.
     */
    public static final long HOT_PROFILE_BYTES = 6L << 10;
    /**
     * What one logged event waiting in the worker's mailbox costs on the heap (the decoded event, its
     * properties, its log record): an estimate. A 1 GB heap whose import had 225,000 of them queued
     * (and the default lag bound of 500,000) was full and spent most of its time in full collections.
     */
    public static final long QUEUED_EVENT_BYTES = 2L << 10;
    /** A lag bound below this would answer 503 to a couple of large groups in flight. */
    public static final long MIN_QUEUED_EVENTS = 20_000;
    /** The bound before there was a budget: a few seconds of folding. */
    public static final long MAX_QUEUED_EVENTS = 500_000;
    /** Fewer than this and a busy minute re-decodes its own profiles on every event. */
    public static final int MIN_HOT_PROFILES = 1_000;
    /** More than this gains little: a write-back interval rarely touches more profiles. */
    public static final int MAX_HOT_PROFILES = 200_000;

    public MemoryBudget {
        if (totalBytes < (256L << 20)) {
            throw new IllegalArgumentException("the memory budget must be at least 256 MB, got " + totalBytes + " bytes");
        }
        if (heapBytes <= 0) {
            throw new IllegalArgumentException("heapBytes must be positive, got " + heapBytes);
        }
        Objects.requireNonNull(store, "store");
        if (hotProfiles < 1) {
            throw new IllegalArgumentException("hotProfiles must be at least 1, got " + hotProfiles);
        }
        if (queuedEvents < 1) {
            throw new IllegalArgumentException("queuedEvents must be at least 1, got " + queuedEvents);
        }
    }

    /** The split of {@code totalBytes} for a JVM whose heap is {@code heapBytes}. */
    public static MemoryBudget split(long totalBytes, long heapBytes) {
        long hot = heapBytes / 4 / HOT_PROFILE_BYTES;
        int hotProfiles = (int) Math.max(MIN_HOT_PROFILES, Math.min(MAX_HOT_PROFILES, hot));
        long queued = Math.max(MIN_QUEUED_EVENTS, Math.min(MAX_QUEUED_EVENTS, heapBytes / 8 / QUEUED_EVENT_BYTES));
        return new MemoryBudget(totalBytes, heapBytes, StoreMemory.of(totalBytes / 4), hotProfiles, queued);
    }

    /** The budget in {@value #PROPERTY} (2 GB when unset), split for this JVM's heap. */
    public static MemoryBudget ofThisProcess() {
        String configured = System.getProperty(PROPERTY);
        long total = configured == null || configured.isBlank() ? DEFAULT_TOTAL_BYTES : parseBytes(configured);
        return split(total, Runtime.getRuntime().maxMemory());
    }

    /** {@code 2g}, {@code 1536m}, {@code 800k} or a plain number of bytes, as {@code -Xmx} reads them. */
    public static long parseBytes(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        long unit = 1;
        if (!t.isEmpty()) {
            char last = t.charAt(t.length() - 1);
            unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : last == 'g' ? 1L << 30 : last == 't' ? 1L << 40 : 1;
            if (unit != 1) {
                t = t.substring(0, t.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(t);
            if (n <= 0 || n > Long.MAX_VALUE / unit) {
                throw new NumberFormatException();
            }
            return n * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a memory size is a positive number with an optional k, m, g or t, "
                    + "like 2g or 1536m; got '" + text + "'");
        }
    }

    /** The same split with the hot-profile count and lag bound of a configuration's own {@link RuntimeOptions}. */
    public MemoryBudget withRuntime(RuntimeOptions options) {
        return new MemoryBudget(totalBytes, heapBytes, store, options.hotProfiles(), options.maxLag());
    }

    /** What is left for the JVM's own and other native memory; negative when the heap was set above its share. */
    public long unboundedBytes() {
        return totalBytes - heapBytes - store.blockCacheBytes();
    }

    /** The startup line: the split, and a warning when a heap set by hand leaves too little of the budget. */
    public String describe() {
        String line = String.format(Locale.ROOT, "memory budget %s: heap %s, RocksDB %s (block cache, memtables up to %s "
                        + "charged to it), %,d hot profiles, %,d events queued at most, %s left for the JVM's own memory",
                mb(totalBytes), mb(heapBytes), mb(store.blockCacheBytes()), mb(store.memtableBytes()), hotProfiles, queuedEvents,
                mb(Math.max(0, unboundedBytes())));
        if (unboundedBytes() < totalBytes / 8) {
            line += String.format(Locale.ROOT, "; WARNING: the heap (%s) leaves less than an eighth of the budget for "
                    + "the JVM's own memory, so the process may exceed %s: lower -Xmx or raise PORTRAIT_MEMORY",
                    mb(heapBytes), mb(totalBytes));
        }
        return line;
    }

    private static String mb(long bytes) {
        return bytes >= (10L << 30) || bytes % (1L << 30) == 0 && bytes > 0
                ? (bytes >> 30) + " GB" : String.format(Locale.ROOT, "%,d MB", bytes >> 20);
    }
}
