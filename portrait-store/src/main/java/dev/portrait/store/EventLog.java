package dev.portrait.store;

import java.util.List;

/**
 * The append-only event log, the source of truth every profile is rebuilt from. Records get
 * sequence numbers 1, 2, 3, … with no gaps, in the order they were appended.
 *
 * <p>Appends are meant to be made by one group-committer thread that gathers the events of many
 * ingest requests into one call: the call is one atomic write, durable (fsynced, when
 * {@link StoreOptions#syncWrites()}) before it returns, so one fsync acknowledges the whole group.
 * Concurrent callers are safe; they are serialised.
 *
 * <p>Every record carries a CRC32C that is checked on each read, and is encrypted under its
 * subject's data key ({@link EventRecord#subjectOf}); after {@link PortraitStore#forgetSubjects} a
 * subject's records read back as {@link LogEntry#forgotten() forgotten}.
 */
public interface EventLog {
    /** What {@link #appendIfNew} answers for a record whose message id was seen within the window. */
    long DUPLICATE = -1L;

    /**
     * Appends records without deduplication.
     *
     * @return the sequence assigned to each record, in the order given
     */
    long[] append(List<EventRecord> records);

    /**
     * Appends the records whose message id was not seen within the dedup window, and records their
     * ids in the dedup index in the same atomic write: after a crash either both the record and its
     * id are there, or neither. A message id repeated inside {@code records} is a duplicate of its
     * first occurrence. An id last seen longer ago than the window (by receive time) counts as new.
     *
     * @return per record, its sequence or {@link #DUPLICATE}
     */
    long[] appendIfNew(List<EventRecord> records);

    /**
     * Up to {@code max} records from {@code fromSequence} on, forgotten ones included (flagged).
     *
     * @throws StoreException {@code corrupt_log} naming the sequence when a record fails its CRC32C or
     *                        its authentication
     */
    List<LogEntry> read(long fromSequence, int max);

    /** Replays readable records from {@code fromSequence} on (see {@link LogCursor}). */
    LogCursor replay(long fromSequence);

    /** The sequence of the last record, 0 when the log is empty. */
    long lastSequence();

    /**
     * Forgets message ids received longer than the dedup window before {@code now} (epoch ms).
     *
     * @return how many ids were purged
     */
    long purgeDedup(long now);
}
