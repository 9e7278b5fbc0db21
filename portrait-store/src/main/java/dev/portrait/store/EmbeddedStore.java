package dev.portrait.store;

import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.IdentityStore;
import dev.portrait.core.identity.ProfileIdKey;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one {@link PortraitStore} implementation, over either engine ({@link RocksTables},
 * {@link MemoryTables}). It owns what the parts share: the key ring, the two write locks, the log
 * position and the applied position.
 *
 * <p>Two locks, always taken in this order when both are needed (forgetting): {@link #logLock}
 * serialises appends to the log (sequence numbers and the dedup check), {@link #derivedLock} every
 * write of derived state and of the quarantine (their id counters live in {@code meta} and are
 * written in the same batch as the records that use them). Reads take neither.
 */
final class EmbeddedStore implements PortraitStore {
    static final String DB_DIR = "db";
    /** 2: the event log in blocks of binary, compressed events, sealed per subject run; hashed dedup ids. */
    static final int FORMAT = 2;
    static final String META_DICTIONARY_PREFIX = "log.dict.";
    static final String META_FORMAT = "format";
    static final String META_LAST_SEQUENCE = "log.last";
    static final String META_APPLIED = "profiles.applied";
    static final String META_CHANGELOG_NEXT = "changelog.next";
    static final String META_MERGES_NEXT = "merges.next";
    static final String META_HISTORY_NEXT = "history.next";
    static final String META_QUARANTINE_NEXT = "quarantine.next";
    /** Forgets made so far, and how many of them the last finished compaction covered. */
    static final String META_FORGETS = "forget.count";
    static final String META_FORGETS_COMPACTED = "forget.compacted";
    static final byte[] META_MODELS_KEY = "models.state".getBytes(StandardCharsets.UTF_8);
    private static final String QUARANTINE_OWNER = "quarantine";

    final Tables tables;
    final Keyring keyring;
    private final StoreOptions options;
    private final ProfileIdKey profileIdKey;
    final ReentrantLock logLock = new ReentrantLock();
    final ReentrantLock derivedLock = new ReentrantLock();

    volatile long lastSequence;
    volatile long appliedSequence;
    /** Next ids, guarded by {@link #derivedLock}. */
    long changelogNext;
    long mergesNext;
    long historyNext;
    long quarantineNext;

    private final StoredEventLog events;
    private final StoredProfiles profiles;
    private final StoredIdentities identities;
    private final StoredMergeLog merges;
    private final StoredQuarantine quarantine;
    private final StoredChangelog changelog;
    private final StoredProfileHistory history;
    private final StoredSuppressions suppressions;
    private final StoredAudienceRecords audiences;
    /** The data directory, or null in memory: what {@link #backup} copies besides the tables. */
    private final Path dir;
    /** Where forgets are journalled before they are made, or null in memory. */
    private final ForgetJournal journal;

    private EmbeddedStore(Tables tables, MasterKeys master, StoreOptions options) {
        this(tables, master, options, null, null);
    }

    private EmbeddedStore(Tables tables, MasterKeys master, StoreOptions options, ProfileIdKey profileIds, Path dir) {
        this.tables = tables;
        this.dir = dir;
        this.journal = dir == null ? null : new ForgetJournal(dir.resolve(ForgetJournal.FILE));
        this.options = options;
        this.keyring = new Keyring(tables, master, options.dataKeyCacheSize());
        this.profileIdKey = profileIds != null ? profileIds : master.profileIdKey();
        checkFormat();
        long bucketMs = meta(StoredEventLog.META_DEDUP_BUCKET_MS);
        loadDictionaries();
        this.lastSequence = Math.max(meta(META_LAST_SEQUENCE), lastKeyInLog());
        this.appliedSequence = meta(META_APPLIED);
        this.changelogNext = Math.max(1, meta(META_CHANGELOG_NEXT));
        this.mergesNext = Math.max(1, meta(META_MERGES_NEXT));
        this.historyNext = Math.max(1, meta(META_HISTORY_NEXT));
        this.quarantineNext = Math.max(1, meta(META_QUARANTINE_NEXT));
        this.events = new StoredEventLog(this, bucketMs);
        this.identities = new StoredIdentities(this);
        this.profiles = new StoredProfiles(this);
        this.merges = new StoredMergeLog(this);
        this.quarantine = new StoredQuarantine(this);
        this.changelog = new StoredChangelog(this);
        this.history = new StoredProfileHistory(this);
        this.suppressions = new StoredSuppressions(this);
        this.audiences = new StoredAudienceRecords(this);
    }

    static PortraitStore open(Path dir, StoreOptions options, MasterKey masterKey, ProfileIdKey profileIds,
                              StoreMemory memory) {
        Objects.requireNonNull(dir, "data directory");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(memory, "memory");
        Path db = dir.resolve(DB_DIR);
        MasterKeys master = MasterKeys.loadOrCreate(dir, Files.exists(db.resolve("CURRENT")), masterKey);
        RocksTables tables = RocksTables.open(db, memory);
        try {
            return new EmbeddedStore(tables, master, options, profileIds, dir);
        } catch (RuntimeException e) {
            tables.close();
            throw e;
        }
    }

    static PortraitStore inMemory(StoreOptions options) {
        return new EmbeddedStore(new MemoryTables(), MasterKeys.generate(), Objects.requireNonNull(options, "options"));
    }

    /** A store over any engine, for tests that put a fault between the store and its tables. */
    static EmbeddedStore over(Tables tables, StoreOptions options) {
        return new EmbeddedStore(tables, MasterKeys.generate(), Objects.requireNonNull(options, "options"));
    }

    private void checkFormat() {
        long format = meta(META_FORMAT);
        if (format == 0) {
            try (StoreWrite w = newWrite()) {
                putMeta(w, META_FORMAT, FORMAT);
                // A window wide, so a look-up reads two buckets (at half a window it read three, and the
                // committer's multiGet weighed as much as the rest of its append in a profile), and fixed for the store's life: the buckets' meaning must
                // not change when the window is configured differently later. At least a minute, so bucket
                // numbers fit their four bytes for thousands of years whatever the window.
                putMeta(w, StoredEventLog.META_DEDUP_BUCKET_MS, Math.max(60_000, options.dedupWindow().toMillis()));
                w.commit(options.syncWrites());
            }
        } else if (format == 1) {
            throw new StoreException("store_format", "this data directory was written with event log format 1 "
                    + "(one JSON record per event), which this version does not read and will not misread. "
                    + "Import the original event files into a new data directory with `portrait import --data NEW_DIR`, "
                    + "or keep running the version that wrote it on this one.", "meta/" + META_FORMAT);
        } else if (format != FORMAT) {
            throw new StoreException("store_format", "the store was written in layout version " + format
                    + "; this version reads " + FORMAT, "meta/" + META_FORMAT);
        }
    }

    /**
     * The data directory keeps a copy of every event compression dictionary its log was written with;
     * they are made known to this process, and the current one is copied in when it is missing.
     */
    private void loadDictionaries() {
        byte[] prefix = META_DICTIONARY_PREFIX.getBytes(StandardCharsets.UTF_8);
        List<byte[][]> stored = new ArrayList<>();
        tables.scan(Table.META, prefix, KeyLayout.prefixEnd(prefix), false, (k, v) -> {
            stored.add(new byte[][] {k, v});
            return true;
        });
        boolean haveCurrent = false;
        for (byte[][] kv : stored) {
            int id = Integer.parseInt(new String(kv[0], prefix.length, kv[0].length - prefix.length,
                    StandardCharsets.UTF_8));
            try {
                dev.portrait.store.log.EventCompression.register(id, kv[1]);
            } catch (IllegalStateException e) {
                throw new StoreException("store_format", e.getMessage(), "meta/" + META_DICTIONARY_PREFIX + id, e);
            }
            haveCurrent |= id == dev.portrait.store.log.EventCompression.CURRENT_DICTIONARY;
        }
        if (!haveCurrent) {
            int id = dev.portrait.store.log.EventCompression.CURRENT_DICTIONARY;
            byte[] dictionary = dev.portrait.store.log.EventCompression.dictionary(id);
            if (dictionary == null) {
                throw new IllegalStateException("this build ships no event compression dictionary " + id);
            }
            try (StoreWrite w = newWrite()) {
                w.batch.put(Table.META, (META_DICTIONARY_PREFIX + id).getBytes(StandardCharsets.UTF_8), dictionary);
                w.commit(options.syncWrites());
            }
        }
    }

    private long lastKeyInLog() {
        long[] last = {0};
        tables.scan(Table.EVENTS, null, null, true, (k, v) -> {
            last[0] = KeyLayout.getLong(k, 0);
            return false;
        });
        return last[0];
    }

    StoreWrite newWrite() {
        return new StoreWrite(tables, keyring);
    }

    @Override
    public byte[] modelState() {
        return tables.get(Table.META, META_MODELS_KEY);
    }

    long meta(String name) {
        byte[] v = tables.get(Table.META, name.getBytes(StandardCharsets.UTF_8));
        return v == null ? 0 : KeyLayout.getLong(v, 0);
    }

    void putMeta(StoreWrite w, String name, long value) {
        w.batch.put(Table.META, name.getBytes(StandardCharsets.UTF_8), KeyLayout.longKey(value));
    }

    DataKey quarantineKey(StoreWrite w) {
        return w.keyFor(Keyring.QUARANTINE, QUARANTINE_OWNER);
    }

    @Override
    public ProfileIdKey profileIdKey() {
        return profileIdKey;
    }

    @Override
    public StoreFigures figures() {
        return tables.figures();
    }

    @Override
    public StoreOptions options() {
        return options;
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
    public IdentityStore identities() {
        return identities;
    }

    @Override
    public MergeLog merges() {
        return merges;
    }

    @Override
    public Quarantine quarantine() {
        return quarantine;
    }

    @Override
    public Changelog changelog() {
        return changelog;
    }

    @Override
    public ProfileHistory history() {
        return history;
    }

    @Override
    public CommittedGroup commitGroup(List<EventRecord> records, List<QuarantineRecord> quarantined) {
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(quarantined, "quarantined");
        logLock.lock();
        derivedLock.lock();
        try (StoreWrite w = newWrite()) {
            StoredEventLog.Staged logged = events.stage(w, records, true);
            StoredQuarantine.Staged held = quarantine.stage(w, quarantined);
            if (w.batch.size() > 0) {
                try {
                    w.commit(options.syncWrites());
                } catch (RuntimeException | Error e) {
                    // The write may have landed (a WAL write whose fsync then failed): its sequences and
                    // quarantine ids are used up either way, so a later group never reuses one; a gap in
                    // the log is harmless to readers and replay.
                    events.published(logged);
                    quarantine.published(held);
                    throw e;
                }
            }
            events.published(logged);
            quarantine.published(held);
            return new CommittedGroup(logged.sequences(), held.ids());
        } finally {
            derivedLock.unlock();
            logLock.unlock();
        }
    }

    @Override
    public WriteBack writeBack() {
        return new StoredWriteBack(this, profiles, changelog, merges, history, identities);
    }

    @Override
    public int forgetSubjects(Collection<String> subjects) {
        Set<String> all = new LinkedHashSet<>(Objects.requireNonNull(subjects, "subjects"));
        logLock.lock();
        derivedLock.lock();
        try (StoreWrite w = newWrite()) {
            List<byte[]> shredded = new ArrayList<>();
            for (String s : all) {
                byte[] id = keyring.forget(Keyring.SUBJECT, s, w.batch);
                if (id != null) {
                    shredded.add(id);
                }
            }
            if (!shredded.isEmpty()) {
                w.commit(options.syncWrites());
                keyring.evict(shredded);
            }
            return shredded.size();
        } finally {
            derivedLock.unlock();
            logLock.unlock();
        }
    }

    @Override
    public Suppressions suppressions() {
        return suppressions;
    }

    @Override
    public AudienceRecords audiences() {
        return audiences;
    }

    @Override
    public long forgets() {
        return meta(META_FORGETS);
    }

    @Override
    public long forgetsCompacted() {
        return meta(META_FORGETS_COMPACTED);
    }

    @Override
    public ForgetReport forgetProfile(String profileId, Collection<String> subjects) {
        return forgetProfile(profileId, subjects, List.of());
    }

    @Override
    public ForgetReport forgetProfile(String profileId, Collection<String> subjects, Collection<Identifier> suppress) {
        return forgetProfile(profileId, subjects, suppress, 0);
    }

    @Override
    public ForgetReport forgetProfile(String profileId, Collection<String> subjects, Collection<Identifier> suppress,
                                      long now) {
        StoredProfiles.requireId(profileId);
        Set<String> all = new LinkedHashSet<>(Objects.requireNonNull(subjects, "subjects"));
        Objects.requireNonNull(suppress, "identifiers to suppress");
        logLock.lock();
        derivedLock.lock();
        try (StoreWrite w = newWrite()) {
            List<byte[]> owners = new ArrayList<>();
            for (dev.portrait.core.identity.AttachedIdentifier a : identities.identifiersOf(profileId)) {
                owners.add(identities.identifierHash(a.identifier()));
            }
            for (Identifier i : suppress) {
                owners.add(identities.identifierHash(i));
            }
            List<String> values = identities.forget(profileId, w);
            boolean hadProfile = tables.get(Table.PROFILES, KeyLayout.utf8(profileId)) != null;
            w.batch.delete(Table.PROFILES, KeyLayout.utf8(profileId));
            changelog.deleteProfile(profileId, w);
            merges.deleteProfile(profileId, w);
            history.forget(profileId, w);
            List<byte[]> shredded = new ArrayList<>();
            byte[] profileKey = keyring.forget(Keyring.PROFILE, profileId, w.batch);
            if (profileKey != null) {
                shredded.add(profileKey);
            }
            Set<String> needles = new LinkedHashSet<>(values);
            for (String s : all) {
                byte[] id = keyring.forget(Keyring.SUBJECT, s, w.batch);
                if (id != null) {
                    shredded.add(id);
                }
                needles.add(s.substring(s.indexOf(':') + 1));
            }
            for (Identifier i : suppress) {
                needles.add(i.value());
            }
            List<Long> quarantineIds = new ArrayList<>();
            int quarantined = quarantine.forgetMentioning(needles, w, quarantineIds);
            List<byte[]> suppressed = suppressions.stage(suppress, w);
            long number = meta(META_FORGETS) + 1;
            putMeta(w, META_FORGETS, number);
            if (journal != null) {
                List<byte[]> subjectKeys = new ArrayList<>();
                for (String s : all) {
                    subjectKeys.add(keyring.ownerKey(Keyring.SUBJECT, s));
                }
                journal.append(new ForgetJournal.Entry(number, now, owners, suppressed, subjectKeys, quarantineIds));
            }
            w.commit(options.syncWrites());
            keyring.evict(shredded);
            suppressions.published(suppressed);
            return new ForgetReport(hadProfile, values.size(), shredded.size(), quarantined);
        } finally {
            derivedLock.unlock();
            logLock.unlock();
        }
    }

    @Override
    public BackupReport backup(Path target, long now) {
        Objects.requireNonNull(target, "backup target");
        if (dir == null) {
            throw new StoreException("not_supported", "this store keeps its tables in memory: there is nothing to back up",
                    null);
        }
        Backups.prepareTarget(target);
        long forgets;
        long sequence;
        // Both locks: no group commit and no forget lands between the checkpoint and the count the backup
        // records, so a restore re-applies exactly the forgets the checkpoint lacks.
        logLock.lock();
        derivedLock.lock();
        try {
            forgets = meta(META_FORGETS);
            sequence = lastSequence;
            tables.checkpoint(target.resolve(DB_DIR));
        } finally {
            derivedLock.unlock();
            logLock.unlock();
        }
        return Backups.finish(dir, target, forgets, sequence, now);
    }

    /**
     * Forgets again, in one durable write, the person a journal entry names: every profile that holds one of
     * its identifiers here (with their identities, changelogs, merge logs, histories and data keys), the
     * data keys of its subjects, its quarantined events, and its identifiers onto the suppression list.
     * Entries this store already holds cost nothing (the profiles and keys are gone).
     *
     * @return how many profiles it found and deleted
     */
    int reapply(ForgetJournal.Entry entry) {
        logLock.lock();
        derivedLock.lock();
        try (StoreWrite w = newWrite()) {
            Set<String> profileIds = new LinkedHashSet<>();
            for (byte[] owner : entry.owners()) {
                String pid = identities.ownerOfHash(owner);
                if (pid != null) {
                    profileIds.add(pid);
                }
            }
            List<byte[]> shredded = new ArrayList<>();
            for (String pid : profileIds) {
                identities.forget(pid, w);
                w.batch.delete(Table.PROFILES, KeyLayout.utf8(pid));
                changelog.deleteProfile(pid, w);
                merges.deleteProfile(pid, w);
                history.forget(pid, w);
                byte[] key = keyring.forget(Keyring.PROFILE, pid, w.batch);
                if (key != null) {
                    shredded.add(key);
                }
            }
            for (byte[] subject : entry.subjects()) {
                byte[] id = keyring.forgetOwnerKey(subject, w.batch);
                if (id != null) {
                    shredded.add(id);
                }
            }
            quarantine.stageRemove(entry.quarantineIds(), w);
            suppressions.stageHashes(entry.suppressed(), w);
            putMeta(w, META_FORGETS, Math.max(meta(META_FORGETS), entry.number()));
            w.commit(options.syncWrites());
            keyring.evict(shredded);
            suppressions.published(entry.suppressed());
            return profileIds.size();
        } finally {
            derivedLock.unlock();
            logLock.unlock();
        }
    }

    @Override
    public void clearDerivedState() {
        derivedLock.lock();
        try (StoreWrite w = newWrite()) {
            byte[] all = {(byte) 0xFF};
            for (Table t : List.of(Table.PROFILES, Table.IDENTITIES, Table.MERGES, Table.CHANGELOG, Table.HISTORY)) {
                w.batch.deleteRange(t, KeyLayout.EMPTY, all);
            }
            keyring.forgetKind(Keyring.PROFILE, w.batch);
            putMeta(w, META_APPLIED, 0);
            w.batch.delete(Table.META, META_MODELS_KEY);
            identities.discardPending();
            w.commit(options.syncWrites());
            keyring.evictAll();
            appliedSequence = 0;
        } finally {
            derivedLock.unlock();
        }
    }

    @Override
    public PurgeReport purgeExpired(long now) {
        return new PurgeReport(events.purgeDedup(now), changelog.purgeExpired(now), quarantine.purgeExpired(now));
    }

    @Override
    public void compact() {
        // Read before: a forget made while the compaction runs may have written after it passed its range.
        long forgets = meta(META_FORGETS);
        tables.compact();
        if (forgets > meta(META_FORGETS_COMPACTED)) {
            derivedLock.lock();
            try (StoreWrite w = newWrite()) {
                putMeta(w, META_FORGETS_COMPACTED, forgets);
                w.commit(options.syncWrites());
            } finally {
                derivedLock.unlock();
            }
        }
    }

    @Override
    public void close() {
        tables.close();
    }
}
