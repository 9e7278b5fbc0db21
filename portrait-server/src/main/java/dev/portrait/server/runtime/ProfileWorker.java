package dev.portrait.server.runtime;

import dev.portrait.core.PortraitException;
import dev.portrait.core.engine.EngineStep;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.IdentityGraph;
import dev.portrait.core.profile.Change;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.profile.UpdateResult;
import dev.portrait.core.segment.SegmentTransition;
import dev.portrait.store.ChangeRecord;
import dev.portrait.store.LogCursor;
import dev.portrait.store.LogEntry;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.WriteBack;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The single writer of profiles, identities and segment memberships: it folds logged events in log
 * order, runs the {@code nextChange} timers, writes back, and answers queries between events.
 *
 * <p><b>Exactly once.</b> Profiles, identity changes, changelog and merge-log entries are written
 * back in one atomic write together with the log position they include. After a crash the worker
 * replays the log from that position: events before it are in the stored state exactly once, events
 * after it are applied exactly once by the replay, and no acknowledged event is missing because the
 * log was durable before the client heard back.
 *
 * <p><b>Why one thread.</b> Identity resolution can merge any two profiles, so partitioning by
 * profile id needs a protocol for cross-partition merges; on the two cores this runtime targets, one
 * worker plus the HTTP threads (which clean) and the group committer (which fsyncs) already keep both
 * cores busy. The partitioned design is in docs/ARCHITECTURE.md.
 *
 * <p><b>Queries</b> run on this thread too, between events, so they see a consistent profile without
 * copying it. They do not queue behind the folding backlog: each query carries the log position that
 * was durable when it arrived and is answered as soon as the worker has applied that far, checked
 * after every event. A client that reads after its ingest was acknowledged therefore sees its own
 * writes, and a query never waits for events logged after it.
 *
 * <p><b>Timers.</b> Each profile has at most one live timer entry (the earliest {@code nextCheck}
 * scheduled for it); a later {@code nextCheck} is found when that entry fires and rescheduled then,
 * so a busy profile does not add an entry per event.
 */
final class ProfileWorker implements Runnable {
    /** Marker for changes no event caused. */
    static final String TIME = "time";

    private record Logged(long sequence, Event event) {
    }

    private record Timer(long at, String profileId) {
    }

    /**
     * A task to run once the worker has applied the log up to {@code after}; a {@code read} changes
     * nothing, so it may also run between the profiles of a write-back.
     */
    private record Query(long after, boolean read, Runnable task) {
    }

    /** Wakes an idle worker for a query; carries no work itself. */
    private static final Runnable WAKE = () -> { };

    private final PortraitStore store;
    private final ProfileEngine engine;
    private final ProfileUpdater updater;
    private final ProfileCodec codec;
    private final CachedIdentities identities;
    private final InstantSource clock;
    private final RuntimeOptions options;
    private final SegmentMembers members;
    /** The hot profiles over the store, as the engine sees them. */
    private final ProfileTable table = new ProfileTable() {
        @Override
        public Profile get(String profileId) {
            return load(profileId);
        }

        @Override
        public void put(Profile profile) {
            ProfileWorker.this.put(profile);
        }

        @Override
        public void remove(String profileId) {
            ProfileWorker.this.remove(profileId);
        }
    };

