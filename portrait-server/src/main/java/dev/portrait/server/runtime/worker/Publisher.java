package dev.portrait.server.runtime.worker;

import dev.portrait.core.identity.Identifier;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The worker's side of {@link PublishedState}: it notes what each event changes and, after each batch,
 * publishes it; when a write-back commits it takes back what the store now holds.
 *
 * <p><b>Why readers never see a state the worker did not publish.</b> A profile changed since the last
 * publication is "touched"; its published entry (if any) stays as it was until the batch ends, when it
 * is replaced by the newly encoded profile. An identifier about to change owner first gets an entry
 * holding its current (published) owner if it has none, so a reader never falls through to the store's
 * identity overlay, which the worker changes mid-batch. When a write-back starts the entries are
 * remembered; when it commits, each remembered entry that is still the current one and not touched
 * since leaves: the store now holds exactly that state. A touched profile keeps its entry even if a
 * write-back taken mid-batch (an admin call) wrote a newer, never published state.
 *
 * <p>Worker thread only.
 */
final class Publisher {
    private final PublishedState state;
    private final ProfileCodec codec;
    private final Set<String> touchedProfiles = new HashSet<>();
    private final Set<Identifier> touchedIdentifiers = new HashSet<>();
    /**
     * Profiles changed in memory without being touched (a timer that only moved {@code nextCheck}): their
     * published bytes are no longer their exact state, so a write-back must encode them afresh.
     */
    private final Set<String> changedQuietly = new HashSet<>();
    private Map<String, PublishedState.PublishedProfile> drainedProfiles = Map.of();
    private Map<Identifier, PublishedState.PublishedOwner> drainedOwners = Map.of();
    private long published;
    /** Sees each publication; for tests that check what readers saw against what was published. */
    private volatile PublishedState.PublishObserver observer;

    Publisher(ProfileCodec codec, SegmentMembers members) {
        this.codec = codec;
        this.state = new PublishedState(members.snapshot());
    }

    PublishedState state() {
        return state;
    }

    void profileChanged(String profileId) {
        touchedProfiles.add(profileId);
    }

    /** The profile changed in memory in a way readers need not see (see {@link #changedQuietly}). */
    void profileChangedQuietly(String profileId) {
        changedQuietly.add(profileId);
    }

    /**
     * The bytes published for the profile when they are exactly its state in memory (published and
     * neither touched nor changed quietly since), else null. A write-back takes them instead of encoding
     * the profile a second time: with many people each event touches a profile of its own, so the encode
     * at publication and the one at write-back were the fold thread's two largest costs after the fold.
     */
    byte[] currentBytes(String profileId) {
        if (touchedProfiles.contains(profileId) || changedQuietly.contains(profileId)) {
            return null;
        }
        PublishedState.PublishedProfile entry = state.profiles.get(profileId);
        return entry == null ? null : entry.bytes();
    }

    /** Before the identifier's owner changes: readers keep seeing {@code current} until the batch is published. */
    void identifierChanging(Identifier identifier, Optional<String> current) {
        if (touchedIdentifiers.add(identifier)) {
            state.owners.putIfAbsent(identifier, new PublishedState.PublishedOwner(current.orElse(null)));
        }
    }

    /** Publishes every profile and identifier touched since the last time, the members, and the position. */
    void publish(HotProfiles hot, CachedIdentities identities, SegmentMembers members, ModelConsumer models, long position) {
        if (touchedProfiles.isEmpty() && touchedIdentifiers.isEmpty() && position == published
                && !members.changedSinceSnapshot()) { // members move alone in a saved audience's backfill
            return;
        }
        models.handOver(); // a model read behind the queue after this position sees the updates up to it
        PublishedState.PublishObserver o = observer;
        for (String id : touchedProfiles) {
            // held unless merged away; load, not held: a write-back taken mid-batch (an admin call) may have
            // evicted it, and then the store has exactly its latest state
            Profile p = hot.load(id);
            PublishedState.PublishedProfile entry = p == null ? new PublishedState.PublishedProfile(null, List.of())
                    : new PublishedState.PublishedProfile(codec.encode(p), identities.identifiersOf(id));
            if (o != null) {
                o.published(id, entry.bytes());
            }
            state.profiles.put(id, entry);
            changedQuietly.remove(id);
        }
        for (Identifier id : touchedIdentifiers) {
            state.owners.put(id, new PublishedState.PublishedOwner(identities.profileOf(id).orElse(null)));
        }
        touchedProfiles.clear();
        touchedIdentifiers.clear();
        published = position;
        state.publish(members.snapshot(), position);
    }

    /** A write-back took the worker's state: remember the entries it makes redundant once committed. */
    void drained() {
        changedQuietly.clear(); // every dirty profile was just taken; a profile dirtied later is touched, so published again
        drainedProfiles = new HashMap<>(state.profiles);
        drainedOwners = new HashMap<>(state.owners);
    }

    /** The write-back {@link #drained} committed: its entries leave unless replaced or touched since. */
    void committed() {
        for (Map.Entry<String, PublishedState.PublishedProfile> e : drainedProfiles.entrySet()) {
            if (!touchedProfiles.contains(e.getKey())) {
                state.profiles.remove(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<Identifier, PublishedState.PublishedOwner> e : drainedOwners.entrySet()) {
            if (!touchedIdentifiers.contains(e.getKey())) {
                state.owners.remove(e.getKey(), e.getValue());
            }
        }
        drainedProfiles = Map.of();
        drainedOwners = Map.of();
    }

    /** Everything is written back and committed (start-up): nothing needs to be held here. */
    void allCommitted(SegmentMembers members, long position) {
        touchedProfiles.clear();
        changedQuietly.clear();
        touchedIdentifiers.clear();
        state.profiles.clear();
        state.owners.clear();
        published = position;
        state.publish(members.snapshot(), position);
    }

    /** A forgotten profile leaves at once (the store has already deleted it durably). */
    void forgotten(String profileId) {
        touchedProfiles.remove(profileId);
        changedQuietly.remove(profileId);
        state.profiles.remove(profileId);
        state.owners.values().removeIf(o -> profileId.equals(o.profileId()));
        drainedProfiles = new HashMap<>(drainedProfiles);
        drainedProfiles.remove(profileId);
    }

    void observe(PublishedState.PublishObserver observer) {
        this.observer = observer;
    }
}
