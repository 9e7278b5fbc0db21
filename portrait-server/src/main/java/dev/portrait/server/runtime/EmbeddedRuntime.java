package dev.portrait.server.runtime;

import dev.portrait.core.account.AccountView;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.experiment.ExperimentReport;
import dev.portrait.core.model.ServedRecommendations;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.core.segment.AudienceSpec;
import dev.portrait.server.port.AdminPort;
import dev.portrait.server.port.AudienceCount;
import dev.portrait.server.port.AudienceMember;
import dev.portrait.server.port.AudienceStatistics;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.HealthPort;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.port.IngestPort;
import dev.portrait.server.port.AccountPort;
import dev.portrait.server.port.ExperimentPort;
import dev.portrait.server.port.ModelPort;
import dev.portrait.server.port.Page;
import dev.portrait.server.port.QuarantineView;
import dev.portrait.server.port.QueryPort;
import dev.portrait.server.port.SegmentSummary;
import dev.portrait.server.runtime.admin.AudienceAdmin;
import dev.portrait.server.runtime.admin.AuditLog;
import dev.portrait.server.runtime.admin.ProfileAdmin;
import dev.portrait.server.runtime.admin.SuppressionScreen;
import dev.portrait.server.runtime.ingest.DurableIngest;
import dev.portrait.server.runtime.ingest.GroupCommitter;
import dev.portrait.server.runtime.ingest.PreparedEvents;
import dev.portrait.server.runtime.read.AccountReads;
import dev.portrait.server.runtime.read.ExperimentReads;
import dev.portrait.server.runtime.read.ModelReads;
import dev.portrait.server.runtime.read.ProfileQueries;
import dev.portrait.server.runtime.worker.ModelConsumer;
import dev.portrait.server.runtime.worker.ProfileWorker;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.QuarantineRecord;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Portrait's embedded runtime: one process, one data directory. It starts and stops the parts and
 * hands each port to the class that does the work:
 *
 * <pre>
 *  ingest ({@link DurableIngest}: clean) ──► {@link GroupCommitter} ──fsync (log + dedup + quarantine)──► answer
 *                                  │
 *                                  ▼ log order
 *                            {@link ProfileWorker}: ProfileEngine (identity → fold → segments) → history · models ─► {@link
 *                                  │         ModelConsumer} (own thread) · timers · publish after each batch · write-back
 *                                  ▼
 *                            PortraitStore (RocksDB)
 *  reads, on the callers' threads, from the published state and the store (never the worker):
 *  {@link ProfileQueries}, {@link ModelReads} · admin: {@link ProfileAdmin}
 * </pre>
 *
 * Starting recovers: the worker replays the log from the position the stored profiles include, so no
 * acknowledged event is lost and none is applied twice. The port methods below only delegate; they
 * are here so one object can be handed to the HTTP layer and the tools.
 */
