package dev.portrait.core.profile;

import java.util.BitSet;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A person's profile: feature states in definition order, traits, segment memberships, and the
 * profile's own clock (the latest event time folded into it).
 *
 * <p>Readers see it through the accessors; only {@link ProfileUpdater} changes it. The updater's
 * {@code apply} is pure (it works on a {@link #copy()}); {@code applyInPlace} mutates, for
 * runtimes that own the profile with a single writer.
 */
public final class Profile {
    private final String profileId;
    final Object[] states;
    final TreeMap<String, TraitValue> traits;
    final BitSet segments;
    long version;
    long clock;
    long nextCheck;
    /** The {@link ProfileExtension}'s state (the models' per-person part), or null when there is none. */
    Object extension;

    Profile(String profileId, Object[] states, TreeMap<String, TraitValue> traits, BitSet segments, long version,
            long clock, long nextCheck, Object extension) {
        this.profileId = Objects.requireNonNull(profileId, "profileId");
        this.states = states;
        this.traits = traits;
        this.segments = segments;
        this.version = version;
        this.clock = clock;
        this.nextCheck = nextCheck;
        this.extension = extension;
    }

    public String profileId() {
        return profileId;
    }

    /** How many events and merges have been folded into it. */
    public long version() {
        return version;
    }

    /** The latest event time folded in (epoch ms); {@link Long#MIN_VALUE} for a new profile. */
    public long clock() {
        return clock;
    }

    /**
     * When (epoch ms) a segment may change with no new event: the runtime's timer for this profile.
     * {@link Long#MAX_VALUE} when never.
     */
    public long nextCheck() {
        return nextCheck;
    }

    /** Traits by name, sorted. */
    public Map<String, TraitValue> traits() {
        return Collections.unmodifiableMap(traits);
    }

    /** Whether the profile is in the segment with this index (see {@code SegmentSet}). */
    public boolean inSegment(int segmentIndex) {
        return segments.get(segmentIndex);
    }

    /** The raw state of a feature; for runtimes that store or merge states. Do not mutate. */
    public Object state(int featureIndex) {
        return states[featureIndex];
    }

    /** The per-person state of the updater's {@link ProfileExtension} (the models'), or null. */
    public Object extension() {
        return extension;
    }

    /** Replaces that state (after a merge of two profiles' model states). */
    public void replaceExtension(Object state) {
        this.extension = state;
    }

    /**
     * Lowers {@link #nextCheck()} to {@code at} when the extension has something due then (a model's
     * label that matures), so the runtime's timer for this profile also serves it.
     */
    public void checkNoLaterThan(long at) {
        if (at < nextCheck) {
            nextCheck = at;
        }
    }

    int featureCount() {
        return states.length;
    }

    @Override
    public String toString() {
        return "Profile[" + profileId + ", version " + version + ", traits " + traits.keySet() + "]";
    }
}
