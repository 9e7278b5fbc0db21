package dev.portrait.core.segment;

import org.roaringbitmap.RoaringBitmap;

/**
 * Who is in each segment, as bitmaps of dense profile numbers: what an {@link Audience} counts over.
 * The runtime that keeps them decides how numbers map to profiles; an audience only combines them.
 * The bitmaps handed out are read, never modified.
 */
public interface MemberBitmaps {
    /** The members of a segment; null when there is no such segment. */
    RoaringBitmap members(String segment);

    /** Every profile, for audiences that start from "everyone" (no {@code all}, no {@code any}). */
    RoaringBitmap everyone();
}
