package dev.portrait.server.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * How the embedded runtime trades latency for throughput.
 *
 * @param maxGroupEvents     the most events one group commit (one fsync) gathers from waiting callers
 * @param writeBackEvery     how often dirty profiles are written back with their log position
 * @param writeBackEvents    write back sooner once this many events are folded but not written back
 * @param hotProfiles        how many profiles stay decoded in memory (clean ones beyond it are dropped)
 * @param maxLag             ingest answers 503 {@code overloaded} while more logged events than this wait to be folded
 * @param modelCheckpointEvery no longer used: every write-back now carries the shared models' checkpoint at
 *                             its own position, so a crash costs the models nothing (see {@code ModelConsumer});
 *                             kept so that existing configurations still construct
 * @param commitTimeout      the longest an ingest caller waits for its group commit; past it the call answers
 *                             503 {@code unavailable} (the events may still become durable: a retry finds them
 *                             as duplicates)
 * @param forgetWithin       the bound a forget's compaction is promised within: each forget's status reports
 *                             {@code requestedAt + forgetWithin} as its deadline, and one past it says it is overdue
 */
public record RuntimeOptions(int maxGroupEvents, Duration writeBackEvery, int writeBackEvents, int hotProfiles,
                             long maxLag, Duration modelCheckpointEvery, Duration commitTimeout, Duration forgetWithin) {
    /** The default commit timeout: long enough for an fsync on a slow disk, short enough for an SDK's retry. */
    public static final Duration DEFAULT_COMMIT_TIMEOUT = Duration.ofSeconds(10);
    /** The default forget bound: a compaction of a store of a few GB takes seconds to minutes here. */
    public static final Duration DEFAULT_FORGET_WITHIN = Duration.ofMinutes(10);

    public RuntimeOptions {
        if (maxGroupEvents < 1) {
            throw new IllegalArgumentException("maxGroupEvents must be at least 1, got " + maxGroupEvents);
        }
        Objects.requireNonNull(writeBackEvery, "writeBackEvery");
        if (writeBackEvery.isNegative() || writeBackEvery.isZero()) {
            throw new IllegalArgumentException("writeBackEvery must be positive, got " + writeBackEvery);
        }
        if (writeBackEvents < 1) {
            throw new IllegalArgumentException("writeBackEvents must be at least 1, got " + writeBackEvents);
        }
        if (hotProfiles < 1) {
            throw new IllegalArgumentException("hotProfiles must be at least 1, got " + hotProfiles);
        }
        Objects.requireNonNull(modelCheckpointEvery, "modelCheckpointEvery");
        if (modelCheckpointEvery.isNegative()) {
            throw new IllegalArgumentException("modelCheckpointEvery must not be negative, got " + modelCheckpointEvery);
        }
        if (maxLag < maxGroupEvents) {
            throw new IllegalArgumentException("maxLag must be at least maxGroupEvents (" + maxGroupEvents + "), got "
                    + maxLag);
        }
        Objects.requireNonNull(commitTimeout, "commitTimeout");
        if (commitTimeout.isNegative() || commitTimeout.isZero()) {
            throw new IllegalArgumentException("commitTimeout must be positive, got " + commitTimeout);
        }
        Objects.requireNonNull(forgetWithin, "forgetWithin");
        if (forgetWithin.isNegative() || forgetWithin.isZero()) {
            throw new IllegalArgumentException("forgetWithin must be positive, got " + forgetWithin);
        }
    }

    /** The options with the {@link #DEFAULT_FORGET_WITHIN default forget bound}. */
    public RuntimeOptions(int maxGroupEvents, Duration writeBackEvery, int writeBackEvents, int hotProfiles, long maxLag,
                          Duration modelCheckpointEvery, Duration commitTimeout) {
        this(maxGroupEvents, writeBackEvery, writeBackEvents, hotProfiles, maxLag, modelCheckpointEvery, commitTimeout,
                DEFAULT_FORGET_WITHIN);
    }

    /** The options with the {@link #DEFAULT_COMMIT_TIMEOUT default commit timeout}. */
    public RuntimeOptions(int maxGroupEvents, Duration writeBackEvery, int writeBackEvents, int hotProfiles, long maxLag,
                          Duration modelCheckpointEvery) {
        this(maxGroupEvents, writeBackEvery, writeBackEvents, hotProfiles, maxLag, modelCheckpointEvery,
                DEFAULT_COMMIT_TIMEOUT);
    }

    public RuntimeOptions withCommitTimeout(Duration timeout) {
        return new RuntimeOptions(maxGroupEvents, writeBackEvery, writeBackEvents, hotProfiles, maxLag,
                modelCheckpointEvery, timeout, forgetWithin);
    }

    public RuntimeOptions withForgetWithin(Duration within) {
        return new RuntimeOptions(maxGroupEvents, writeBackEvery, writeBackEvents, hotProfiles, maxLag,
                modelCheckpointEvery, commitTimeout, within);
    }

    /**
     * 10,000 events per fsync, write-back every 5 seconds or 100,000 events, as many hot profiles as a quarter
     * of this JVM's heap holds ({@link MemoryBudget}: 43,690 for a 1 GB heap, at most 200,000), and at
     * most as many events waiting to be folded as an eighth of the heap holds (65,536 for a 1 GB heap, at
     * most 500,000: a few seconds of folding), and
     * ingest callers waiting at most 10 s for their commit. Write-back encodes and seals
     * every profile an interval touched, so a longer interval writes a busy profile once for many events;
     * what it costs is the replay after a crash (at most one interval of events). Every write-back also
     * carries the shared models' checkpoint (see {@code ModelConsumer}), whose encoding grows with the item
     * catalogue: at one a second it was most of the models' thread (docs/BENCHMARKS.md, session 6), at one
     * in 5 s a fifth of that. Reads do not depend on it: they see what the worker publishes after each batch.
     */
    public static RuntimeOptions defaults() {
        MemoryBudget memory = MemoryBudget.ofThisProcess();
        return new RuntimeOptions(10_000, Duration.ofSeconds(5), 100_000, memory.hotProfiles(), memory.queuedEvents(),
                Duration.ofMinutes(1));
    }
}
