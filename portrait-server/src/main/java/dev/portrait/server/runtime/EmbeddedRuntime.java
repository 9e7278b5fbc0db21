package dev.portrait.server.runtime;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.portrait.core.PortraitException;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.model.DeclaredModels;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.segment.SegmentSet;
import dev.portrait.server.port.AdminPort;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.IdentifierTypes;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.port.IngestPort;
import dev.portrait.server.port.Page;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.server.port.QuarantineView;
import dev.portrait.server.port.QueryPort;
import dev.portrait.server.port.SegmentSummary;
import dev.portrait.store.ChangeRecord;
import dev.portrait.store.EventRecord;
import dev.portrait.store.LogCursor;
import dev.portrait.store.LogEntry;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.QuarantineRecord;
import dev.portrait.store.QuarantinedEvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Portrait's embedded runtime: one process, one data directory. Events are cleaned on the calling
 * thread, made durable by the {@link GroupCommitter}, and folded by the {@link ProfileWorker}, which
 * also answers queries between events and fires the {@code nextChange} timers.
 *
 * <pre>
 *  ingest(events) ──clean──► GroupCommitter ──fsync (log + dedup + quarantine)──► answer
 *                                  │
 *                                  ▼ log order
 *                            ProfileWorker: ProfileEngine (identity → fold → segments → models) → changelog
 *                                  │         timers (nextCheck) · queries · write-back at a log position
 *                                  ▼
 *                            PortraitStore (RocksDB)
 * </pre>
 *
 * Starting recovers: the worker replays the log from the position the stored profiles include, so no
 * acknowledged event is lost and none is applied twice.
 */
