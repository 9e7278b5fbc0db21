package dev.portrait.core.segment;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionException;
import org.roaringbitmap.RoaringBitmap;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An {@link AudienceSpec} checked against the segments that exist, ready to count.
 *
 * <p>Two stages, cheapest first. The set algebra ({@code all} ∩, {@code any} ∪, {@code none} ∖) runs on the
 * segments' member bitmaps and is exact: over a million members it costs microseconds to a millisecond.
 * Only the people the algebra leaves are then read one by one for the {@code where} condition, so an
 * audience that narrows by segments first pays for the condition on few profiles. An audience with a
 * condition and no segments reads everyone; that is the price of asking it, and the answer says how long
 * it took.
 *
 * <p>Immutable and thread-safe; {@link #candidates} never modifies the bitmaps it is given.
 */
public final class Audience {
    private final AudienceSpec spec;
    private final SegmentSet.Condition where;

    private Audience(AudienceSpec spec, SegmentSet.Condition where) {
        this.spec = spec;
        this.where = where;
    }

    /**
     * Checks every segment name against {@code segments} (the definition's segments and any saved audiences)
     * and compiles {@code where} against the definition's traits and features.
     *
     * @throws PortraitException {@code unknown_segment} naming the list entry ({@code all[1]}),
     *                           {@code invalid_audience} naming {@code where} when it does not compile
     */
    public static Audience compile(AudienceSpec spec, Collection<String> segments, SegmentSet conditions) {
        Set<String> known = new TreeSet<>(segments);
        check(spec.all(), "all", known);
        check(spec.any(), "any", known);
        check(spec.none(), "none", known);
        SegmentSet.Condition where = null;
        if (spec.where() != null) {
            try {
                where = conditions.condition(spec.where(), "where");
            } catch (DefinitionException e) {
                throw new PortraitException("invalid_audience", e.getMessage(), "where", e);
            }
        }
        return new Audience(spec, where);
    }

    private static void check(List<String> names, String list, Set<String> known) {
        for (int i = 0; i < names.size(); i++) {
            if (!known.contains(names.get(i))) {
                throw new PortraitException("unknown_segment", "no segment or saved audience is called '" + names.get(i)
                        + "' (there are: " + String.join(", ", known) + ")", list + "[" + i + "]");
            }
        }
    }

    /**
     * The people the segments allow, before the condition: a new bitmap the caller owns.
     *
     * @throws PortraitException {@code unknown_segment} when a segment vanished since {@link #compile}
     */
    public RoaringBitmap candidates(MemberBitmaps bitmaps) {
        RoaringBitmap result = null;
        for (String s : spec.all()) {
            RoaringBitmap m = members(bitmaps, s);
            result = result == null ? m.clone() : RoaringBitmap.and(result, m);
        }
        if (!spec.any().isEmpty()) {
            RoaringBitmap union = new RoaringBitmap();
            for (String s : spec.any()) {
                union.or(members(bitmaps, s));
            }
            result = result == null ? union : RoaringBitmap.and(result, union);
        }
        if (result == null) {
            result = bitmaps.everyone().clone();
        }
        for (String s : spec.none()) {
            result.andNot(members(bitmaps, s));
        }
        return result;
    }

    private static RoaringBitmap members(MemberBitmaps bitmaps, String segment) {
        RoaringBitmap m = bitmaps.members(segment);
        if (m == null) {
            throw new PortraitException("unknown_segment", "segment '" + segment + "' no longer exists", null);
        }
        return m;
    }

    /** Whether {@link #test} must be asked of each candidate. */
    public boolean hasCondition() {
        return where != null;
    }

    /** Whether a candidate meets {@code where}; true when there is none. */
    public boolean test(SegmentInputs in) {
        return where == null || where.test(in);
    }

    public AudienceSpec spec() {
        return spec;
    }
}
