package dev.portrait.server.testing;

import dev.portrait.core.identity.IdentityStore;
import dev.portrait.store.Changelog;
import dev.portrait.store.CommittedGroup;
import dev.portrait.store.EventLog;
import dev.portrait.store.EventRecord;
import dev.portrait.store.ForgetReport;
import dev.portrait.store.MergeLog;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.ProfileHistory;
import dev.portrait.store.ProfileStore;
import dev.portrait.store.PurgeReport;
import dev.portrait.store.Quarantine;
import dev.portrait.store.QuarantineRecord;
import dev.portrait.store.StoreFigures;
import dev.portrait.store.StoreOptions;
import dev.portrait.store.WriteBack;

import java.util.Collection;
import java.util.List;

/**
 * A real store behind a door: every call goes to {@link #real} unless a subclass overrides it. The test
 * stores that fail or "crash" on demand at the store port override only the calls they change.
 */
public class ForwardingStore implements PortraitStore {
    protected final PortraitStore real;

    public ForwardingStore(PortraitStore real) {
        this.real = real;
    }

    @Override
    public StoreOptions options() {
        return real.options();
    }

    @Override
    public dev.portrait.core.identity.ProfileIdKey profileIdKey() {
        return real.profileIdKey();
    }

    @Override
    public EventLog events() {
        return real.events();
    }

    @Override
    public ProfileStore profiles() {
        return real.profiles();
    }

    @Override
    public IdentityStore identities() {
        return real.identities();
    }

    @Override
    public MergeLog merges() {
        return real.merges();
    }

    @Override
    public Quarantine quarantine() {
        return real.quarantine();
    }

    @Override
    public Changelog changelog() {
        return real.changelog();
    }

    @Override
    public ProfileHistory history() {
        return real.history();
    }

    @Override
    public CommittedGroup commitGroup(List<EventRecord> records, List<QuarantineRecord> quarantined) {
        return real.commitGroup(records, quarantined);
    }

    @Override
    public WriteBack writeBack() {
        return real.writeBack();
    }

    @Override
    public byte[] modelState() {
        return real.modelState();
    }

    @Override
    public int forgetSubjects(Collection<String> subjects) {
        return real.forgetSubjects(subjects);
    }

    @Override
    public ForgetReport forgetProfile(String profileId, Collection<String> subjects) {
        return real.forgetProfile(profileId, subjects);
    }

    @Override
    public ForgetReport forgetProfile(String profileId, Collection<String> subjects,
                                      Collection<dev.portrait.core.identity.Identifier> suppress) {
        return real.forgetProfile(profileId, subjects, suppress);
    }

    @Override
    public ForgetReport forgetProfile(String profileId, Collection<String> subjects,
                                      Collection<dev.portrait.core.identity.Identifier> suppress, long now) {
        return real.forgetProfile(profileId, subjects, suppress, now);
    }

    @Override
    public dev.portrait.store.BackupReport backup(java.nio.file.Path target, long now) {
        return real.backup(target, now);
    }

    @Override
    public dev.portrait.store.Suppressions suppressions() {
        return real.suppressions();
    }

    @Override
    public dev.portrait.store.AudienceRecords audiences() {
        return real.audiences();
    }

    @Override
    public long forgets() {
        return real.forgets();
    }

    @Override
    public long forgetsCompacted() {
        return real.forgetsCompacted();
    }

    @Override
    public void clearDerivedState() {
        real.clearDerivedState();
    }

    @Override
    public PurgeReport purgeExpired(long now) {
        return real.purgeExpired(now);
    }

    @Override
    public void compact() {
        real.compact();
    }

    @Override
    public StoreFigures figures() {
        return real.figures();
    }

    @Override
    public void close() {
        real.close();
    }
}
