package dev.portrait.server.runtime.worker;

import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the profile worker has published for readers: the only place where the write path and the
 * read path meet. HTTP threads read it without locks or queues; only the worker (through
 * {@link Publisher}) writes it, once per batch of events.
 *
 * <p>It holds the difference between the store and the worker's last published state: profiles
 * changed since their last committed write-back (as encoded bytes, or a tombstone for a profile merged
 * away), identifiers whose owner changed since then, the segment member bitmaps, and the log position
 * all of that includes. Everything else is read from the store, which holds it as committed. An entry
 * leaves once the write-back holding the same state has committed, so a reader that misses here finds
 * that state (or a later one) in the store, never an older one.
 */
public final class PublishedState {
    /**
     * A profile as the worker published it: its encoded bytes (null when it was merged away or deleted)
     * and its identifiers at the same moment. Compared by identity: the worker removes an entry only if
     * it is still the one it saw when the write-back started.
     */
    public static final class PublishedProfile {
        private final byte[] bytes;
        private final List<AttachedIdentifier> identifiers;

        PublishedProfile(byte[] bytes, List<AttachedIdentifier> identifiers) {
            this.bytes = bytes;
            this.identifiers = identifiers;
        }

        /** Whether the profile no longer exists (merged into another, or deleted). */
        public boolean deleted() {
            return bytes == null;
        }

        /** The encoded profile; never modified after publication. */
        public byte[] bytes() {
            return bytes;
        }

        public List<AttachedIdentifier> identifiers() {
            return identifiers;
        }
    }

    /** Who held an identifier as published; {@code profileId} null when nobody did. Compared by identity. */
    public static final class PublishedOwner {
        private final String profileId;

        PublishedOwner(String profileId) {
            this.profileId = profileId;
        }

        public String profileId() {
            return profileId;
        }
    }

    /** Sees each profile as published (bytes null: merged away), on the worker thread, before readers can. */
    public interface PublishObserver {
        void published(String profileId, byte[] bytes);
    }

    final ConcurrentHashMap<String, PublishedProfile> profiles = new ConcurrentHashMap<>();
    final ConcurrentHashMap<Identifier, PublishedOwner> owners = new ConcurrentHashMap<>();
    private volatile MemberSnapshot members;
    private volatile long position;
    /** Threads waiting in {@link #awaitPosition}; the worker notifies only when there are some. */
    private volatile int waiting;
    private final Object positionReached = new Object();

    PublishedState(MemberSnapshot members) {
        this.members = members;
    }

    /** The profile as published since its last committed write-back; null when the store has its latest state. */
    public PublishedProfile profile(String profileId) {
        return profiles.get(profileId);
    }

    /** The identifier's owner as published since the last committed write-back; null when the store has it. */
    public PublishedOwner owner(Identifier identifier) {
        return owners.get(identifier);
    }

    /** The segment members as of the last publication. */
    public MemberSnapshot members() {
        return members;
    }

    /** The log position every published state includes. */
    public long position() {
        return position;
    }

    /** How many profiles and identifiers wait here for their write-back (a gauge). */
    public int pending() {
        return profiles.size() + owners.size();
    }

    /**
     * Waits until the published state includes log position {@code wanted}, at most {@code timeoutMillis}.
     *
     * @return whether it does
     */
    public boolean awaitPosition(long wanted, long timeoutMillis) throws InterruptedException {
        if (position >= wanted) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (positionReached) {
            waiting++;
            try {
                while (position < wanted) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(positionReached, left);
                }
                return true;
            } finally {
                waiting--;
            }
        }
    }

    void publish(MemberSnapshot members, long position) {
        this.members = members;
        if (position > this.position) {
            this.position = position;
            if (waiting > 0) {
                synchronized (positionReached) {
                    positionReached.notifyAll();
                }
            }
        }
    }
}
