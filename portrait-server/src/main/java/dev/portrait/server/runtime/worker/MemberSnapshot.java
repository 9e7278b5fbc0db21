package dev.portrait.server.runtime.worker;

import dev.portrait.core.segment.MemberBitmaps;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Segment members as the worker last published them: one bitmap of dense profile numbers per segment,
 * everyone's numbers, and the number → profile id table. Immutable once published (the worker
 * publishes fresh copies of what changed), so any thread may read it; sizes are exact cardinalities
 * and pages walk a bitmap from a cursor (the last number handed out).
 */
public final class MemberSnapshot implements MemberBitmaps {
    private final Map<String, RoaringBitmap> segments;
    private final RoaringBitmap everyone;
    private final ProfileNumbers.Reader ids;

    MemberSnapshot(Map<String, RoaringBitmap> segments, RoaringBitmap everyone, ProfileNumbers.Reader ids) {
        this.segments = Map.copyOf(segments);
        this.everyone = everyone;
        this.ids = ids;
    }

    /** Never modify the bitmap: it is shared with every reader. */
    @Override
    public RoaringBitmap members(String segment) {
        return segments.get(segment);
    }

    @Override
    public RoaringBitmap everyone() {
        return everyone;
    }

    /** The profile numbered {@code number}, or null when it is gone (merged away or forgotten since). */
    public String profileId(int number) {
        return ids.profileId(number);
    }

    /** Whether the profile is in the segment as published (false for an unknown segment or profile). */
    public boolean contains(String segment, String profileId) {
        RoaringBitmap m = segments.get(segment);
        if (m == null) {
            return false;
        }
        int n = ids.number(profileId);
        return n >= 0 && m.contains(n);
    }

    public long size(String segment) {
        RoaringBitmap m = segments.get(segment);
        return m == null ? 0 : m.getLongCardinality();
    }

    /** One page of a bitmap's profiles, in number order. */
    public record NumberedPage(List<String> profileIds, int last, boolean more) {
    }

    /** Up to {@code limit} profiles of {@code bitmap} numbered after {@code after} (-1: from the start). */
    public NumberedPage page(RoaringBitmap bitmap, int after, int limit) {
        PeekableIntIterator it = bitmap.getIntIterator();
        if (after >= 0) {
            if (after == Integer.MAX_VALUE) {
                return new NumberedPage(List.of(), after, false);
            }
            it.advanceIfNeeded(after + 1);
        }
        List<String> out = new ArrayList<>(Math.min(limit, 1024));
        int last = after;
        while (out.size() < limit && it.hasNext()) {
            last = it.next();
            String id = ids.profileId(last);
            if (id != null) {
                out.add(id);
            }
        }
        return new NumberedPage(out, last, it.hasNext());
    }
}
