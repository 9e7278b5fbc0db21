package dev.portrait.server.e2e;

import dev.portrait.server.testing.ForwardingStore;
import dev.portrait.server.testing.ForwardingWriteBack;
import dev.portrait.store.CommittedGroup;
import dev.portrait.store.EventLog;
import dev.portrait.store.EventRecord;
import dev.portrait.store.LogCursor;
import dev.portrait.store.LogEntry;
import dev.portrait.store.Page;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.ProfileStore;
import dev.portrait.store.Quarantine;
import dev.portrait.store.QuarantineRecord;
import dev.portrait.store.QuarantinedEvent;
import dev.portrait.store.StoreException;
import dev.portrait.store.WriteBack;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real store (RocksDB, in the tests) behind a door that fails on demand, at the store port: the
 * runtime cannot tell an injected failure from one of RocksDB's. No mock: every call that is not
 * failed goes to the real store, and {@link Fault#FSYNC} even lets the write land before it reports
 * failure, as a write whose fsync fails does.
 */
final class FaultyStore extends ForwardingStore {
    /** What fails while the fault is on. */
    enum Fault {
        NONE,
        /** The log append throws before writing anything. */
        LOG_WRITE,
        /** A group with quarantined events fails its one atomic write: nothing of the group lands. */
        QUARANTINE_WRITE,
        /** The log append lands, then reports failure, as a write whose fsync fails. */
        FSYNC,
        /** Every write-back throws before writing anything. */
        WRITE_BACK,
        /** The log append throws an {@link Error}, which the committer thread must survive. */
        COMMITTER_ERROR,
        /** The log append takes longer than any commit timeout (a hung disk); it lands afterwards. */
        SLOW_LOG,
        /** Reading a stored profile throws an {@link Error}: the worker dies of it. */
        PROFILE_READ_ERROR
    }

    private volatile Fault fault = Fault.NONE;
    /** How many calls failed (or were slowed) by the fault. */
    final AtomicLong injected = new AtomicLong();
    private final EventLog events;
    private final Quarantine quarantine;
    private final ProfileStore profiles;

    FaultyStore(PortraitStore real) {
        super(real);
        this.events = new FaultyLog(real.events());
        this.quarantine = new FaultyQuarantine(real.quarantine());
        this.profiles = new FaultyProfiles(real.profiles());
    }

    /** While set, a replay of the log (recovery, time travel) waits for it to open: a slow recovery on demand. */
    volatile CountDownLatch replayGate;

    void inject(Fault f) {
        fault = f;
    }

    void clear() {
        fault = Fault.NONE;
    }

    private boolean on(Fault f) {
        if (fault == f) {
            injected.incrementAndGet();
            return true;
        }
        return false;
    }

    private static StoreException io(String what) {
        return new StoreException("store_io", "injected: " + what, null);
    }

    @Override
    public EventLog events() {
        return events;
    }

    @Override
    public ProfileStore profiles() {
        return profiles;
    }

    @Override
    public Quarantine quarantine() {
        return quarantine;
    }

    /**
     * The group's one atomic write, failed as the fault says: before anything is written, or (fsync) after
     * it landed. The log faults hit groups with log records, the quarantine fault groups with quarantined events.
     */
    @Override
    public CommittedGroup commitGroup(List<EventRecord> records, List<QuarantineRecord> quarantined) {
        if (!records.isEmpty()) {
            if (on(Fault.LOG_WRITE)) {
                throw io("the log write failed");
            }
            if (on(Fault.COMMITTER_ERROR)) {
                throw new InjectedError("the committer hit an Error");
            }
            if (on(Fault.SLOW_LOG)) {
                try {
                    Thread.sleep(SLOW_LOG_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (!quarantined.isEmpty() && on(Fault.QUARANTINE_WRITE)) {
            throw io("the group's write failed on its quarantined events");
        }
        CommittedGroup written = real.commitGroup(records, quarantined);
        if (!records.isEmpty() && on(Fault.FSYNC)) {
            throw io("fsync failed after the group's write");
        }
        return written;
    }

    @Override
    public WriteBack writeBack() {
        return new FaultyWriteBack(real.writeBack());
    }

    private final class FaultyLog implements EventLog {
        private final EventLog log;

        FaultyLog(EventLog log) {
            this.log = log;
        }

        @Override
        public long[] append(List<EventRecord> records) {
            return log.append(records);
        }

        @Override
        public long[] appendIfNew(List<EventRecord> records) {
            return log.appendIfNew(records); // the runtime writes through commitGroup, where the faults are
        }

        @Override
        public List<LogEntry> read(long fromSequence, int max) {
            return log.read(fromSequence, max);
        }

        @Override
        public LogCursor replay(long fromSequence) {
            CountDownLatch gate = replayGate;
            if (gate != null) {
                try {
                    gate.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return log.replay(fromSequence);
        }

        @Override
        public long lastSequence() {
            return log.lastSequence();
        }

        @Override
        public long purgeDedup(long now) {
            return log.purgeDedup(now);
        }
    }

    /** How long {@link Fault#SLOW_LOG} holds an append. */
    static final long SLOW_LOG_MILLIS = 3_000;

    private final class FaultyQuarantine implements Quarantine {
        private final Quarantine q;

        FaultyQuarantine(Quarantine q) {
            this.q = q;
        }

        @Override
        public long[] addAll(List<QuarantineRecord> records) {
            return q.addAll(records); // the runtime writes through commitGroup, where the faults are
        }

        @Override
        public Page<QuarantinedEvent> list(String cursor, int limit) {
            return q.list(cursor, limit);
        }

        @Override
        public int remove(Collection<Long> ids) {
            return q.remove(ids);
        }

        @Override
        public Map<String, Long> countByCode() {
            return q.countByCode();
        }

        @Override
        public long count() {
            return q.count();
        }

        @Override
        public long purgeExpired(long now) {
            return q.purgeExpired(now);
        }
    }

    private final class FaultyProfiles implements ProfileStore {
        private final ProfileStore p;

        FaultyProfiles(ProfileStore p) {
            this.p = p;
        }

        @Override
        public byte[] get(String profileId) {
            if (on(Fault.PROFILE_READ_ERROR)) {
                throw new InjectedError("reading profile " + profileId + " hit an Error");
            }
            return p.get(profileId);
        }

        @Override
        public void writeBack(Map<String, byte[]> profiles, long appliedSequence) {
            if (on(Fault.WRITE_BACK)) {
                throw io("the write-back failed");
            }
            p.writeBack(profiles, appliedSequence);
        }

        @Override
        public long appliedSequence() {
            return p.appliedSequence();
        }

        @Override
        public void delete(String profileId) {
            p.delete(profileId);
        }

        @Override
        public List<String> ids(String afterId, int limit) {
            return p.ids(afterId, limit);
        }
    }

    private final class FaultyWriteBack extends ForwardingWriteBack {
        FaultyWriteBack(WriteBack wb) {
            super(wb);
        }

        @Override
        public void commit(long appliedSequence) {
            if (on(Fault.WRITE_BACK)) {
                throw io("the write-back failed");
            }
            super.commit(appliedSequence);
        }
    }

    /** An {@link Error} the store port throws on demand; named so a log line says it was injected. */
    static final class InjectedError extends Error {
        private static final long serialVersionUID = 1L;

        InjectedError(String message) {
            super("injected: " + message);
        }
    }
}
