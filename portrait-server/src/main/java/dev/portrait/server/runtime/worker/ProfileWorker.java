package dev.portrait.server.runtime.worker;

import dev.portrait.core.PortraitException;
import dev.portrait.core.engine.EngineStep;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.IdentityGraph;
import dev.portrait.core.identity.IdentityStore;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.LogCursor;
import dev.portrait.store.LogEntry;
import dev.portrait.store.PortraitStore;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The single writer of profiles, identities and segment memberships: it folds logged events in log
 * order, runs the {@code nextChange} timers, writes back, and answers queries between events. The
 * parts it strings together each have a class: {@link WorkerMailbox} (what it is asked),
 * {@link HotProfiles} (the profiles it holds), {@link ProfileTimers}, {@link HistoryRecorder} (what
 * touched each profile, for {@code /changes} by replay), {@link ModelConsumer} (the shared models, on
 * their own thread) and {@link WriteBacks}. No change values are computed on this thread. What stays here (recovery, the loop, the
 * fold, the query calls) shares the applied position and the thread's failure, which is why this class
 * is longer than the others.
 *
 * <p><b>Exactly once.</b> Profiles, identity changes, histories, merge-log entries and the models'
 * checkpoint are written back in one atomic write together with the log position they include. After a crash the worker
 * replays the log from that position: events before it are in the stored state exactly once, events
 * after it are applied exactly once by the replay, and no acknowledged event is missing because the
 * log was durable before the client heard back.
 *
 * <p><b>Why one thread.</b> Identity resolution can merge any two profiles, so partitioning by
 * profile id needs a protocol for cross-partition merges; on the two cores this runtime targets, one
 * worker plus the HTTP threads (which clean) and the group committer (which fsyncs) already keep both
 * cores busy. The partitioned design is in docs/ARCHITECTURE.md.
 *
 * <p><b>Reads do not run here.</b> After each batch (and after timers) the worker publishes what it
 * changed — encoded profiles, identifier owners, segment member bitmaps and the log position they include —
 * into {@link PublishedState} ({@link Publisher} says why a reader never sees a state that was not
 * published); HTTP threads read that and the store, and never wait for folding unless a read carries a
 * position token from its ingest answer. {@link #call} remains for admin work that must run between events
 * (forget, flush, the reversal of a merge: {@link #reverseMerge}).
 */
public final class ProfileWorker implements Runnable {
    private static final long CALL_TIMEOUT_SECONDS = 60;

    private final PortraitStore store;
    private final ProfileEngine engine;
    private final ProfileUpdater updater;
    private final ProfileCodec codec;
    private final CachedIdentities identities;
    private final InstantSource clock;
    private final SegmentMembers members;
    /** The saved audiences' members, kept here like the definition segments' (and filled when one is saved). */
    private final SavedAudienceMembers audiences;
    /** What readers see: published after every batch, never waited for (see {@link Publisher}). */
    private final Publisher publisher;
    private final WorkerMailbox mailbox = new WorkerMailbox();
    private final HotProfiles hot;
    private final ProfileTimers timers;
    private final HistoryRecorder history = new HistoryRecorder();
    private final ModelConsumer models;
    /** Sees every step as it is applied; for tests that compare with what a changelog recorded. */
    private volatile StepObserver observer;
    private final WriteBacks writeBacks;
    /** The hot profiles over the store, as the engine sees them. */
    private final ProfileTable table = new ProfileTable() {
        @Override
        public Profile get(String profileId) {
            return hot.load(profileId);
        }

        @Override
        public void put(Profile profile) {
            hot.put(profile);
            members.held(profile.profileId());
        }

        @Override
        public void remove(String profileId) {
            hot.remove(profileId);
            timers.remove(profileId);
            members.removeProfile(profileId);
        }
    };

    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong unattributed = new AtomicLong();
    /** Feature and trait updates events would have made without the person's consent to their purposes. */
    private final AtomicLong withheldByConsent = new AtomicLong();
    private long lastPurge;
    private volatile boolean running = true;
    /** A reader waits for the histories to include a position: write back at the next look, not at the interval. */
    private volatile boolean writeBackWanted;
    private volatile Throwable failure;
    private final CompletableFuture<Long> recovery = new CompletableFuture<>();
    private volatile boolean recoverOnStart;
    private volatile boolean recovering;
    private volatile long recoveryTarget;

    public ProfileWorker(PortraitStore store, ProfileEngine engine, InstantSource clock, RuntimeOptions options) {
        this.store = store;
        this.engine = engine;
        this.updater = engine.updater();
        this.codec = engine.codec();
        List<String> names = new ArrayList<>();
        for (int s = 0; s < updater.segments().size(); s++) {
            names.add(updater.segments().name(s));
        }
        this.members = new SegmentMembers(names);
        this.audiences = new SavedAudienceMembers(members, updater, store.audiences());
        this.timers = new ProfileTimers(members.numbering());
        this.publisher = new Publisher(codec, members);
        this.identities = new CachedIdentities(store.identities(), cachedIdentifiers(options),
                Math.max(10_000, options.hotProfiles()), publisher);
        this.clock = clock;
        this.hot = new HotProfiles(store.profiles(), codec, options.hotProfiles(), publisher);
        this.models = new ModelConsumer(engine.sharedModels());
        this.writeBacks = new WriteBacks(store, hot, history, models, options, clock, this::answerReads, publisher);
    }

    /**
     * Identifier owners the worker keeps cached: a few per hot profile (a person has a user id, an
     * anonymous id or two and an email), so the cache follows the memory budget like the hot profiles do.
     * It was a fixed 2,000,000, which at a million people with two or three identifiers each was ≈ 400 MB of
     * entries, ids and {@code Optional}s, most of them for people not seen since; a miss costs one store read.
     */
    static int cachedIdentifiers(RuntimeOptions options) {
        return (int) Math.min(2_000_000L, Math.max(40_000L, 4L * options.hotProfiles()));
    }

    // ---- start-up: memberships and timers from the stored profiles, then the log's tail ----

    /**
     * Rebuilds memberships and timers, then replays events logged after the stored position: before the
     * thread starts, or on it ({@link #recoverWhenStarted()}). Either way {@link #recovery()} completes
     * with the number of events replayed, or with what failed.
     */
    public long recover() {
        recoveryTarget = store.events().lastSequence();
        recovering = true;
        try {
            long replayed = replayFromStore();
            recovery.complete(replayed);
            return replayed;
        } catch (Throwable t) {
            recovery.completeExceptionally(t);
            throw t;
        } finally {
            recovering = false;
        }
    }

    /**
     * Makes the thread recover before it folds anything, so the process can answer health probes while
     * a long log replays. The committer may hand over events meanwhile: those the replay reaches too are
     * skipped when they come round, since their positions are already applied.
     */
    public void recoverWhenStarted() {
        recoverOnStart = true;
    }

    /** Completes once recovery is done: the events it replayed, or its failure. */
    public CompletableFuture<Long> recovery() {
        return recovery;
    }

    /** What recovery is doing, or null once it is done (or before it began). */
    public String recovering() {
        if (!recovering && !(recoverOnStart && !recovery.isDone())) {
            return null;
        }
        return "recovering: replaying the event log, applied up to position " + applied.get() + " of "
                + recoveryTarget;
    }

    private long replayFromStore() {
        models.restore(store.modelState()); // at the profiles' position: every write-back carries both
        models.start();
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
                members.held(id);
                for (int s = 0; s < updater.segments().size(); s++) {
                    if (p.inSegment(s)) {
                        members.add(updater.segments().name(s), id);
                    }
                }
                audiences.stored(p);
                timers.schedule(p);
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
            if (writeBacks.full()) {
                writeBacks.start(applied.get());
            }
        }
        if (cursor.position() > applied.get()) {
            applied.set(cursor.position()); // forgotten records at the tail still count as passed
        }
        writeBack();
        publisher.allCommitted(members, applied.get());
        return replayed;
    }

    // ---- the thread ----

    /**
     * Queues logged events, in log order, to be folded. A null event is a record whose subject was
     * forgotten: its position is passed without folding. Positions already applied are skipped.
     */
    public void submit(long[] sequences, List<Event> events) {
        List<WorkerMailbox.Logged> batch = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            batch.add(new WorkerMailbox.Logged(sequences[i], events.get(i)));
        }
        mailbox.post(batch);
    }

    /** Runs {@code task} on the worker thread, between events, once everything logged so far is folded, and waits for its answer. */
    public <T> T call(Callable<T> task) {
        return ask(false, task, store.events().lastSequence());
    }

    /**
     * Like {@link #call}, for a task that only reads (profiles, identities, memberships): it may also run
     * in the middle of a write-back, which would otherwise hold it for the whole write-back.
     */
    public <T> T read(Callable<T> task) {
        return ask(true, task, store.events().lastSequence());
    }

    /**
     * Like {@link #read}, for figures that need not include the caller's own writes (metrics): it runs at
     * the next event boundary instead of waiting until everything logged so far is folded, so a scrape
     * does not wait for the backlog.
     */
    public <T> T readNow(Callable<T> task) {
        return ask(true, task, 0);
    }

    private <T> T ask(boolean read, Callable<T> task, long after) {
        if (failure != null) {
            throw new PortraitException("unavailable", "the profile worker stopped: " + failure, null, failure);
        }
        CompletableFuture<T> answer = mailbox.ask(read, after, task);
        try {
            return answer.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new PortraitException("unavailable", "the profile worker did not answer within " + CALL_TIMEOUT_SECONDS
                    + " s (" + lagDescription() + ")", null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortraitException("unavailable", "interrupted while waiting for the profile worker", null, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new PortraitException("internal_error", String.valueOf(e.getCause()), null, e.getCause());
        }
    }

    private String lagDescription() {
        return "applied up to " + applied.get() + " of " + store.events().lastSequence() + " logged events";
    }

    @Override
    public void run() {
        if (running) {
            writeBacks.patient();
        }
        try {
            if (recoverOnStart) {
                recover();
            }
            writeBacks.begin(clock.millis());
            lastPurge = clock.millis();
            while (running || !mailbox.isEmpty()) {
                long now = clock.millis();
                // Sleep until the next timer, or the next write-back when something waits to be written;
                // with nothing pending the write-back interval must not shorten the sleep (it used to,
                // and an idle worker spun a core).
                long wake = Math.min(timers.nextAt(), writeBacks.dueAt());
                long wait = audiences.backfilling() ? 0 : Math.max(0, Math.min(wake - now, 50));
                List<WorkerMailbox.Logged> batch = mailbox.next(wait);
                if (batch != null) {
                    for (WorkerMailbox.Logged l : batch) {
                        if (l.sequence() <= applied.get()) {
                            continue; // folded already (by the start-up replay): never twice
                        }
                        if (l.event() == null) {
                            applied.set(l.sequence()); // forgotten before it was handed over: passed, not folded
                            continue;
                        }
                        apply(l.sequence(), l.event());
                        if (writeBacks.full()) {
                            // mid-batch, as recovery does: a group of 25,000 new people must not pile up
                            // dirty (unevictable) profiles beyond the budget before the batch ends; this
                            // waits for the write-back in flight, so a fold faster than its write-backs slows
                            writeBacks.start(applied.get());
                        }
                        if (mailbox.hasQueries()) {
                            mailbox.answer(applied.get(), false);
                        }
                    }
                }
                publisher.publish(hot, identities, members, models, applied.get());
                mailbox.answer(applied.get(), false);
                if (!running && !mailbox.hasEvents()) {
                    mailbox.answerAll(); // stopping: nothing more will be applied, so nobody may wait for it
                }
                fireTimers(clock.millis());
                if (audiences.backfilling()) {
                    audiences.backfill(hot::peek); // a bounded slice between two batches
                }
                publisher.publish(hot, identities, members, models, applied.get());
                purgeHourly(clock.millis());
                if (writeBacks.finished()) {
                    writeBacks.await(); // collects its outcome and evicts now that those profiles are clean
                }
                if (writeBacks.due(clock.millis()) || writeBackWanted && writeBacks.pending()) {
                    writeBackWanted = false;
                    writeBacks.start(applied.get());
                }
            }
            writeBack();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            writeBacks.close();
            models.stop();
        }
    }

    private void answerReads() {
        if (mailbox.hasQueries()) {
            mailbox.answer(applied.get(), true);
        }
    }

    /**
     * Asks for the next write-back now rather than at the interval (a read replaying histories waits for
     * one); the worker does it between batches, as usual. Any thread; returns at once.
     */
    public void requestWriteBack() {
        writeBackWanted = true;
        mailbox.wake();
    }

    public void stop() {
        writeBacks.impatient();
        running = false;
        mailbox.wake();
    }

    /** What stopped the worker thread, or null while it runs. */
    public Throwable failure() {
        return failure;
    }

    /** Why write-backs are failing (the worker retries them and folds nothing meanwhile), or null. */
    public String writeBackFailure() {
        return writeBacks.failing();
    }

    public long appliedSequence() {
        return applied.get();
    }

    public long unattributed() {
        return unattributed.get();
    }

    /** Updates withheld for want of consent since start (a replay at start counts its events again). */
    public long withheldByConsent() {
        return withheldByConsent.get();
    }

    public int hotProfiles() {
        return hot.size();
    }

    /** Profiles with a timer set; worker thread only. */
    public int pendingTimers() {
        return timers.profiles();
    }

    /** Entries in the timer queue (live ones plus superseded ones not yet reached); worker thread only. */
    public int timerEntries() {
        return timers.entries();
    }

    // ---- folding ----

    private void apply(long sequence, Event event) {
        EngineStep step = engine.apply(event, identities, table);
        models.add(step.modelUpdates()); // learned on the models' thread, in this order
        applied.set(sequence);
        writeBacks.folded();
        if (step.profileId() == null) {
            // Cleaning keeps events without a usable identifier out of the log; this counts any that
            // get past it (an identity rule stricter than cleaning), so nothing vanishes unseen.
            unattributed.incrementAndGet();
            return;
        }
        for (EngineStep.Merge m : step.merges()) {
            writeBacks.merged(m.identity().winner(), m.undo().toBytes());
            history.merge(m.identity().winner(), sequence, m.identity().loser());
            members.apply(m.result().transitions());
        }
        history.event(step.profileId(), sequence);
        if (step.fold().withheld() > 0) {
            withheldByConsent.addAndGet(step.fold().withheld());
        }
        members.apply(step.fold().transitions());
        audiences.afterStep(step.profile(), step.profile().clock());
        timers.schedule(step.profile());
        StepObserver o = observer;
        if (o != null) {
            o.applied(sequence, event.time(), step);
        }
    }

    private void fireTimers(long now) {
        String id;
        while ((id = timers.nextDue(now)) != null) {
            Profile p = hot.load(id);
            if (p == null || p.nextCheck() > now) {
                if (p != null) {
                    timers.schedule(p);
                }
                continue;
            }
            EngineStep step = engine.advance(p, now);
            models.add(step.modelUpdates());
            if (!step.fold().transitions().isEmpty() || !step.modelUpdates().isEmpty()) {
                // segments moved, or model examples settled in its state: kept, and kept in its history
                // (a timer that changed neither only moved nextCheck, which the next look recomputes)
                hot.put(p);
                history.timer(p.profileId(), now);
                members.apply(step.fold().transitions());
                audiences.afterStep(p, now); // only with a history entry, so a replay sees the same evaluations
                StepObserver o = observer;
                if (o != null) {
                    o.advanced(now, step);
                }
            } else {
                hot.changedQuietly(p.profileId());
            }
            timers.schedule(p);
        }
    }

    /** Dedup ids past their window, and changelog and quarantine entries past retention, leave hourly. */
    private void purgeHourly(long now) {
        if (now - lastPurge >= 3_600_000L) {
            lastPurge = now;
            store.purgeExpired(now);
        }
    }

    // ---- for queries and admin, on this thread ----

    /** The profile, from memory or the store; null when there is none. Worker thread only. */
    public Profile load(String profileId) {
        return hot.load(profileId);
    }

    /**
     * Writes every dirty profile, pending change and merge, and the identity changes, at the applied
     * position, and waits until that is committed. Worker thread only.
     */
    public void writeBack() {
        writeBacks.writeNow(applied.get());
    }

    public SegmentMembers members() {
        return members;
    }

    // ---- reversing a merge ----

    /** What a reversal did: the two profiles, the identifiers the loser got back, where the later events went. */
    public record Reversal(String winner, String loser, int identifiers, int eventsToLoser, int eventsKept) {
    }

    /**
     * Reverses the winner's latest merge ({@link MergeReversal} says how and what it leaves alone), shows both
     * profiles, their identifiers and segment memberships to readers at once, and writes it all back before
     * answering, so an answer means it is durable. Worker thread only.
     *
     * @throws PortraitException {@code merge_not_found}, {@code merge_not_latest}, {@code merge_not_reversible}
     */
    public Reversal reverseMerge(String winnerId, String mergeId) {
        writeBack(); // the merge log and the histories it reads are complete, and nothing else is pending
        Profile current = hot.load(winnerId);
        MergeReversal.Outcome o = new MergeReversal(store, engine, identities).reverse(winnerId, mergeId);
        String loserId = o.merge().loser();
        long now = clock.millis();
        hot.put(o.winner());
        hot.put(o.loser());
        members.held(loserId);
        members.apply(MergeReversal.transitions(engine, winnerId, current, o.winner(), now));
        members.apply(MergeReversal.transitions(engine, loserId, null, o.loser(), now));
        audiences.afterStep(o.winner(), Math.max(now, o.winner().clock()));
        audiences.afterStep(o.loser(), Math.max(now, o.loser().clock()));
        timers.schedule(o.winner());
        timers.schedule(o.loser());
        writeBacks.reversed(winnerId, o.remainingMerges(), o.winnerHistory(), loserId, o.loserAppended());
        writeBack();
        publisher.publish(hot, identities, members, models, applied.get());
        return new Reversal(winnerId, loserId, o.merge().moved().size(), o.eventsToLoser(), o.eventsKept());
    }

    // ---- saved audiences ----

    /** The saved audiences now; any thread. */
    public dev.portrait.core.segment.SavedAudiences savedAudiences() {
        return audiences.audiences();
    }

    /** How far a live audience's backfill is; any thread. */
    public java.util.Optional<SavedAudienceMembers.Progress> audienceProgress(String name) {
        return audiences.status(name);
    }

    /**
     * Saves an audience as a segment, live from the position applied when the worker takes it (at the next event
     * boundary, not after the backlog); the backfill then runs in slices. Any thread; waits for the answer.
     *
     * @return the saved generation, and whether it was created (false: the same body was already saved)
     */
    public SavedAudienceMembers.Saved saveAudience(String name, dev.portrait.core.segment.AudienceSpec spec) {
        return ask(false, () -> audiences.save(name, spec, applied.get(), clock.millis()), 0);
    }

    /** Deletes a live audience: its members leave at once. Any thread; waits for the answer. */
    public dev.portrait.core.segment.SavedAudience deleteAudience(String name) {
        return ask(false, () -> audiences.delete(name, applied.get(), clock.millis()), 0);
    }

    public IdentityGraph graph() {
        return engine.identityGraph(identities);
    }

    public ProfileUpdater updater() {
        return updater;
    }

    /** The identities as the worker sees them (cached); only on this thread. */
    public IdentityStore identities() {
        return identities;
    }

    /** Drops a forgotten profile from memory (the store has already deleted it durably). Worker thread only. */
    public void forgotten(String profileId) {
        Profile p = hot.forget(profileId);
        if (p != null) {
            models.add(engine.forget(p)); // leaves the models' bot count
        }
        identities.clear();
        timers.remove(profileId);
        history.forget(profileId);
        members.removeProfile(profileId);
        publisher.forgotten(profileId);
    }

    /** What readers read instead of asking this thread. */
    public PublishedState published() {
        return publisher.state();
    }

    /** Sets (or clears, with null) the one observer of publications; for tests that check what readers saw. */
    public void observePublications(PublishedState.PublishObserver observer) {
        publisher.observe(observer);
    }

    /** The engine, only on this thread (its shared models belong to {@link #models()}). */
    public ProfileEngine engine() {
        return engine;
    }

    /** The shared models' thread: reads of the shared models go through it. */
    public ModelConsumer models() {
        return models;
    }

    /**
     * Sees each step the worker applies, on the worker thread, right after it is applied: the event's
     * ({@link #applied}) and the timers' that changed a profile ({@link #advanced}). For tests and tools
     * that check what the runtime did against another record of it; nothing in the runtime uses it.
     */
    public interface StepObserver {
        void applied(long sequence, long eventTime, EngineStep step);

        void advanced(long now, EngineStep step);
    }

    /** Sets (or clears, with null) the one {@link StepObserver}. */
    public void observe(StepObserver observer) {
        this.observer = observer;
    }
}
