package dev.portrait.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.EngineStep;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.IdentityGraph;
import dev.portrait.core.profile.Change;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.core.profile.ProfileUpdater;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the server does with the store, reduced to one thread: append with dedup, resolve identity,
 * fold into hot profiles, write back profiles with their changes, merges and identities at the
 * applied position. Tests use it to fill a store the way the runtime will.
 */
final class MiniPipeline {
    static final ProfileDefinition DEFINITION = DefinitionLoader.defaultEcommerce();
    final PortraitStore store;
    final ProfileEngine engine;
    final ProfileUpdater updater;
    final ProfileCodec codec;
    final IdentityGraph graph;
    private final Map<String, Profile> hot = new HashMap<>();
    private final Map<String, List<ChangeRecord>> changes = new LinkedHashMap<>();
    private final Map<String, List<byte[]>> merges = new LinkedHashMap<>();
    private final Map<String, HistoryBuffer> histories = new LinkedHashMap<>();
    private final Set<String> deleted = new LinkedHashSet<>();
    private long applied;

    MiniPipeline(PortraitStore store) {
        this.store = store;
        this.engine = new ProfileEngine(DEFINITION, ProfileUpdater.ChangeTracking.ON, store.profileIdKey());
        this.updater = engine.updater();
        this.codec = engine.codec();
        this.graph = engine.identityGraph(store.identities());
        this.applied = store.profiles().appliedSequence();
    }

    /** Appends the events (deduplicated) and applies the new ones; returns the sequences. */
    long[] ingest(List<Event> events, long receivedAt) {
        List<EventRecord> records = new ArrayList<>();
        for (Event e : events) {
            records.add(EventRecord.of(e, receivedAt));
        }
        long[] sequences = store.events().appendIfNew(records);
        for (int i = 0; i < sequences.length; i++) {
            if (sequences[i] != EventLog.DUPLICATE) {
                apply(events.get(i), sequences[i]);
            }
        }
        return sequences;
    }

    /** Replays the log from the applied position, as recovery and rebuild do; returns how many were forgotten. */
    long replay() {
        LogCursor cursor = store.events().replay(applied + 1);
        while (cursor.hasNext()) {
            LogEntry e = cursor.next();
            apply(e.decode(), e.sequence());
        }
        applied = Math.max(applied, cursor.position());
        return cursor.forgotten();
    }

    void apply(Event event, long sequence) {
        EngineStep step = engine.apply(event, store.identities(), table);
        if (step.profileId() != null) {
            for (EngineStep.Merge m : step.merges()) {
                merges.computeIfAbsent(m.identity().winner(), k -> new ArrayList<>()).add(m.undo().toBytes());
                record(m.identity().winner(), sequence, event.time(), m.result().changes());
                history(m.identity().winner()).merge(sequence, m.identity().loser());
            }
            history(step.profileId()).event(sequence);
            record(step.profileId(), sequence, event.time(), step.fold().changes());
        }
        applied = sequence;
    }

    private HistoryBuffer history(String profileId) {
        return histories.computeIfAbsent(profileId, k -> new HistoryBuffer());
    }

    private final ProfileTable table = new ProfileTable() {
        @Override
        public Profile get(String profileId) {
            Profile p = hot.get(profileId);
            if (p != null || deleted.contains(profileId)) {
                return p;
            }
            byte[] stored = store.profiles().get(profileId);
            return stored == null ? null : codec.decode(stored);
        }

        @Override
        public void put(Profile profile) {
            hot.put(profile.profileId(), profile);
            deleted.remove(profile.profileId());
        }

        @Override
        public void remove(String profileId) {
            hot.remove(profileId);
            deleted.add(profileId);
        }
    };

    private void record(String profileId, long sequence, long time, List<Change> list) {
        for (Change c : list) {
            changes.computeIfAbsent(profileId, k -> new ArrayList<>()).add(new ChangeRecord(sequence, time, c.field(),
                    json(c.oldValue()), json(c.newValue()), c.messageId()));
        }
    }

    private static byte[] json(Object value) {
        try {
            return EventCodec.mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes every hot profile, change, merge and identity at the applied position. */
    void writeBack() {
        WriteBack wb = store.writeBack();
        hot.forEach((id, p) -> wb.putProfile(id, codec.encode(p)));
        deleted.forEach(wb::deleteProfile);
        changes.forEach(wb::appendChanges);
        merges.forEach((id, list) -> list.forEach(entry -> wb.appendMerge(id, entry)));
        histories.forEach(wb::appendHistory);
        wb.commit(applied);
        histories.clear();
        hot.clear();
        changes.clear();
        merges.clear();
        deleted.clear();
    }

    /** A profile's event subjects, from the identifiers it holds (the default rules' types). */
    List<String> subjectsOf(String profileId) {
        List<String> out = new ArrayList<>();
        for (AttachedIdentifier a : store.identities().identifiersOf(profileId)) {
            switch (a.identifier().type()) {
                case "user_id" -> out.add(EventRecord.userSubject(a.identifier().value()));
                case "anonymous_id" -> out.add(EventRecord.anonymousSubject(a.identifier().value()));
                default -> { }
            }
        }
        return out;
    }
}
