package dev.portrait.store;

import dev.portrait.core.identity.IdentityStore;

import java.nio.file.Path;
import java.util.Collection;

/**
 * Portrait's durable embedded storage: one data directory with the event log, the dedup index,
 * profiles, identities, the merge log, the quarantine and the changelog. See the package
 * documentation for the layout, the encryption and why the log lives in RocksDB.
 *
 * <p>Thread-safe. Time is always passed in (epoch ms): the store never reads a clock.
 */
public interface PortraitStore extends AutoCloseable {
    /**
     * Opens (creating if needed) a store in {@code dir}: RocksDB under {@code dir/db}, the master
     * keysets under {@code dir/keysets}.
     *
     * @throws StoreException {@code store_locked} when another process has it open, {@code store_io},
     *                        {@code store_format}
     */
    static PortraitStore open(Path dir, StoreOptions options) {
        return EmbeddedStore.open(dir, options, null, null, StoreMemory.defaults());
    }

    /**
     * As {@link #open(Path, StoreOptions)}, with the keysets encrypted under {@code masterKey} (null: in
     * clear). Clear keysets of an existing store are encrypted under it on this first open.
     *
     * @throws StoreException {@code master_key} when the keysets do not open under it, or are encrypted
     *                        and no key is given
     */
    static PortraitStore open(Path dir, StoreOptions options, MasterKey masterKey) {
        return EmbeddedStore.open(dir, options, masterKey, null, StoreMemory.defaults());
    }

    /**
     * As {@link #open(Path, StoreOptions, MasterKey)}, naming new profiles under {@code profileIds} instead of
     * the secret derived from the store's keysets (null: derived). For an installation whose Flink job and
     * embedded runtime must give a person the same id: both take the secret from
     * {@link ProfileIdSecret#ENV}. Set it for every command that opens the directory, or for none: profiles
     * already named keep their ids either way, new ones are named under whichever key is in force.
     */
    static PortraitStore open(Path dir, StoreOptions options, MasterKey masterKey,
                              dev.portrait.core.identity.ProfileIdKey profileIds) {
        return EmbeddedStore.open(dir, options, masterKey, profileIds, StoreMemory.defaults());
    }

    /**
     * The whole form, what a server opens: keysets under {@code masterKey} (null: in clear), new profiles named
     * under {@code profileIds} (null: the derived secret), RocksDB's native memory bounded by {@code memory}.
     */
    static PortraitStore open(Path dir, StoreOptions options, MasterKey masterKey,
                              dev.portrait.core.identity.ProfileIdKey profileIds, StoreMemory memory) {
        return EmbeddedStore.open(dir, options, masterKey, profileIds, memory);
    }

    /** As {@link #open(Path, StoreOptions)}, with RocksDB's native memory bounded by {@code memory}. */
    static PortraitStore open(Path dir, StoreOptions options, StoreMemory memory) {
        return EmbeddedStore.open(dir, options, null, null, memory);
    }

    /** A store that keeps everything in memory, with the same behaviour; for tests and tools. */
    static PortraitStore inMemory(StoreOptions options) {
        return EmbeddedStore.inMemory(options);
    }

    StoreOptions options();

    /**
     * The secret this store's profiles are named under (derived from its hashing keyset, so it is kept
     * with the keys and never written anywhere else): pass it to the engine, so the same store always
     * names the same person the same and nobody without the keysets can recompute an id.
     */
    dev.portrait.core.identity.ProfileIdKey profileIdKey();

    EventLog events();

    ProfileStore profiles();

    /**
     * The identity graph's store. Reads see every write at once; writes become durable with the next
     * write-back ({@link #writeBack()}, {@link ProfileStore#writeBack}), atomically with the profiles
     * at that log position. Writes not yet written back are lost on {@link #close()} exactly as in a
     * crash, and recovered the same way: by replaying the log from the applied position. Single
     * writer, like the graph itself.
     */
    IdentityStore identities();

    MergeLog merges();

    Quarantine quarantine();

    Changelog changelog();

    /** Per profile, the log positions (and timers and merges) that touched it: see {@link ProfileHistory}. */
    ProfileHistory history();

    /**
     * Makes one ingest group durable in ONE atomic write with one fsync: the log records (those whose
     * message id is new within the dedup window, as {@link EventLog#appendIfNew} decides), their dedup
     * ids, the quarantined events, any data keys they need and the log's and the quarantine's counters.
     * After a crash or a failed write either all of it is there or none of it, so an event in the log
     * is never missing its answer, nor a quarantined one its log neighbours.
     *
     * @throws StoreException when the write fails; then nothing of the group was written
     */
    CommittedGroup commitGroup(java.util.List<EventRecord> records, java.util.List<QuarantineRecord> quarantined);

