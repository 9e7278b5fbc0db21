package dev.portrait.server.runtime;

import dev.portrait.core.identity.IdentityStore;
import dev.portrait.store.Changelog;
import dev.portrait.store.EventLog;
import dev.portrait.store.ForgetReport;
import dev.portrait.store.HistoryBuffer;
import dev.portrait.store.MergeLog;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.ProfileHistory;
import dev.portrait.store.ProfileStore;
import dev.portrait.store.PurgeReport;
import dev.portrait.store.Quarantine;
import dev.portrait.store.StoreException;
import dev.portrait.store.StoreFigures;
import dev.portrait.store.StoreOptions;
import dev.portrait.store.ChangeRecord;
import dev.portrait.store.WriteBack;

import java.util.Collection;
import java.util.List;

/**
 * A store whose write-backs stop committing once {@link #crash()} is called, while the log goes on
 * taking events: what a process killed between two write-backs leaves on disk, once the store is closed
 * and opened again (the identity writes not yet written back die with the store object, as in a crash).
 */
final class CrashingStore implements PortraitStore {
    private final PortraitStore store;
    private volatile boolean crashed;

    CrashingStore(PortraitStore store) {
        this.store = store;
    }

    void crash() {
        crashed = true;
    }

    @Override
    public WriteBack writeBack() {
        WriteBack wb = store.writeBack();
        return new WriteBack() {
            @Override
            public WriteBack putProfile(String profileId, byte[] profile) {
                wb.putProfile(profileId, profile);
                return this;
            }

            @Override
            public WriteBack deleteProfile(String profileId) {
                wb.deleteProfile(profileId);
                return this;
            }

            @Override
            public WriteBack appendChanges(String profileId, List<ChangeRecord> changes) {
                wb.appendChanges(profileId, changes);
                return this;
            }

            @Override
            public WriteBack appendMerge(String profileId, byte[] mergeLogEntry) {
                wb.appendMerge(profileId, mergeLogEntry);
                return this;
            }

            @Override
            public WriteBack appendHistory(String profileId, HistoryBuffer entries) {
                wb.appendHistory(profileId, entries);
                return this;
            }

            @Override
            public WriteBack takeIdentities() {
                wb.takeIdentities();
                return this;
            }

            @Override
            public WriteBack putModelState(byte[] state) {
                wb.putModelState(state);
                return this;
            }

            @Override
            public void commit(long appliedSequence) {
                if (crashed) {
                    throw new StoreException("store_io", "the process died before this write-back", null);
                }
                wb.commit(appliedSequence);
            }
        };
    }

    @Override
    public StoreOptions options() {
        return store.options();
    }

    @Override
    public EventLog events() {
        return store.events();
    }

    @Override
    public ProfileStore profiles() {
        return store.profiles();
    }

    @Override
    public IdentityStore identities() {
        return store.identities();
    }

    @Override
    public MergeLog merges() {
        return store.merges();
    }

    @Override
    public Quarantine quarantine() {
        return store.quarantine();
    }

    @Override
    public Changelog changelog() {
        return store.changelog();
    }

    @Override
    public ProfileHistory history() {
        return store.history();
    }

    @Override
    public byte[] modelState() {
        return store.modelState();
    }

    @Override
    public int forgetSubjects(Collection<String> subjects) {
        return store.forgetSubjects(subjects);
    }

    @Override
    public ForgetReport forgetProfile(String profileId, Collection<String> subjects) {
        return store.forgetProfile(profileId, subjects);
    }

    @Override
    public void clearDerivedState() {
        store.clearDerivedState();
    }

    @Override
    public PurgeReport purgeExpired(long now) {
        return store.purgeExpired(now);
    }

    @Override
    public void compact() {
        store.compact();
    }

    @Override
    public StoreFigures figures() {
        return store.figures();
    }

    @Override
    public void close() {
        store.close();
    }
}
