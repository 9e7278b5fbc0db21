package dev.portrait.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Gathers a write-back's parts and writes them, with the identity changes, in one batch. */
final class StoredWriteBack implements WriteBack {
    private final EmbeddedStore store;
    private final StoredProfiles profiles;
    private final StoredChangelog changelog;
    private final StoredMergeLog merges;
    private final StoredProfileHistory history;
    private final StoredIdentities identities;
    private final List<Part> parts = new ArrayList<>();
    private boolean committed;
    private java.util.List<java.util.Map.Entry<byte[], Object>> identitiesTaken;

    private record Part(char kind, String profileId, Object value) {
    }

    StoredWriteBack(EmbeddedStore store, StoredProfiles profiles, StoredChangelog changelog, StoredMergeLog merges,
                    StoredProfileHistory history, StoredIdentities identities) {
        this.store = store;
        this.profiles = profiles;
        this.changelog = changelog;
        this.merges = merges;
        this.history = history;
        this.identities = identities;
    }

    @Override
    public WriteBack putProfile(String profileId, byte[] profile) {
        StoredProfiles.requireId(profileId);
        parts.add(new Part('p', profileId, Objects.requireNonNull(profile, () -> "bytes of profile " + profileId)));
        return this;
    }

    @Override
    public WriteBack deleteProfile(String profileId) {
        StoredProfiles.requireId(profileId);
        parts.add(new Part('d', profileId, null));
        return this;
    }

    @Override
    public WriteBack appendChanges(String profileId, List<ChangeRecord> changes) {
        StoredProfiles.requireId(profileId);
        parts.add(new Part('c', profileId, List.copyOf(changes)));
        return this;
    }

    @Override
    public WriteBack appendHistory(String profileId, HistoryBuffer entries) {
        StoredProfiles.requireId(profileId);
        parts.add(new Part('h', profileId, Objects.requireNonNull(entries, "history entries")));
        return this;
    }

    @Override
    public WriteBack takeIdentities() {
        identitiesTaken = identities.snapshot();
        return this;
    }

    @Override
    public WriteBack appendMerge(String profileId, byte[] mergeLogEntry) {
        StoredProfiles.requireId(profileId);
        parts.add(new Part('m', profileId, Objects.requireNonNull(mergeLogEntry, "merge log entry")));
        return this;
    }

    @Override
    public WriteBack replaceMerges(String profileId, List<byte[]> mergeLogEntries) {
        StoredProfiles.requireId(profileId);
        parts.add(new Part('M', profileId, List.copyOf(mergeLogEntries)));
        return this;
    }

    @Override
    public WriteBack replaceHistory(String profileId, HistoryBuffer entries) {
        StoredProfiles.requireId(profileId);
        parts.add(new Part('H', profileId, Objects.requireNonNull(entries, "history entries")));
        return this;
    }

    @Override
    public WriteBack putModelState(byte[] state) {
        parts.add(new Part('s', "models", Objects.requireNonNull(state, "model state")));
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void commit(long appliedSequence) {
        if (committed) {
            throw new IllegalStateException("this write-back was already committed");
        }
        store.derivedLock.lock();
        try (StoreWrite w = store.newWrite()) {
            long applied = store.appliedSequence;
            long last = store.lastSequence;
            if (appliedSequence < applied || appliedSequence > last) {
                throw new StoreException("applied_sequence", "a write-back at log position " + appliedSequence
                        + " must be between the stored position " + applied + " and the end of the log " + last,
                        "meta/" + EmbeddedStore.META_APPLIED);
            }
            for (Part p : parts) {
                switch (p.kind) {
                    case 'p' -> profiles.put(w, p.profileId, (byte[]) p.value);
                    case 'd' -> w.batch.delete(Table.PROFILES, KeyLayout.utf8(p.profileId));
                    case 'c' -> changelog.stage(w, p.profileId, (List<ChangeRecord>) p.value);
                    case 'm' -> merges.stage(w, p.profileId, (byte[]) p.value);
                    case 'h' -> history.stage(w, p.profileId, (HistoryBuffer) p.value);
                    case 'M' -> {
                        // a range delete first, then the puts: a batch applies in order, so they survive it
                        merges.deleteProfile(p.profileId, w);
                        for (byte[] entry : (List<byte[]>) p.value) {
                            merges.stage(w, p.profileId, entry);
                        }
                    }
                    case 'H' -> {
                        history.clear(p.profileId, w);
                        if (!((HistoryBuffer) p.value).isEmpty()) {
                            history.stage(w, p.profileId, (HistoryBuffer) p.value);
                        }
                    }
                    case 's' -> w.batch.put(Table.META, EmbeddedStore.META_MODELS_KEY, (byte[]) p.value);
                    default -> throw new IllegalStateException("unknown write-back part " + p.kind);
                }
            }
            StoredIdentities.Pending pending = identitiesTaken == null ? identities.stage(w)
                    : identities.stage(w, identitiesTaken);
            store.putMeta(w, EmbeddedStore.META_APPLIED, appliedSequence);
            // Not fsynced: everything here is derived from the log and is re-derived by replay if a crash
            // loses it; RocksDB's point-in-time recovery never keeps it without the appends before it.
            w.commit(false);
            store.appliedSequence = appliedSequence;
            pending.written();
            committed = true;
        } finally {
            store.derivedLock.unlock();
        }
    }
}
