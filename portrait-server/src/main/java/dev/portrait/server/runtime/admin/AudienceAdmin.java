package dev.portrait.server.runtime.admin;

import dev.portrait.core.segment.AudienceSpec;
import dev.portrait.core.segment.SavedAudience;
import dev.portrait.server.runtime.worker.ProfileWorker;
import dev.portrait.server.runtime.worker.SavedAudienceMembers;

import java.time.InstantSource;

/**
 * Saving and deleting audiences as segments: the worker checks and applies them between events (so two admins
 * racing on one name are decided in one order), and each change is audited with the audience's name, which is
 * configuration, never a person's.
 */
public final class AudienceAdmin {
    private final ProfileWorker worker;
    private final InstantSource clock;
    private final AuditLog audit;

    public AudienceAdmin(ProfileWorker worker, InstantSource clock, AuditLog audit) {
        this.worker = worker;
        this.clock = clock;
        this.audit = audit;
    }

    public SavedAudienceMembers.Saved save(String name, AudienceSpec spec, String actor) {
        SavedAudienceMembers.Saved saved = worker.saveAudience(name, spec);
        if (saved.created()) {
            audit.record(clock.instant(), actor, "audience_saved", "name=" + name + " since=" + saved.audience().since());
        }
        return saved;
    }

    public SavedAudience delete(String name, String actor) {
        SavedAudience deleted = worker.deleteAudience(name);
        audit.record(clock.instant(), actor, "audience_deleted", "name=" + name + " since=" + deleted.deletedSince());
        return deleted;
    }
}