public final class EmbeddedRuntime implements IngestPort, QueryPort, AdminPort, AutoCloseable,
        dev.portrait.server.port.ModelPort { // issue 5: models
    private static final TypeReference<Object> ANY = new TypeReference<>() { };
    private static final String PROFILE_ID = IdentifierTypes.PROFILE_ID;

    private final PortraitStore store;
    private final ProfileDefinition definition;
    private final ProfileEngine engine;
    private final ProfileUpdater updater;
    private final Cleaner cleaner;
    private final InstantSource clock;
    private final ProfileWorker worker;
    private final GroupCommitter committer;
    private final Thread workerThread;
    private final Thread committerThread;
    private final long recovered;
    private final RuntimeOptions options;

    private EmbeddedRuntime(PortraitStore store, ProfileDefinition definition, InstantSource clock, RuntimeOptions options,
                            IngestCounters counters) {
        this.store = store;
        this.definition = definition;
        // the worker writes a changelog, so it asks for change values
        this.engine = new ProfileEngine(definition, ProfileUpdater.ChangeTracking.ON);
        this.updater = engine.updater();
        this.cleaner = new Cleaner(definition);
        this.clock = clock;
        this.options = options;
        refuseAnotherDefinition(store, engine);
        this.worker = new ProfileWorker(store, engine, clock, options);
        this.recovered = worker.recover();
        this.committer = new GroupCommitter(store, worker, options.maxGroupEvents(), counters);
        this.workerThread = new Thread(worker, "portrait-worker");
        this.committerThread = new Thread(committer, "portrait-commit");
        workerThread.start();
        committerThread.start();
    }

    /**
     * Recovers from the store and starts the committer and worker threads.
     *
     * @param clock the runtime's clock: receive times, timers and "now" for queries (tests pass a fake)
     */
    public static EmbeddedRuntime start(PortraitStore store, ProfileDefinition definition, InstantSource clock,
                                        RuntimeOptions options, IngestCounters counters) {
        return new EmbeddedRuntime(store, definition, clock, options, counters);
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

    /** How many logged events the start-up replay applied (those after the last write-back). */
    public long recoveredEvents() {
        return recovered;
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

    /** How far the worker is behind the log, in events. */
    public long lag() {
        return Math.max(0, store.events().lastSequence() - worker.appliedSequence());
    }

    /** Blocks until every event logged so far is folded and written back. */
    public void flush() {
        // a call runs once everything logged before it is applied
        worker.call(() -> {
            worker.writeBack();
            return null;
        });
    }

    // ---- ingest ----

    @Override
    public List<IngestOutcome> ingest(List<IncomingEvent> events) {
        long lag = lag();
        if (lag > options.maxLag()) {
            // The log would take it, but folding is this far behind: a bounded backlog keeps queries and
            // recovery fast, and the client's SDK retries on 503 after Retry-After.
            throw new PortraitException("overloaded", "the runtime is " + lag + " events behind (at most "
                    + options.maxLag() + " may wait to be folded); retry shortly", null);
        }
        List<CleanResult> cleaned = new ArrayList<>(events.size());
        for (IncomingEvent in : events) {
            cleaned.add(in.verdict(cleaner));
        }
        return await(committer.submit(events, cleaned));
    }

    /**
     * The bulk half of {@link #ingest}, for a caller that keeps its own order and backlog (the importer):
     * cleans and encodes on the calling thread, which may be any thread, so several can prepare at once.
     * Nothing is durable until {@link #commit}.
     *
     * @param unreadable records that never became events (lines that are no JSON object): they are
     *                   quarantined in the same group write as the events, and their outcomes follow
     *                   the events' in the answer
     */
    public PreparedEvents prepare(List<IncomingEvent> events, List<QuarantineRecord> unreadable) {
        List<CleanResult> cleaned = new ArrayList<>(events.size());
        for (IncomingEvent in : events) {
            cleaned.add(in.verdict(cleaner));
        }
        return new PreparedEvents(GroupCommitter.prepare(events, cleaned, unreadable));
    }

    /**
     * Queues prepared events for the group commit and returns at once; the answer completes, one outcome
     * per event and then per unreadable record, when they are durable and queued for the worker, or fails
     * with {@code unavailable}. Commits are made in the order of the calls, so one caller's events reach
     * the log in its order. Unlike {@link #ingest} this does not refuse when the fold lags: the caller
     * bounds its own backlog with {@link #lag()}.
     */
    public java.util.concurrent.CompletableFuture<List<IngestOutcome>> commit(PreparedEvents prepared) {
        return committer.submit(prepared.claim());
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PortraitException("unavailable", "interrupted while waiting for the group commit", null, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PortraitException p) {
                throw p;
            }
            throw new PortraitException("unavailable", "events could not be made durable: " + e.getCause(), null,
                    e.getCause());
        }
    }

    // ---- queries ----

    private String profileIdOf(String idType, String id) {
        IdentifierTypes.requireKnown(definition, idType);
        if (PROFILE_ID.equals(idType)) {
            return id;
        }
        return worker.identities().profileOf(new Identifier(idType, id)).orElse(null);
    }

    private void checkIdType(String idType) {
        IdentifierTypes.requireKnown(definition, idType);
    }

    @Override
    public Optional<ProfileView> profile(String idType, String id, Instant at) {
        if (at != null) {
            return timeTravel(idType, id, at);
        }
        return worker.read(() -> {
            String pid = profileIdOf(idType, id);
            Profile p = pid == null ? null : worker.load(pid);
            if (p == null) {
                return Optional.<ProfileView>empty();
            }
            long now = Math.max(clock.millis(), p.clock());
            return Optional.of(ProfileView.of(p, worker.identities().identifiersOf(pid), updater, now)
                    .withModels(engine.models().scoresJson(p, now, engine.sharedModels())));
        });
    }

    /**
     * The profile as it was at {@code at}: the log is replayed, in log order, with only the events whose
     * event time is at or before {@code at}, through a scratch engine (its own identities, profiles and
     * shared models, so the live ones are untouched), and read at {@code at}. Its cost grows with the
     * log; the answer is exact (forgotten events stay forgotten).
     */
    private Optional<ProfileView> timeTravel(String idType, String id, Instant at) {
        long until = at.toEpochMilli();
        checkIdType(idType);
        ProfileEngine replay = new ProfileEngine(definition);
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        Map<String, Profile> profiles = new HashMap<>();
        ProfileTable table = ProfileTable.inMemory(profiles);
        LogCursor cursor = store.events().replay(1);
        while (cursor.hasNext()) {
            LogEntry e = cursor.next();
            Event event = e.decode();
            if (event.time() <= until) {
                replay.apply(event, identities, table);
            }
        }
        String pid = PROFILE_ID.equals(idType) ? id
                : identities.profileOf(new Identifier(idType, id)).orElse(null);
        Profile p = pid == null ? null : profiles.get(pid);
        if (p == null) {
            return Optional.empty();
        }
        replay.advance(p, until);
        return Optional.of(ProfileView.of(p, identities.identifiersOf(pid), replay.updater(), Math.max(until, p.clock())));
    }

    @Override
    public Optional<Page<ChangeView>> changes(String idType, String id, String cursor, int limit) {
        return worker.call(() -> {
            String pid = profileIdOf(idType, id);
            if (pid == null || worker.load(pid) == null) {
                return Optional.<Page<ChangeView>>empty();
            }
            worker.writeBack();
            dev.portrait.store.Page<ChangeRecord> page = paged(() -> store.changelog().list(pid, cursor, limit));
            List<ChangeView> items = new ArrayList<>();
            for (ChangeRecord c : page.items()) {
                items.add(new ChangeView(c.sequence(), Instant.ofEpochMilli(c.eventTime()), c.field(), parse(c.oldValue()),
                        parse(c.newValue()), c.messageId()));
            }
            return Optional.of(new Page<>(items, page.nextCursor()));
        });
    }

    /** The store's {@code bad_cursor} is the client's fault: the API calls it {@code invalid_cursor} (400). */
    private static <T> T paged(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (dev.portrait.store.StoreException e) {
            if ("bad_cursor".equals(e.code())) {
                throw new PortraitException("invalid_cursor", e.getMessage(), "cursor", e);
            }
            throw e;
        }
    }

    private static Object parse(byte[] json) {
        try {
            return EventCodec.mapper().readValue(json, ANY);
        } catch (IOException e) {
            throw new PortraitException("corrupt_state", "a changelog value is not JSON: " + e.getMessage(), null, e);
        }
    }

    @Override
    public List<SegmentSummary> segments() {
        return worker.read(() -> {
            SegmentSet set = updater.segments();
            List<SegmentSummary> out = new ArrayList<>();
            for (int s = 0; s < set.size(); s++) {
                out.add(new SegmentSummary(set.name(s), set.spec(s).description(), set.spec(s).when(),
                        worker.members().size(set.name(s))));
            }
            return out;
        });
    }

    @Override
    public Page<String> segmentMembers(String segment, String cursor, int limit) {
        if (updater.segments().indexOf(segment) < 0) {
            throw new PortraitException("unknown_segment", "no segment named \"" + segment + "\"", "segment");
        }
        return worker.read(() -> {
            List<String> items = worker.members().page(segment, cursor, limit);
            String last = items.isEmpty() ? null : items.get(items.size() - 1);
            return new Page<>(items, items.size() == limit && worker.members().hasMoreAfter(segment, last) ? last : null);
        });
    }

    // ---- admin ----

    @Override
    public boolean forget(String idType, String id) {
        boolean done = worker.call(() -> {
            String pid = profileIdOf(idType, id);
            if (pid == null || worker.load(pid) == null) {
                return false;
            }
            worker.writeBack();
            Set<String> subjects = new HashSet<>();
            for (AttachedIdentifier a : worker.identities().identifiersOf(pid)) {
                Identifier i = a.identifier();
                if (i.type().equals("user_id")) {
                    subjects.add(EventRecord.userSubject(i.value()));
                } else if (i.type().equals("anonymous_id")) {
                    subjects.add(EventRecord.anonymousSubject(i.value()));
                }
            }
            store.forgetProfile(pid, subjects);
            worker.forgotten(pid);
            return true;
        });
        return done;
    }

    /** Compacts the store so forgotten data physically leaves its files (slow; off the ingest path). */
    public void compact() {
        store.compact();
    }

    @Override
    public Page<QuarantineView> quarantine(String cursor, int limit) {
        dev.portrait.store.Page<QuarantinedEvent> page = paged(() -> store.quarantine().list(cursor, limit));
        List<QuarantineView> items = new ArrayList<>();
        for (QuarantinedEvent q : page.items()) {
            items.add(new QuarantineView(q.id(), q.code(), q.record().message(), q.record().path(),
                    Instant.ofEpochMilli(q.record().receivedAt()), new String(q.rawEvent(), StandardCharsets.UTF_8)));
        }
        return new Page<>(items, page.nextCursor());
    }

    @Override
    public RedriveReport redrive(Collection<Long> ids) {
        Set<Long> wanted = ids == null || ids.isEmpty() ? null : new HashSet<>(ids);
        long stored = 0;
        long duplicates = 0;
        long still = 0;
        String cursor = null;
        do {
            dev.portrait.store.Page<QuarantinedEvent> page = store.quarantine().list(cursor, 500);
            List<IncomingEvent> passing = new ArrayList<>();
            List<CleanResult> cleaned = new ArrayList<>();
            List<Long> passingIds = new ArrayList<>();
            for (QuarantinedEvent q : page.items()) {
                if (wanted != null && !wanted.contains(q.id())) {
                    continue;
                }
                Instant receivedAt = Instant.ofEpochMilli(q.record().receivedAt());
                CleanResult r = cleaner.clean(q.rawEvent(), receivedAt);
                if (r instanceof CleanResult.Accepted) {
                    Map<String, Object> json = EventCodec.parseRaw(q.rawEvent());
                    passing.add(new IncomingEvent(json, q.rawEvent(), receivedAt, passing.size()));
                    cleaned.add(r);
                    passingIds.add(q.id());
                } else {
                    still++;
                }
            }
            if (!passing.isEmpty()) {
                for (IngestOutcome o : await(committer.submit(passing, cleaned))) {
                    if (o instanceof IngestOutcome.Stored) {
                        stored++;
                    } else {
                        duplicates++;
                    }
                }
                store.quarantine().remove(passingIds);
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return new RedriveReport(stored, duplicates, still);
    }

    // ---- lifecycle ----

    /** Stops taking events, makes everything pending durable and written back, and stops the threads. The store stays open. */
    @Override
    public void close() {
        committer.stop();
        join(committerThread);
        worker.stop();
        join(workerThread);
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- models: the engine's, read on the worker thread ----

    @Override
    public Optional<List<dev.portrait.core.model.Recommendation>> recommendations(String idType, String id, int k) {
        return worker.read(() -> {
            String pid = profileIdOf(idType, id);
            Profile p = pid == null ? null : worker.load(pid);
            return p == null ? Optional.empty()
                    : Optional.of(engine.models().recommend(p, k, Math.max(clock.millis(), p.clock()), engine.sharedModels()));
        });
    }

    @Override
    public List<PersonaView> personas() {
        return worker.read(() -> {
            List<PersonaView> out = new ArrayList<>();
            for (DeclaredModels.PersonaSummary s : engine.models().personas(engine.sharedModels())) {
                List<Map<String, Object>> strongest = new ArrayList<>();
                for (var f : s.strongest()) {
                    Map<String, Object> m = new java.util.LinkedHashMap<>();
                    m.put("feature", f.feature());
                    m.put("z", f.z());
                    strongest.add(m);
                }
                out.add(new PersonaView(s.persona(), s.size(), strongest, s.center()));
            }
            return out;
        });
    }

    @Override
    public Optional<ProfileScores> scores(String idType, String id) {
        return worker.read(() -> {
            String pid = profileIdOf(idType, id);
            Profile p = pid == null ? null : worker.load(pid);
            if (p == null) {
                return Optional.<ProfileScores>empty();
            }
            var s = engine.models().scores(p, Math.max(clock.millis(), p.clock()), engine.sharedModels());
            return Optional.of(new ProfileScores(s.profileId(), s.persona(), s.personaDistance(), s.propensity(),
                    s.botScore(), s.segments()));
        });
    }

    @Override
    public ModelQuality quality() {
        return worker.readNow(() -> { // a scrape must not wait for the backlog
            var shared = engine.sharedModels();
            var m = shared.propensityMetrics();
            var r = shared.regressionMetrics();
            return new ModelQuality(m == null ? Double.NaN : m.auc(), m == null ? Double.NaN : m.logLoss(),
                    m == null ? 0 : m.count(), shared.items(), shared.suspectedBots(),
                    r == null ? Double.NaN : r.rmse(), r == null ? Double.NaN : r.baselineRmse());
        });
    }
}