    /** A new atomic write of derived state at a log position. */
    WriteBack writeBack();

    /** The model state the last write-back stored ({@link WriteBack#putModelState}), or null. */
    byte[] modelState();

    /**
     * Shreds the data keys of event subjects ({@link EventRecord#userSubject},
     * {@link EventRecord#anonymousSubject}): their records in the log read back as forgotten from now
     * on, and a replay skips them. Durable when it returns. Run {@link #compact()} afterwards so the
     * deleted keys physically leave the files.
     *
     * @return how many keys existed and were shredded
     */
    int forgetSubjects(Collection<String> subjects);

    /**
     * Forgets a person (DESIGN invariant 7) in one durable write: the profile's bytes, both identity
     * indexes for every identifier it holds (including writes not yet written back), its merge log,
     * changelog and history (with the histories of the profiles it absorbed), its data key, the data
     * keys of {@code subjects} (their events in the log), and
     * every quarantined event whose bytes mention one of its identifier values or subjects' ids. Use it
     * instead of {@code IdentityGraph.forget}, which it includes. Run {@link #compact()} afterwards.
     *
     * @param subjects the person's event subjects: a user subject for each user id and an anonymous subject
     *                 for each anonymous id the profile holds
     */
    ForgetReport forgetProfile(String profileId, Collection<String> subjects);

    /**
     * As {@link #forgetProfile(String, Collection)}, and in the same durable write: every identifier in
     * {@code suppress} goes onto the {@link #suppressions()} list (as a keyed hash), and the quarantine
     * search also matches their values; the forget is counted ({@link #forgets()}).
     */
    ForgetReport forgetProfile(String profileId, Collection<String> subjects,
                               Collection<dev.portrait.core.identity.Identifier> suppress);

    /**
     * As {@link #forgetProfile(String, Collection, Collection)}, with the time of the request (epoch ms),
     * which the forget journal keeps beside the forget's number. Before the store write, the forget is
     * appended to the data directory's forget journal ({@code DATA/forget-journal}, keyed hashes only), so
     * that restoring a backup taken earlier forgets the person again ({@link Backups#restore}).
     */
    ForgetReport forgetProfile(String profileId, Collection<String> subjects,
                               Collection<dev.portrait.core.identity.Identifier> suppress, long now);

    /**
     * Makes an online, consistent backup into {@code target} (created; refused when it exists and is not
     * empty): a RocksDB checkpoint of the tables (hard links to the table files when {@code target} is on
     * the same file system), a copy of the keysets as they are (encrypted ones stay encrypted), the other
     * files of the data directory except the forget journal, and a {@code BACKUP} file recording the
     * forget count and log position the checkpoint holds. Ingest and forgets wait only while the
     * checkpoint is cut.
     *
     * @param now the time of the backup (epoch ms), recorded in it
     * @throws StoreException {@code backup_target} when the target is not empty, {@code not_supported} in memory
     */
    BackupReport backup(java.nio.file.Path target, long now);

    /** The identifiers of forgotten people whose later events are held back. */
    Suppressions suppressions();

    /** The saved audiences, every generation (see {@link AudienceRecords}). */
    AudienceRecords audiences();

    /** How many forgets this store has made ({@link #forgetProfile}), for ever. */
    long forgets();

    /**
     * How many of {@link #forgets()} the last finished {@link #compact()} physically covered: when it
     * equals {@code forgets()}, everything forgotten has left the files. A count kept in the store, so a
     * compaction owed when the process stopped is known at the next start.
     */
    long forgetsCompacted();

    /**
     * Clears everything derived from the log, for a rebuild: profiles, identities (pending ones too),
     * merge log, changelog, histories, profile data keys, and the applied position (back to 0). The log, the
     * dedup index, the subjects' keys and the quarantine stay.
     */
    void clearDerivedState();

    /** Purges what has outlived its window or retention, measured against {@code now} (epoch ms). */
    PurgeReport purgeExpired(long now);

    /**
     * Flushes every table and compacts it to the bottom level, so that deleted data and the
     * tombstones that deleted it physically leave the files, and obsolete write-ahead logs are
     * deleted. Slow on a large store; run it after forgetting, off the ingest path.
     */
    void compact();

    /**
     * What the storage engine says about itself (sizes, keys, cache, compaction debt), for metrics.
     * Read-only and cheap enough to call on every scrape: a few dozen property reads, no scan.
     *
     * @throws StoreException {@code store_closed} after {@link #close()}
     */
    StoreFigures figures();

    /** Closes the store; further calls fail with {@code store_closed}. Idempotent. */
    @Override
    void close();
}
