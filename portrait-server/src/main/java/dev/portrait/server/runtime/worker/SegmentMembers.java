package dev.portrait.server.runtime.worker;

import dev.portrait.core.segment.SegmentTransition;
import org.roaringbitmap.RoaringBitmap;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who is in each segment, as bitmaps of {@link ProfileNumbers}, kept from the transitions the worker
 * sees and rebuilt from the stored profiles at start. The worker changes its own bitmaps; after a batch
 * {@link #snapshot} copies only the ones that changed (copy-on-publish), so readers hold immutable
 * bitmaps and a batch that moved nobody publishes for free. Worker thread only, except the snapshots.
 */
public final class SegmentMembers {
    private final Map<String, RoaringBitmap> live = new LinkedHashMap<>();
    private final RoaringBitmap everyone = new RoaringBitmap();
    private final ProfileNumbers numbers = new ProfileNumbers();
    private final Set<String> changed = new HashSet<>();
    private boolean everyoneChanged = true;
    private MemberSnapshot last;

    SegmentMembers(Collection<String> segments) {
        for (String s : segments) {
            live.put(s, new RoaringBitmap());
            changed.add(s);
        }
    }

    /** A profile the worker holds: numbered, and counted in everyone. */
    void held(String profileId) {
        int before = numbers.size();
        int n = numbers.numberOf(profileId);
        if (numbers.size() != before) {
            everyone.add(n);
            everyoneChanged = true;
        }
    }

    /** The members' numbering, for the timers: numbering a profile through it counts the profile as held. */
    ProfileTimers.Numbering numbering() {
        ProfileNumbers.Reader reader = numbers.reader();
        return new ProfileTimers.Numbering() {
            @Override
            public int numberOf(String profileId) {
                held(profileId);
                return numbers.existing(profileId);
            }

            @Override
            public int existing(String profileId) {
                return numbers.existing(profileId);
            }

            @Override
            public String profileId(int number) {
                return reader.profileId(number);
            }
        };
    }

    void apply(List<SegmentTransition> transitions) {
        for (SegmentTransition t : transitions) {
            RoaringBitmap set = live.get(t.segment());
            if (set == null) {
                continue;
            }
            if (t.entered()) {
                set.add(numbers.numberOf(t.profileId()));
                held(t.profileId());
            } else {
                int n = numbers.existing(t.profileId());
                if (n >= 0) {
                    set.remove(n);
                }
            }
            changed.add(t.segment());
        }
    }

    void add(String segment, String profileId) {
        held(profileId);
        live.get(segment).add(numbers.numberOf(profileId));
        changed.add(segment);
    }

    /** The profile is gone (merged away, forgotten): out of every segment, its number retired. */
    void removeProfile(String profileId) {
        int n = numbers.retire(profileId);
        if (n < 0) {
            return;
        }
        for (Map.Entry<String, RoaringBitmap> e : live.entrySet()) {
            if (e.getValue().checkedRemove(n)) {
                changed.add(e.getKey());
            }
        }
        everyone.remove(n);
        everyoneChanged = true;
    }

    /** A new segment (a saved audience), with no members yet. */
    void addSegment(String segment) {
        live.put(segment, new RoaringBitmap());
        changed.add(segment);
    }

    /** A segment that is gone (a deleted audience): its members leave with it. */
    void dropSegment(String segment) {
        live.remove(segment);
        changed.add(segment);
    }

    /** Puts the profile in or out of the segment; false when that changed nothing. */
    boolean set(String segment, String profileId, boolean in) {
        RoaringBitmap set = live.get(segment);
        if (set == null) {
            return false;
        }
        boolean moved;
        if (in) {
            held(profileId);
            moved = set.checkedAdd(numbers.numberOf(profileId));
        } else {
            int n = numbers.existing(profileId);
            moved = n >= 0 && set.checkedRemove(n);
        }
        if (moved) {
            changed.add(segment);
        }
        return moved;
    }

    boolean contains(String segment, String profileId) {
        RoaringBitmap set = live.get(segment);
        int n = numbers.existing(profileId);
        return set != null && n >= 0 && set.contains(n);
    }

    /** The profile's number, or -1. */
    int number(String profileId) {
        return numbers.existing(profileId);
    }

    /** The profile numbered {@code number}, or null. */
    String profileId(int number) {
        return numbers.reader().profileId(number);
    }

    /** A copy of everyone's numbers now. */
    RoaringBitmap everyoneNow() {
        return everyone.clone();
    }

    public long size(String segment) {
        RoaringBitmap set = live.get(segment);
        return set == null ? 0 : set.getLongCardinality();
    }

    /** Whether a bitmap changed since the last {@link #snapshot}. */
    boolean changedSinceSnapshot() {
        return !changed.isEmpty() || everyoneChanged;
    }

    /** The members as of now, for readers: fresh copies of what changed since the last snapshot. */
    MemberSnapshot snapshot() {
        if (last != null && changed.isEmpty() && !everyoneChanged) {
            return last;
        }
        Map<String, RoaringBitmap> out = new HashMap<>();
        for (Map.Entry<String, RoaringBitmap> e : live.entrySet()) {
            RoaringBitmap previous = last == null ? null : last.members(e.getKey());
            out.put(e.getKey(), previous != null && !changed.contains(e.getKey()) ? previous : frozen(e.getValue()));
        }
        RoaringBitmap all = last != null && !everyoneChanged ? last.everyone() : frozen(everyone);
        changed.clear();
        everyoneChanged = false;
        last = new MemberSnapshot(out, all, numbers.reader());
        return last;
    }

    private static RoaringBitmap frozen(RoaringBitmap live) {
        RoaringBitmap copy = live.clone();
        copy.runOptimize();
        return copy;
    }
}
