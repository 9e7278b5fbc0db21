package dev.portrait.server.runtime.admin;

import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.server.port.AdminPort;
import dev.portrait.server.port.BackupCopy;
import dev.portrait.store.BackupReport;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.port.Page;
import dev.portrait.server.port.QuarantineView;
import dev.portrait.server.port.ReversedMerge;
import dev.portrait.server.runtime.ingest.DurableIngest;
import dev.portrait.server.runtime.read.ProfileLookup;
import dev.portrait.server.runtime.worker.ProfileWorker;
import dev.portrait.store.EventRecord;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.QuarantinedEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.time.Duration;
import java.time.InstantSource;
import dev.portrait.core.event.Event;
import dev.portrait.server.port.ForgetStatus;
import dev.portrait.store.ForgetReport;
import dev.portrait.store.HistoryEntry;
import dev.portrait.store.LogEntry;

/**
 * The admin port over the embedded runtime: forgetting a person (on the worker thread, after a
 * write-back, in one durable store write, then compacted off the worker by the {@link ForgetLedger}),
 * the suppression list, reading the quarantine, and re-driving it through the same group commit as any
 * ingest. Forgets, lifts and quarantine reads go to the {@link AuditLog}.
 *
 * <p><b>What a forget reaches.</b> Not only the identifiers attached to the profile now: the
 * person's history (and the histories of the profiles merged into it) lists every logged event that was
 * folded into them, and each of those events names the subject whose data key sealed it and carries
 * identifiers of every type. All those subjects' keys are shredded, so events sent with a user id the
 * profile was refused (a cap) or with an identifier since detached are unreadable too, and a rebuild
 * cannot bring any of them back; all those identifiers are suppressed.
 */
public final class ProfileAdmin implements AdminPort, AutoCloseable {
    private final ProfileDefinition definition;
    private final PortraitStore store;
    private final ProfileWorker worker;
    private final Cleaner cleaner;
    private final DurableIngest ingest;
    private final InstantSource clock;
    private final AuditLog audit;
    private final ForgetLedger ledger;
    private final SuppressionScreen screen;

    public ProfileAdmin(ProfileDefinition definition, PortraitStore store, ProfileWorker worker, Cleaner cleaner,
                        DurableIngest ingest, SuppressionScreen screen, InstantSource clock, AuditLog audit,
                        Duration forgetWithin) {
        this.definition = definition;
        this.store = store;
        this.worker = worker;
        this.cleaner = cleaner;
        this.ingest = ingest;
        this.clock = clock;
        this.audit = audit;
        this.ledger = new ForgetLedger(store, clock, forgetWithin, audit);
        this.screen = screen;
        ledger.start();
    }

    @Override
    public boolean forget(String idType, String id) {
        return startForget(idType, id, "local") != null;
    }

    @Override
    public ForgetStatus startForget(String idType, String id, String actor) {
        ForgetStatus status = worker.call(() -> {
            String pid = ProfileLookup.profileIdOf(definition, worker, idType, id);
            if (pid == null || worker.load(pid) == null) {
                return null;
            }
            worker.writeBack();
            Set<String> subjects = new LinkedHashSet<>();
            Set<Identifier> identifiers = new LinkedHashSet<>();
            for (AttachedIdentifier a : worker.identities().identifiersOf(pid)) {
                identifiers.add(a.identifier());
            }
            reachedThroughHistory(pid, subjects, identifiers, new HashSet<>());
            for (Identifier i : identifiers) {
                if (i.type().equals("user_id")) {
                    subjects.add(EventRecord.userSubject(i.value()));
                } else if (i.type().equals("anonymous_id")) {
                    subjects.add(EventRecord.anonymousSubject(i.value()));
                }
            }
            ForgetReport report = store.forgetProfile(pid, subjects, identifiers, clock.millis());
            long number = store.forgets();
            worker.forgotten(pid);
            return ledger.forgotten(report, number);
        });
        if (status != null) {
            audit.record(status.requestedAt(), actor, "forget", "idType=" + idType + " forget=" + status.id()
                    + " dataKeys=" + status.dataKeys() + " identifiers=" + status.identifiers());
        }
        return status;
    }

