package dev.portrait.server.runtime.read;

import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.IdentityMerge;
import dev.portrait.core.profile.MergeLogEntry;
import dev.portrait.server.port.MergeView;
import dev.portrait.store.PortraitStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The merges a profile won, read from the store's merge log on the caller's thread, like {@link ChangeHistory}
 * reads histories. The merge log arrives with write-backs, so the caller first waits (bounded) until what is
 * published is written back: a list an admin acts on should not miss the merge they just saw happen.
 */
final class MergeHistory {
    private final PortraitStore store;
    private final PublishedProfiles profiles;

    MergeHistory(PortraitStore store, PublishedProfiles profiles) {
        this.store = store;
        this.profiles = profiles;
    }

    Optional<List<MergeView>> merges(String idType, String id) {
        String pid = profiles.profileIdOf(idType, id);
        if (pid == null || profiles.byProfileId(pid, false) == null) {
            return Optional.empty();
        }
        List<byte[]> log = store.merges().list(pid);
        List<MergeView> out = new ArrayList<>(log.size());
        for (int i = 0; i < log.size(); i++) {
            IdentityMerge m = MergeLogEntry.fromBytes(log.get(i)).identity();
            List<MergeView.Identity> moved = new ArrayList<>(m.moved().size());
            for (AttachedIdentifier a : m.moved()) {
                moved.add(new MergeView.Identity(a.identifier().type(), a.identifier().value()));
            }
            out.add(new MergeView(m.loser(), moved, Instant.ofEpochMilli(m.time()), m.causeMessageId(),
                    i == log.size() - 1));
        }
        return Optional.of(out);
    }
}
