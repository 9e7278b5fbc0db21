package dev.portrait.server.runtime.read;

import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.Page;
import dev.portrait.server.runtime.worker.ProfileWorker;
import dev.portrait.store.PortraitStore;

import java.util.Optional;

/**
 * A profile's changes, newest first: the worker resolves the identifier and writes back what it holds
 * (so the page includes the caller's own writes), then {@link ChangeReplay} derives the changes from
 * the profile's history on the caller's thread, not the worker's.
 */
final class ChangeHistory {
    private final ProfileDefinition definition;
    private final ProfileWorker worker;
    private final ChangeReplay replay;

    ChangeHistory(ProfileDefinition definition, ProfileWorker worker, PortraitStore store) {
        this.definition = definition;
        this.worker = worker;
        this.replay = new ChangeReplay(store, definition);
    }

    Optional<Page<ChangeView>> changes(String idType, String id, String cursor, int limit) {
        String pid = worker.call(() -> {
            String p = ProfileLookup.profileIdOf(definition, worker, idType, id);
            if (p == null || worker.load(p) == null) {
                return null;
            }
            worker.writeBack();
            return p;
        });
        return pid == null ? Optional.empty() : Optional.of(replay.page(pid, cursor, limit));
    }
}