    private final BlockingQueue<Object> tasks = new LinkedBlockingQueue<>();
    private final LinkedHashMap<String, Profile> hot = new LinkedHashMap<>(1024, 0.75f, true);
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> deleted = new HashSet<>();
    private final Map<String, List<ChangeRecord>> pendingChanges = new HashMap<>();
    private final List<String[]> pendingMergeOwners = new ArrayList<>();
    private final List<byte[]> pendingMerges = new ArrayList<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
    /** profile id → the time of its one live timer entry. */
    private final Map<String, Long> scheduled = new HashMap<>();
    private final java.util.Queue<Query> queries = new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Queries taken from {@link #queries} that wait for events not yet applied; worker thread only. */
    private final java.util.ArrayDeque<Query> waiting = new java.util.ArrayDeque<>();

    /**
     * Commits write-backs (sealing every profile and change, then one RocksDB write) while this thread
     * goes on answering reads; it folds nothing meanwhile, so the committed state stays the state it encoded.
     */
    private final java.util.concurrent.ExecutorService writer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "portrait-writeback");
        t.setDaemon(true);
        return t;
    });
    private boolean answering;
    private java.util.concurrent.Future<?> inFlight;
    /** Profiles the write-back in flight deletes; until it commits the store still has them. */
    private final Set<String> deletedInFlight = new HashSet<>();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong unattributed = new AtomicLong();
    private long foldedSinceWriteBack;
    private long lastWriteBack;
    private long lastModelCheckpoint;
    private long lastPurge;
    private volatile boolean running = true;
    private volatile Throwable failure;

    ProfileWorker(PortraitStore store, ProfileEngine engine, InstantSource clock, RuntimeOptions options) {
        this.store = store;
        this.engine = engine;
        this.updater = engine.updater();
        this.codec = engine.codec();
        this.identities = new CachedIdentities(store.identities(), 2_000_000, Math.max(10_000, options.hotProfiles()));
        this.clock = clock;
        this.options = options;
        List<String> names = new ArrayList<>();
        for (int s = 0; s < updater.segments().size(); s++) {
            names.add(updater.segments().name(s));
        }
        this.members = new SegmentMembers(names);
    }

    // ---- start-up: memberships and timers from the stored profiles, then the log's tail ----

    /** Rebuilds memberships and timers, then replays events logged after the stored position. Runs before the thread starts. */
    long recover() {
        engine.sharedModels().restore(store.modelState()); // shared models recover to their checkpoint
        String after = null;
        while (true) {
            List<String> ids = store.profiles().ids(after, 1000);
            if (ids.isEmpty()) {
                break;
            }
            for (String id : ids) {
                byte[] bytes = store.profiles().get(id);
                if (bytes == null) {
                    continue;
                }
                Profile p = codec.decode(bytes);
                for (int s = 0; s < updater.segments().size(); s++) {
                    if (p.inSegment(s)) {
                        members.add(updater.segments().name(s), id);
                    }
                }
                schedule(p);
            }
            after = ids.get(ids.size() - 1);
        }
        long from = store.profiles().appliedSequence();
        applied.set(from);
        long replayed = 0;
        LogCursor cursor = store.events().replay(from + 1);
        while (cursor.hasNext()) {
            LogEntry e = cursor.next();
            apply(e.sequence(), e.decode());
            replayed++;
            if (foldedSinceWriteBack >= options.writeBackEvents()) {
                startWriteBack(false);
            }
        }
        if (cursor.position() > applied.get()) {
            applied.set(cursor.position()); // forgotten records at the tail still count as passed
        }
        writeBack();
        return replayed;
    }

    // ---- the thread ----

    void submit(long[] sequences, List<Event> events) {
        List<Logged> batch = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            batch.add(new Logged(sequences[i], events.get(i)));
        }
        tasks.add(batch);
    }

    /** Runs {@code task} on the worker thread, between events, and waits for its answer. */
    <T> T call(Callable<T> task) {
        return submitQuery(false, task);
    }

    /**
     * Like {@link #call}, for a task that only reads (profiles, identities, memberships): it may also run
     * in the middle of a write-back, which would otherwise hold it for the whole write-back.
     */
    <T> T read(Callable<T> task) {
        return submitQuery(true, task);
    }

    /**
     * Like {@link #read}, for figures that need not include the caller's own writes (metrics): it runs at
     * the next event boundary instead of waiting until everything logged so far is folded, so a scrape
     * does not wait for the backlog.
     */
    <T> T readNow(Callable<T> task) {
        return submitQuery(true, task, 0);
    }

    private <T> T submitQuery(boolean read, Callable<T> task) {
        return submitQuery(read, task, store.events().lastSequence());
    }

    private <T> T submitQuery(boolean read, Callable<T> task, long after) {
        if (failure != null) {
            throw new PortraitException("unavailable", "the profile worker stopped: " + failure, null, failure);
        }
        CompletableFuture<T> answer = new CompletableFuture<>();
        queries.add(new Query(after, read, () -> {
            try {
                answer.complete(task.call());
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        }));
        tasks.add(WAKE);
        try {
            return answer.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new PortraitException("unavailable", "the profile worker did not answer within " + CALL_TIMEOUT_SECONDS
                    + " s (" + lagDescription() + ")", null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortraitException("unavailable", "interrupted while waiting for the profile worker", null, e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new PortraitException("internal_error", String.valueOf(e.getCause()), null, e.getCause());
        }
    }

    private static final long CALL_TIMEOUT_SECONDS = 60;
    /** Profiles encoded between two looks at waiting reads during a write-back (some 0.1–0.3 ms of work). */
    private static final int READS_EVERY = 16;

    private String lagDescription() {
        return "applied up to " + applied.get() + " of " + store.events().lastSequence() + " logged events";
    }

    @Override
    @SuppressWarnings("unchecked")
    public void run() {
        lastWriteBack = clock.millis();
        lastPurge = clock.millis();
        try {
            while (running || !tasks.isEmpty() || !queries.isEmpty() || !waiting.isEmpty()) {
                long now = clock.millis();
                // Sleep until the next timer, or the next write-back when something waits to be written;
                // with nothing pending the write-back interval must not shorten the sleep (it used to,
                // and an idle worker spun a core).
                long wake = nextTimerAt();
                if (hasPendingWrites()) {
                    wake = Math.min(wake, lastWriteBack + options.writeBackEvery().toMillis());
                }
                long wait = Math.max(0, Math.min(wake - now, 50));
                Object task = waiting.isEmpty() ? tasks.poll(wait, TimeUnit.MILLISECONDS) : tasks.poll();
                if (task instanceof List<?> batch) {
                    for (Logged l : (List<Logged>) batch) {
                        apply(l.sequence(), l.event());
                        if (!queries.isEmpty() || !waiting.isEmpty()) {
                            answerQueries();
                        }
                    }
                }
                answerQueries();
                if (!running && tasks.isEmpty()) {
                    // stopping: nothing more will be applied, so nobody may be left waiting for it
                    waiting.forEach(q -> q.task().run());
                    waiting.clear();
                }
                fireTimers(clock.millis());
                purgeHourly(clock.millis());
                if (inFlight != null && inFlight.isDone()) {
                    awaitWriteBack(); // collects its outcome and evicts now that those profiles are clean
                }
                if (foldedSinceWriteBack >= options.writeBackEvents()
                        || hasPendingWrites() && clock.millis() - lastWriteBack >= options.writeBackEvery().toMillis()) {
                    startWriteBack(false);
                }
            }
            writeBack();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            writer.shutdown();
        }
    }

    /** Runs every query whose log position has been applied; the others keep waiting, in arrival order. */
    private void answerQueries() {
        answer(false);
    }

    private void answer(boolean readsOnly) {
        if (answering) {
            return; // a query that writes back runs inside this loop; its reads wait for the loop
        }
        answering = true;
        try {
            answerWaiting(readsOnly);
        } finally {
            answering = false;
        }
    }

    private void answerWaiting(boolean readsOnly) {
        Query q;
        while ((q = queries.poll()) != null) {
            waiting.add(q);
        }
        long at = applied.get();
        for (var it = waiting.iterator(); it.hasNext(); ) {
            Query next = it.next();
            if (next.after() <= at && (next.read() || !readsOnly)) {
                it.remove();
                next.task().run();
            }
        }
    }

    private boolean hasPendingWrites() {
        return !dirty.isEmpty() || !deleted.isEmpty() || !pendingChanges.isEmpty() || !pendingMerges.isEmpty()
                || foldedSinceWriteBack > 0;
    }

    void stop() {
        running = false;
        tasks.add(WAKE);
    }

    Throwable failure() {
        return failure;
    }

    long appliedSequence() {
        return applied.get();
    }

    long unattributed() {
        return unattributed.get();
    }

    int hotProfiles() {
        return hot.size();
    }

    /** Profiles with a timer set. */
    int pendingTimers() {
        return scheduled.size();
    }

    /** Entries in the timer queue (live ones plus superseded ones not yet reached); worker thread only. */
    int timerEntries() {
        return timers.size();
    }

    // ---- folding ----

    private void apply(long sequence, Event event) {
        EngineStep step = engine.apply(event, identities, table);
        engine.sharedModels().absorb(step.modelUpdates()); // on this thread for now; they need no answer
        applied.set(sequence);
        foldedSinceWriteBack++;
        if (step.profileId() == null) {
            // Cleaning keeps events without a usable identifier out of the log; this counts any that
            // get past it (an identity rule stricter than cleaning), so nothing vanishes unseen.
            unattributed.incrementAndGet();
            return;
        }
        for (EngineStep.Merge m : step.merges()) {
            pendingMergeOwners.add(new String[] {m.identity().winner()});
            pendingMerges.add(m.undo().toBytes());
            record(sequence, m.time(), m.result());
        }
        record(sequence, event.time(), step.fold());
        schedule(step.profile());
    }

    private void fireTimers(long now) {
        while (!timers.isEmpty() && timers.peek().at() <= now) {
            Timer t = timers.poll();
            Long live = scheduled.get(t.profileId());
            if (live == null || live != t.at()) {
                continue; // superseded by an earlier entry, or the profile is gone
            }
            scheduled.remove(t.profileId());
            Profile p = load(t.profileId());
            if (p == null || p.nextCheck() > now) {
                if (p != null) {
                    schedule(p);
                }
                continue;
            }
            EngineStep step = engine.advance(p, now);
            engine.sharedModels().absorb(step.modelUpdates());
            if (!step.fold().transitions().isEmpty() || !step.modelUpdates().isEmpty()) {
                put(p); // segments moved, or model examples settled in its state
                record(0, now, step.fold());
            }
            schedule(p);
        }
    }

    /** Dedup ids past their window, and changelog and quarantine entries past retention, leave hourly. */
    private void purgeHourly(long now) {
        if (now - lastPurge >= 3_600_000L) {
            lastPurge = now;
            store.purgeExpired(now);
        }
    }

    private long nextTimerAt() {
        return timers.isEmpty() ? Long.MAX_VALUE : timers.peek().at();
    }

    private void schedule(Profile p) {
        long at = p.nextCheck();
        if (at == Long.MAX_VALUE) {
            return;
        }
        Long live = scheduled.get(p.profileId());
        if (live != null && live <= at) {
            return; // the live entry fires first and reschedules from the profile's nextCheck then
        }
        scheduled.put(p.profileId(), at);
        timers.add(new Timer(at, p.profileId()));
    }

    private void record(long sequence, long time, UpdateResult u) {
        members.apply(u.transitions());
        if (u.changes().isEmpty() && u.transitions().isEmpty()) {
            return;
        }
        String owner = u.profile().profileId();
        List<ChangeRecord> list = pendingChanges.computeIfAbsent(owner, k -> new ArrayList<>());
        for (Change c : u.changes()) {
            list.add(new ChangeRecord(sequence, time, c.field(), json(c.oldValue()), json(c.newValue()), c.messageId()));
        }
        for (SegmentTransition t : u.transitions()) {
            if (t.profileId().equals(owner)) {
                list.add(new ChangeRecord(sequence, time, "segments." + t.segment(), json(!t.entered()), json(t.entered()),
                        t.cause()));
            }
        }
    }

    private static byte[] json(Object value) {
        return JsonValues.bytes(value);
    }

    // ---- profiles in memory and on disk ----

    Profile load(String profileId) {
        Profile p = hot.get(profileId);
        if (p != null || deleted.contains(profileId) || deletedInFlight.contains(profileId)) {
            return p;
        }
        byte[] bytes = store.profiles().get(profileId);
        if (bytes == null) {
            return null;
        }
        p = codec.decode(bytes);
        hot.put(profileId, p);
        return p;
    }

    private void put(Profile p) {
        hot.put(p.profileId(), p);
        dirty.add(p.profileId());
        deleted.remove(p.profileId());
    }

    private void remove(String profileId) {
        hot.remove(profileId);
        scheduled.remove(profileId);
        dirty.remove(profileId);
        deleted.add(profileId);
        members.removeProfile(profileId);
    }

    /**
     * Writes every dirty profile, pending change and merge, and the identity changes, at the applied
     * position, and waits until that is committed.
     */
    void writeBack() {
        startWriteBack(true);
        awaitWriteBack();
    }

    /**
     * Encodes every dirty profile and takes the pending changes, merges and identity changes, at the
     * applied position, then hands them to the writer thread, which seals and commits them while this
     * thread folds on. At most one write-back is in flight: a new one first waits for the last.
     *
     * <p>Folding during a commit is safe because the commit holds bytes and lists taken here, and the
     * store's identity overlay keeps later identity changes for the next write-back
     * ({@link WriteBack#takeIdentities()}). Two things must not see the store behind the memory: a
     * profile deleted by a merge in flight stays deleted for {@link #load} ({@code deletedInFlight}),
     * and profiles are evicted only once their write-back has committed.
     */
    private void startWriteBack(boolean withModels) {
        awaitWriteBack();
        lastWriteBack = clock.millis();
        if (!hasPendingWrites()) {
            return;
        }
        // The model state is one blob that grows with the profiles (docs/ARCHITECTURE.md), so the
        // periodic write-backs carry it only every modelCheckpointEvery; a crash costs the models that
        // much learning (the profiles stay exact), a clean stop and every explicit write-back none.
        boolean modelsDue = withModels || lastWriteBack - lastModelCheckpoint >= options.modelCheckpointEvery().toMillis();
        WriteBack wb = store.writeBack();
        int written = 0;
        for (String id : dirty) {
            wb.putProfile(id, codec.encode(hot.get(id)));
            if (++written % READS_EVERY == 0 && (!queries.isEmpty() || !waiting.isEmpty())) {
                answer(true); // profile reads need not wait for the whole write-back
            }
        }
        for (String id : deleted) {
            wb.deleteProfile(id);
        }
        pendingChanges.forEach(wb::appendChanges);
        for (int i = 0; i < pendingMerges.size(); i++) {
            wb.appendMerge(pendingMergeOwners.get(i)[0], pendingMerges.get(i));
        }
        if (modelsDue) {
            wb.putModelState(engine.sharedModels().encode()); // encoded here, on the worker, at the applied position
            lastModelCheckpoint = lastWriteBack;
        }
        wb.takeIdentities();
        long position = applied.get();
        inFlight = writer.submit(() -> wb.commit(position));
        deletedInFlight.addAll(deleted);
        dirty.clear();
        deleted.clear();
        pendingChanges.clear();
        pendingMerges.clear();
        pendingMergeOwners.clear();
        foldedSinceWriteBack = 0;
    }

    /** Waits for the write-back in flight, if any, answering reads meanwhile; then evicts cold profiles. */
    private void awaitWriteBack() {
        if (inFlight == null) {
            return;
        }
        while (!inFlight.isDone()) {
            if (!queries.isEmpty() || !waiting.isEmpty()) {
                answer(true);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        try {
            inFlight.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortraitException("unavailable", "interrupted during a write-back", null, e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("write-back failed", e.getCause());
        } finally {
            inFlight = null;
        }
        deletedInFlight.clear();
        evictCold();
    }

    private void evictCold() {
        var it = hot.entrySet().iterator();
        while (hot.size() > options.hotProfiles() && it.hasNext()) {
            if (!dirty.contains(it.next().getKey())) {
                it.remove(); // clean: its latest state is committed
            }
        }
    }

    // ---- for queries and admin, on this thread ----

    SegmentMembers members() {
        return members;
    }

    IdentityGraph graph() {
        return engine.identityGraph(identities);
    }

    ProfileUpdater updater() {
        return updater;
    }

    /** The identities as the worker sees them (cached); only on this thread. */
    dev.portrait.core.identity.IdentityStore identities() {
        return identities;
    }

    /** Drops a forgotten profile from memory (the store has already deleted it durably). */
    void forgotten(String profileId) {
        Profile p = hot.get(profileId);
        if (p != null) {
            engine.sharedModels().absorb(engine.forget(p)); // leaves the models' bot count
        }
        identities.clear();
        hot.remove(profileId);
        scheduled.remove(profileId);
        dirty.remove(profileId);
        deleted.remove(profileId);
        pendingChanges.remove(profileId);
        members.removeProfile(profileId);
    }

    /** The engine, only on this thread. */
    ProfileEngine engine() {
        return engine;
    }
}
