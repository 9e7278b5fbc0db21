package dev.portrait.server.runtime.read;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.core.segment.SegmentSet;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.Page;
import dev.portrait.server.port.QueryPort;
import dev.portrait.server.port.SegmentSummary;
import dev.portrait.server.runtime.worker.ProfileWorker;
import dev.portrait.store.PortraitStore;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The query port over the embedded runtime: profiles and segment members are read on the worker's
 * thread between events (see {@link ProfileWorker}), a profile at an instant by {@link TimeTravel} on
 * the caller's thread, changes by {@link ChangeHistory}.
 */
public final class ProfileQueries implements QueryPort {
    private final ProfileDefinition definition;
    private final ProfileWorker worker;
    private final ProfileEngine engine;
    private final InstantSource clock;
    private final TimeTravel timeTravel;
    private final ChangeHistory history;

    public ProfileQueries(ProfileDefinition definition, ProfileWorker worker, PortraitStore store, InstantSource clock) {
        this.definition = definition;
        this.worker = worker;
        this.engine = worker.engine();
        this.clock = clock;
        this.timeTravel = new TimeTravel(definition, store.events());
        this.history = new ChangeHistory(definition, worker, store);
    }

    @Override
    public Optional<ProfileView> profile(String idType, String id, Instant at) {
        if (at != null) {
            return timeTravel.profile(idType, id, at);
        }
        // the scores read the shared models, which live on the models' thread: queued there behind this
        // caller's events, with a copy of the profile, and awaited here, off the worker thread
        Optional<Map.Entry<ProfileView, CompletableFuture<Map<String, Object>>>> held = worker.read(() -> {
            String pid = ProfileLookup.profileIdOf(definition, worker, idType, id);
            Profile p = pid == null ? null : worker.load(pid);
            if (p == null) {
                return Optional.<Map.Entry<ProfileView, CompletableFuture<Map<String, Object>>>>empty();
            }
            long now = Math.max(clock.millis(), p.clock());
            Profile copy = ModelReads.copy(engine, p);
            return Optional.of(Map.entry(ProfileView.of(p, worker.identities().identifiersOf(pid), engine.updater(), now),
                    worker.models().readBehind(shared -> engine.models().scoresJson(copy, now, shared))));
        });
        return held.map(h -> h.getKey().withModels(worker.models().await(h.getValue())));
    }

    @Override
    public Optional<Page<ChangeView>> changes(String idType, String id, String cursor, int limit) {
        return history.changes(idType, id, cursor, limit);
    }

    @Override
    public List<SegmentSummary> segments() {
        return worker.read(() -> {
            SegmentSet set = engine.updater().segments();
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
        if (engine.updater().segments().indexOf(segment) < 0) {
            throw new PortraitException("unknown_segment", "no segment named \"" + segment + "\"", "segment");
        }
        return worker.read(() -> {
            List<String> items = worker.members().page(segment, cursor, limit);
            String last = items.isEmpty() ? null : items.get(items.size() - 1);
            return new Page<>(items, items.size() == limit && worker.members().hasMoreAfter(segment, last) ? last : null);
        });
    }
}
