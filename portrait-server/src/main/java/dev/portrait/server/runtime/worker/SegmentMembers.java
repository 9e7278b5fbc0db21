package dev.portrait.server.runtime.worker;

import dev.portrait.core.segment.SegmentTransition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Who is in each segment, kept in memory from the transitions the worker sees, and rebuilt from the
 * stored profiles at start. Sorted by profile id so members can be paged with a cursor. Only the
 * worker thread touches it.
 */
public final class SegmentMembers {
    private final Map<String, TreeSet<String>> members = new HashMap<>();

    SegmentMembers(Collection<String> segments) {
        for (String s : segments) {
            members.put(s, new TreeSet<>());
        }
    }

    void apply(List<SegmentTransition> transitions) {
        for (SegmentTransition t : transitions) {
            TreeSet<String> set = members.get(t.segment());
            if (set != null) {
                if (t.entered()) {
                    set.add(t.profileId());
                } else {
                    set.remove(t.profileId());
                }
            }
        }
    }

    void add(String segment, String profileId) {
        members.get(segment).add(profileId);
    }

    void removeProfile(String profileId) {
        for (TreeSet<String> set : members.values()) {
            set.remove(profileId);
        }
    }

    public long size(String segment) {
        TreeSet<String> set = members.get(segment);
        return set == null ? 0 : set.size();
    }

    /** Up to {@code limit} members after {@code cursor} (exclusive; null = from the start). */
    public List<String> page(String segment, String cursor, int limit) {
        NavigableSet<String> set = members.get(segment);
        NavigableSet<String> tail = cursor == null ? set : set.tailSet(cursor, false);
        List<String> out = new ArrayList<>(Math.min(limit, tail.size()));
        for (String id : tail) {
            if (out.size() == limit) {
                break;
            }
            out.add(id);
        }
        return out;
    }

    public boolean hasMoreAfter(String segment, String last) {
        return last != null && members.get(segment).higher(last) != null;
    }
}
