package dev.portrait.server.testing;

import dev.portrait.store.ChangeRecord;
import dev.portrait.store.HistoryBuffer;
import dev.portrait.store.WriteBack;

import java.util.List;

/** A real write-back behind a door; subclasses override {@link #commit} to fail it on demand. */
public class ForwardingWriteBack implements WriteBack {
    private final WriteBack real;

    public ForwardingWriteBack(WriteBack real) {
        this.real = real;
    }

    @Override
    public WriteBack putProfile(String profileId, byte[] profile) {
        real.putProfile(profileId, profile);
        return this;
    }

    @Override
    public WriteBack deleteProfile(String profileId) {
        real.deleteProfile(profileId);
        return this;
    }

    @Override
    public WriteBack appendChanges(String profileId, List<ChangeRecord> changes) {
        real.appendChanges(profileId, changes);
        return this;
    }

    @Override
    public WriteBack appendMerge(String profileId, byte[] mergeLogEntry) {
        real.appendMerge(profileId, mergeLogEntry);
        return this;
    }

    @Override
    public WriteBack replaceMerges(String profileId, List<byte[]> mergeLogEntries) {
        real.replaceMerges(profileId, mergeLogEntries);
        return this;
    }

    @Override
    public WriteBack replaceHistory(String profileId, HistoryBuffer entries) {
        real.replaceHistory(profileId, entries);
        return this;
    }

    @Override
    public WriteBack appendHistory(String profileId, HistoryBuffer entries) {
        real.appendHistory(profileId, entries);
        return this;
    }

    @Override
    public WriteBack takeIdentities() {
        real.takeIdentities();
        return this;
    }

    @Override
    public WriteBack putModelState(byte[] state) {
        real.putModelState(state);
        return this;
    }

    @Override
    public void commit(long appliedSequence) {
        real.commit(appliedSequence);
    }
}