    /**
     * Reverses a merge on the worker thread ({@code ProfileWorker#reverseMerge}: the latest merge only, durable
     * before it answers) and records it in the audit log as {@code merge_reversed}.
     */
    @Override
    public ReversedMerge reverseMerge(String idType, String id, String mergeId, String actor) {
        ProfileWorker.Reversal done = worker.call(() -> {
            String pid = ProfileLookup.profileIdOf(definition, worker, idType, id);
            if (pid == null || worker.load(pid) == null) {
                return null;
            }
            return worker.reverseMerge(pid, mergeId);
        });
        if (done == null) {
            return null;
        }
        Instant at = clock.instant();
        audit.record(at, actor, "merge_reversed", "idType=" + idType + " winner=" + done.winner() + " loser="
                + done.loser() + " identifiers=" + done.identifiers() + " eventsToLoser=" + done.eventsToLoser()
                + " eventsKept=" + done.eventsKept());
        return new ReversedMerge(done.winner(), done.loser(), done.identifiers(), done.eventsToLoser(),
                done.eventsKept(), at);
    }

    /**
     * Adds the subject and identifiers of every logged event folded into the profile, and into each profile
     * merged into it (recursively), as its history lists them.
     */
    private void reachedThroughHistory(String profileId, Set<String> subjects, Set<Identifier> identifiers,
                                       Set<String> visited) {
        if (!visited.add(profileId)) {
            return;
        }
        for (HistoryEntry e : store.history().entries(profileId)) {
            if (e instanceof HistoryEntry.Event ev) {
                readEvent(ev.sequence(), subjects, identifiers);
            } else if (e instanceof HistoryEntry.Merge m) {
                readEvent(m.sequence(), subjects, identifiers);
                reachedThroughHistory(m.loserId(), subjects, identifiers, visited);
            }
        }
    }

    private void readEvent(long sequence, Set<String> subjects, Set<Identifier> identifiers) {
        List<LogEntry> read = store.events().read(sequence, 1);
        if (read.isEmpty() || read.get(0).sequence() != sequence || read.get(0).forgotten()) {
            return; // already shredded with another subject: nothing readable is left to reach
        }
        Event event = read.get(0).decode();
        subjects.add(EventRecord.subjectOf(event));
        identifiers.addAll(worker.graph().identifiersIn(event));
    }

    /**
     * Backs the store up into {@code to} while it runs: first a write-back on the worker (so a restore
     * replays little), then the store's checkpoint under its write locks (ingest waits only for that).
     */
    @Override
    public BackupCopy backup(java.nio.file.Path to, String actor) {
        if (!to.isAbsolute()) {
            throw new dev.portrait.core.PortraitException("invalid_request", "the backup target must be an absolute "
                    + "path on the server's machine, got " + to, "to");
        }
        worker.call(() -> {
            worker.writeBack();
            return null;
        });
        Instant at = clock.instant();
        BackupReport report = store.backup(to, at.toEpochMilli());
        audit.record(at, actor, "backup", "forgets=" + report.forgets() + " files=" + report.files());
        return new BackupCopy(report.target().toString(), at, report.forgets(), report.logSequence(), report.files(),
                report.bytes());
    }

    @Override
    public Optional<ForgetStatus> forgetStatus(String forgetId) {
        return ledger.status(forgetId);
    }

    @Override
    public boolean liftSuppression(String idType, String id, String actor) {
        boolean lifted = store.suppressions().lift(new Identifier(idType, id));
        if (lifted) {
            audit.record(clock.instant(), actor, "suppression_lifted", "idType=" + idType);
        }
        return lifted;
    }

    @Override
    public Page<QuarantineView> quarantine(String cursor, int limit, String actor) {
        Page<QuarantineView> page = quarantine(cursor, limit);
        audit.record(clock.instant(), actor, "quarantine_read", "items=" + page.items().size());
        return page;
    }

    @Override
    public void close() {
        ledger.close();
    }

    /** Compacts the store so forgotten data physically leaves its files (slow; off the ingest path). */
    public void compact() {
        store.compact();
    }

    @Override
    public Page<QuarantineView> quarantine(String cursor, int limit) {
        dev.portrait.store.Page<QuarantinedEvent> page = ProfileLookup.paged(() -> store.quarantine().list(cursor, limit));
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
                CleanResult r = screen.apply(cleaner.clean(q.rawEvent(), receivedAt));
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
                for (IngestOutcome o : ingest.commit(passing, cleaned)) {
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
}
