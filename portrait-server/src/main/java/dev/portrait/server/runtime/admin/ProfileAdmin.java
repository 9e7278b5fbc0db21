package dev.portrait.server.runtime.admin;

import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.server.port.AdminPort;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.port.Page;
import dev.portrait.server.port.QuarantineView;
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

/**
 * The admin port over the embedded runtime: forgetting a person (on the worker thread, after a
 * write-back, in one durable store write), reading the quarantine, and re-driving it through the same
 * group commit as any ingest.
 */
public final class ProfileAdmin implements AdminPort {
    private final ProfileDefinition definition;
    private final PortraitStore store;
    private final ProfileWorker worker;
    private final Cleaner cleaner;
    private final DurableIngest ingest;

    public ProfileAdmin(ProfileDefinition definition, PortraitStore store, ProfileWorker worker, Cleaner cleaner,
                        DurableIngest ingest) {
        this.definition = definition;
        this.store = store;
        this.worker = worker;
        this.cleaner = cleaner;
        this.ingest = ingest;
    }

    @Override
    public boolean forget(String idType, String id) {
        return worker.call(() -> {
            String pid = ProfileLookup.profileIdOf(definition, worker, idType, id);
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