public final class EmbeddedRuntime implements IngestPort, QueryPort, AdminPort, ModelPort, AccountPort, ExperimentPort,
        HealthPort, AutoCloseable {
    private final PortraitStore store;
    private final ProfileDefinition definition;
    private final InstantSource clock;
    private final ProfileWorker worker;
    private final GroupCommitter committer;
    private final DurableIngest ingest;
    private final ProfileQueries queries;
    private final ModelReads models;
    private final AccountReads accounts;
    private final ExperimentReads experiments;
    private final ProfileAdmin admin;
    private final AudienceAdmin audienceAdmin;
    private final AuditLog audit = new AuditLog();
    private final Thread workerThread;
    private final Thread committerThread;
    private volatile boolean closing;
    /** The store's background errors when readiness last saw them rise, and the successful writes then. */
    private long storeErrorsSeen;
    private long writesWhenErrorsRose;
    private long errorsRoseAtNanos;
    /** How long a store or commit failure keeps the runtime not ready when nothing has succeeded since. */
    private static final java.time.Duration RECENT = java.time.Duration.ofSeconds(30);

    private EmbeddedRuntime(PortraitStore store, ProfileDefinition definition, InstantSource clock, RuntimeOptions options,
                            IngestCounters counters, boolean recoverInBackground,
                            ProfileUpdater.ChangeTracking tracking) {
        this.store = store;
        this.definition = definition;
        this.clock = clock;
        // no change values on the fold thread: /changes replays a profile's history when asked
        ProfileEngine engine = new ProfileEngine(definition, tracking, store.profileIdKey());
        refuseAnotherDefinition(store, engine);
        Cleaner cleaner = new Cleaner(definition);
        this.worker = new ProfileWorker(store, engine, clock, options);
        if (recoverInBackground) {
            worker.recoverWhenStarted();
        } else {
            worker.recover();
        }
        this.committer = new GroupCommitter(store, worker, options.maxGroupEvents(), counters);
        SuppressionScreen screen = new SuppressionScreen(definition, store.suppressions());
        this.ingest = new DurableIngest(cleaner, committer, this::lag, options.maxLag(), options.commitTimeout(),
                this::stopped, screen);
        this.queries = new ProfileQueries(definition, worker, store, clock);
        this.models = new ModelReads(worker, queries.profiles(), clock);
        this.accounts = new AccountReads(worker, clock);
        this.experiments = new ExperimentReads(worker);
        this.admin = new ProfileAdmin(definition, store, worker, cleaner, ingest, screen, clock, audit,
                options.forgetWithin());
        this.audienceAdmin = new AudienceAdmin(worker, clock, audit);
        this.workerThread = new Thread(worker, "portrait-worker");
        this.committerThread = new Thread(committer, "portrait-commit");
        workerThread.start();
        committerThread.start();
    }

    /** See {@link DurableIngest#prepare}: the importer cleans and encodes on its own threads. */
    public PreparedEvents prepare(List<IncomingEvent> events, List<QuarantineRecord> unreadable) {
        return ingest.prepare(events, unreadable);
    }

    /** See {@link DurableIngest#commit(PreparedEvents)}: in call order, bounded by the caller. */
    public java.util.concurrent.CompletableFuture<List<IngestOutcome>> commit(PreparedEvents prepared) {
        return ingest.commit(prepared);
    }

    /**
     * Recovers from the store and starts the committer and worker threads.
     *
     * @param clock the runtime's clock: receive times, timers and "now" for queries (tests pass a fake)
     */
    public static EmbeddedRuntime start(PortraitStore store, ProfileDefinition definition, InstantSource clock,
                                        RuntimeOptions options, IngestCounters counters) {
        return new EmbeddedRuntime(store, definition, clock, options, counters, false, ProfileUpdater.ChangeTracking.OFF);
    }

    /**
     * Like {@link #start}, but the log's replay runs on the worker thread after this returns, so a
     * server can answer health probes meanwhile: readiness says it is recovering, queries wait for the
     * replay (within their bound), ingest goes into the log until the lag bound answers
     * {@code overloaded}. A definition mismatch is still refused here; a replay that fails stops the
     * worker (readiness names it) and {@link #recoveredEvents()} throws it.
     */
    public static EmbeddedRuntime startRecoveringInBackground(PortraitStore store, ProfileDefinition definition,
                                                              InstantSource clock, RuntimeOptions options,
                                                              IngestCounters counters) {
        return new EmbeddedRuntime(store, definition, clock, options, counters, true, ProfileUpdater.ChangeTracking.OFF);
    }

    /**
     * Like {@link #start}, with change values computed on the fold thread (profiles are the same either
     * way): for tests that record, through {@link ProfileWorker#observe}, what a per-event changelog
     * would have held, and compare it with the replay-derived {@code /changes}.
     */
    static EmbeddedRuntime startTrackingChanges(PortraitStore store, ProfileDefinition definition, InstantSource clock,
                                                RuntimeOptions options) {
        return new EmbeddedRuntime(store, definition, clock, options, IngestCounters.NONE, false,
                ProfileUpdater.ChangeTracking.ON);
    }

    /**
     * Profiles carry the fingerprint of the definition that wrote them. Starting under another
     * definition is refused ({@code definition_mismatch}) rather than silently rebuilding everything:
     * a rebuild can take long, so it is an explicit step ({@code portrait rebuild}, which clears the
     * derived state with {@link PortraitStore#clearDerivedState()} and lets the start-up replay
     * rebuild every profile under the new definition).
     */
    private static void refuseAnotherDefinition(PortraitStore store, ProfileEngine engine) {
        List<String> first = store.profiles().ids(null, 1);
        if (first.isEmpty()) {
            return;
        }
        engine.codec().decode(store.profiles().get(first.get(0)));
    }

    /** The worker, for tests in this package that hold it or ask it for its state. */
    ProfileWorker worker() {
        return worker;
    }

    long workerThreadId() {
        return workerThread.getId();
    }

    /**
     * How many logged events the start-up replay applied (those after the last write-back); waits for a
     * replay still running in the background, and throws what made it fail.
     */
    public long recoveredEvents() {
        try {
            return worker.recovery().join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    public ProfileDefinition definition() {
        return definition;
    }

    public InstantSource clock() {
        return clock;
    }

    /** The log position folded into profiles (in memory; written back shortly). */
    public long appliedSequence() {
        return worker.appliedSequence();
    }

    @Override
    public dev.portrait.core.definition.Purposes purposes() {
        return definition.purposes();
    }

    /** Feature and trait updates withheld because the person had not consented to their purposes. */
    public long withheldByConsent() {
        return worker.withheldByConsent();
    }

    /** The log position the state reads see includes (published after each batch; a gauge, never asks the worker). */
    public long publishedSequence() {
        return worker.published().position();
    }

    /** How far the worker is behind the log, in events. */
    public long lag() {
        return Math.max(0, store.events().lastSequence() - worker.appliedSequence());
    }

    /** Blocks until every event logged so far is folded, published and written back. */
    public void flush() {
        long logged = store.events().lastSequence();
        // a call runs once everything logged before it is applied (possibly before the batch is published)
        worker.call(() -> {
            worker.writeBack();
            return null;
        });
        queries.awaitPosition(logged);
    }

    /** Compacts the store so forgotten data physically leaves its files (slow; off the ingest path). */
    public void compact() {
        admin.compact();
    }

    // ---- health ----

    /**
     * Not ready while the start-up replay runs, a thread of the pipeline has stopped, write-backs are failing (they are retried),
     * a group commit failed within the last {@link #RECENT} with none succeeding since, or the store's
     * background errors rose within the last {@link #RECENT} with no write succeeding since (RocksDB may
     * refuse writes). The last two expire: without traffic nothing proves the store healthy again, and an
     * instance must not stay out of rotation for good because of one old failure.
     */
    @Override
    public synchronized List<String> notReady() {
        List<String> reasons = new ArrayList<>();
        String stopped = stopped();
        if (stopped != null) {
            reasons.add(stopped);
        }
        String recovering = worker.recovering();
        if (recovering != null) {
            reasons.add(recovering);
        }
        String writeBack = worker.writeBackFailure();
        if (writeBack != null) {
            reasons.add(writeBack);
        }
        String commit = committer.recentFailure(RECENT);
        if (commit != null) {
            reasons.add(commit);
        }
        try {
            long errors = store.figures().backgroundErrors();
            if (errors > storeErrorsSeen) {
                storeErrorsSeen = errors;
                writesWhenErrorsRose = committer.successfulWrites();
                errorsRoseAtNanos = System.nanoTime();
            }
            if (storeErrorsSeen > 0 && committer.successfulWrites() == writesWhenErrorsRose
                    && System.nanoTime() - errorsRoseAtNanos < RECENT.toNanos()) {
                reasons.add("the store reported " + storeErrorsSeen + " background error(s) and no write has succeeded"
                        + " since (RocksDB may refuse writes until the cause, such as a full disk, is fixed)");
            }
        } catch (RuntimeException e) {
            reasons.add("the store cannot report its state: " + e.getMessage());
        }
        return reasons;
    }

    /**
     * Why events cannot be folded at all (a pipeline thread stopped, or the runtime is closing), or null:
     * a bulk caller waiting for the lag to fall stops waiting when this is not null.
     */
    public String stopped() {
        if (closing) {
            return "the runtime is shutting down";
        }
        Throwable w = worker.failure();
        if (w != null) {
            return "the profile worker stopped: " + w;
        }
        Throwable c = committer.failure();
        if (c != null) {
            return "the group committer stopped: " + c;
        }
        return null;
    }

    // ---- lifecycle ----

    /** Stops taking events, makes everything pending durable and written back, and stops the threads. The store stays open. */
    @Override
    public void close() {
        closing = true;
        committer.stop();
        join(committerThread);
        worker.stop();
        join(workerThread);
        admin.close(); // a compaction after a forget finishes before the caller closes the store
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- the ports, delegated ----

    @Override
    public List<IngestOutcome> ingest(List<IncomingEvent> events) {
        return ingest.ingest(events);
    }

    @Override
    public void awaitPosition(long position) {
        queries.awaitPosition(position);
    }

    @Override
    public void awaitHistory(long position) {
        queries.awaitHistory(position);
    }

    @Override
    public AudienceCount countAudience(AudienceSpec spec) {
        return queries.countAudience(spec);
    }

    @Override
    public AudienceStatistics audienceStatistics(AudienceSpec spec, String feature, Double lower, Double upper) {
        return queries.audienceStatistics(spec, feature, lower, upper);
    }

    @Override
    public Page<AudienceMember> audienceMembers(AudienceSpec spec, List<String> identifierTypes, String cursor, int limit) {
        return queries.audienceMembers(spec, identifierTypes, cursor, limit);
    }

    /** The log position of the last event logged (what an ingest answer's position token may be). */
    @Override
    public long loggedPosition() {
        return store.events().lastSequence();
    }

    @Override
    public Optional<ProfileView> profile(String idType, String id, Instant at) {
        return queries.profile(idType, id, at, false);
    }

    @Override
    public Optional<ProfileView> profile(String idType, String id, Instant at, boolean ownWrites) {
        return queries.profile(idType, id, at, ownWrites);
    }

    @Override
    public Optional<Page<ChangeView>> changes(String idType, String id, String cursor, int limit) {
        return queries.changes(idType, id, cursor, limit);
    }

    @Override
    public Optional<dev.portrait.server.port.SavedAudienceView> savedAudience(String name) {
        return queries.savedAudience(name);
    }

    @Override
    public Optional<List<dev.portrait.server.port.SegmentStay>> segmentStays(String idType, String id) {
        return queries.segmentStays(idType, id);
    }

    @Override
    public Optional<List<dev.portrait.server.port.MergeView>> merges(String idType, String id) {
        return queries.merges(idType, id);
    }

    @Override
    public dev.portrait.server.port.ReversedMerge reverseMerge(String idType, String id, String mergeId, String actor) {
        return admin.reverseMerge(idType, id, mergeId, actor);
    }

    @Override
    public AudienceSave saveAudience(String name, AudienceSpec spec, String actor) {
        dev.portrait.server.runtime.worker.SavedAudienceMembers.Saved saved = audienceAdmin.save(name, spec, actor);
        return new AudienceSave(queries.savedAudience(name).orElseThrow(), saved.created());
    }

    @Override
    public void deleteAudience(String name, String actor) {
        audienceAdmin.delete(name, actor);
    }

    @Override
    public List<SegmentSummary> segments() {
        return queries.segments();
    }

    @Override
    public Page<String> segmentMembers(String segment, String cursor, int limit) {
        return queries.segmentMembers(segment, cursor, limit);
    }

    @Override
    public boolean forget(String idType, String id) {
        return admin.forget(idType, id);
    }

    @Override
    public dev.portrait.server.port.ForgetStatus startForget(String idType, String id, String actor) {
        return admin.startForget(idType, id, actor);
    }

    @Override
    public Optional<dev.portrait.server.port.ForgetStatus> forgetStatus(String forgetId) {
        return admin.forgetStatus(forgetId);
    }

    @Override
    public boolean liftSuppression(String idType, String id, String actor) {
        return admin.liftSuppression(idType, id, actor);
    }

    @Override
    public dev.portrait.server.port.BackupCopy backup(java.nio.file.Path to, String actor) {
        return admin.backup(to, actor);
    }

    @Override
    public Page<QuarantineView> quarantine(String cursor, int limit, String actor) {
        return admin.quarantine(cursor, limit, actor);
    }

    /** The audit log of forgets and admin reads (its latest entries; the lines go to {@code portrait.audit}). */
    public AuditLog audit() {
        return audit;
    }

    @Override
    public Page<QuarantineView> quarantine(String cursor, int limit) {
        return admin.quarantine(cursor, limit);
    }

    @Override
    public RedriveReport redrive(Collection<Long> ids) {
        return admin.redrive(ids);
    }

    @Override
    public Optional<ServedRecommendations> recommendations(String idType, String id, int k, String placement) {
        return models.recommendations(idType, id, k, placement);
    }

    @Override
    public Feedback feedback() {
        return models.feedback();
    }

    @Override
    public Feedback feedbackSoFar() {
        return models.feedbackSoFar();
    }

    @Override
    public List<PersonaView> personas() {
        return models.personas();
    }

    @Override
    public Optional<ProfileScores> scores(String idType, String id) {
        return models.scores(idType, id);
    }

    @Override
    public Optional<ProfileScores> scores(String idType, String id, boolean ownWrites) {
        return models.scores(idType, id, ownWrites);
    }

    @Override
    public Calibration calibration(int buckets) {
        return models.calibration(buckets);
    }

    @Override
    public ModelQuality quality() {
        return models.quality();
    }

    // ---- accounts (issue 15) ----

    @Override
    public boolean keepsAccounts() {
        return accounts.keepsAccounts();
    }

    @Override
    public Optional<AccountView> account(String groupId) {
        return accounts.account(groupId);
    }

    @Override
    public Optional<ExperimentReport> experiment(String name) {
        return experiments.experiment(name);
    }
}
