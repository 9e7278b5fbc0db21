package dev.portrait.core.segment;

import dev.portrait.core.profile.Profile;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.LongFunction;

/**
 * A person's transitions in and out of saved audiences, derived along a replay of their history (the events,
 * timers and merges that touched them, in the order the runtime applied them), the way their definition
 * segments' transitions are derived by replaying the same history through the engine.
 *
 * <p><b>What the runtime did, restated as points in the history.</b> A generation became live at log position
 * {@code since} and time {@code savedAt}; the runtime evaluated it for each person at their next step or, for
 * people with no step since, in its backfill; either way people who already matched were members from the
 * save. So before the first history entry after {@code since} (an event or merge past it, a timer at or after
 * {@code savedAt}), or at the end of the history, the person is evaluated on the state they had then and, when
 * they match, enters at {@code savedAt} with the cause {@code "saved"}. After every step the live generations
 * are evaluated again, and a change is a transition with the step's time and cause. A deletion is the same kind
 * of point: members leave at {@code deletedAt} with the cause {@code "deleted"}.
 *
 * <p>One timeline per replayed profile; not thread-safe.
 */
public final class SavedAudienceTimeline {
    private final SavedAudiences audiences;
    private final BitSet started = new BitSet();
    private final BitSet ended = new BitSet();
    private BitSet members = new BitSet();

    public SavedAudienceTimeline(SavedAudiences audiences) {
        this.audiences = audiences;
    }

    /**
     * Before an event or merge logged at {@code position}: the generations saved or deleted since the previous
     * entry take effect. {@code inputs} reads the profile at a time (null profile: not created yet).
     */
    public List<SegmentTransition> beforeEntry(Profile p, long position, LongFunction<SegmentInputs> inputs) {
        return pass(p, inputs, g -> g.since() < position, g -> g.deletedSince() >= 0 && g.deletedSince() < position);
    }

    /** Before a timer at {@code time}. */
    public List<SegmentTransition> beforeTimer(Profile p, long time, LongFunction<SegmentInputs> inputs) {
        return pass(p, inputs, g -> g.savedAt() <= time, g -> g.deletedAt() >= 0 && g.deletedAt() <= time);
    }

    /** After the history's last entry: every generation saved or deleted since takes effect. */
    public List<SegmentTransition> atEnd(Profile p, LongFunction<SegmentInputs> inputs) {
        return pass(p, inputs, g -> true, g -> g.deletedSince() >= 0);
    }

    /** After a step at {@code time} caused by {@code cause}: the live generations evaluated again. */
    public List<SegmentTransition> afterStep(Profile p, SegmentInputs in, long time, String cause) {
        BitSet active = (BitSet) started.clone();
        active.andNot(ended);
        if (active.isEmpty()) {
            return List.of();
        }
        BitSet now = audiences.evaluate(p, in, active, members);
        List<SegmentTransition> out = new ArrayList<>();
        BitSet changed = (BitSet) now.clone();
        changed.xor(members);
        for (int g = changed.nextSetBit(0); g >= 0; g = changed.nextSetBit(g + 1)) {
            out.add(new SegmentTransition(p.profileId(), audiences.generation(g).name(), now.get(g), time, cause));
        }
        members = now;
        return out;
    }

    /** Whether the profile is in the generation, as of the replay so far. */
    public boolean member(int generation) {
        return members.get(generation);
    }

    private interface Reached {
        boolean test(SavedAudience g);
    }

    private List<SegmentTransition> pass(Profile p, LongFunction<SegmentInputs> inputs, Reached starts, Reached ends) {
        List<SegmentTransition> out = null;
        // in saving order: a generation's start, then (if reached too) its end; a later generation that names an
        // earlier one is started after it and ended before it (audience_in_use), so references stay decided
        for (int g = 0; g < audiences.generations(); g++) {
            SavedAudience a = audiences.generation(g);
            if (!started.get(g) && starts.test(a)) {
                started.set(g);
                if (p != null) {
                    BitSet decide = new BitSet();
                    decide.set(g);
                    members = audiences.evaluate(p, inputs.apply(p.clock()), decide, members);
                    if (members.get(g)) {
                        out = add(out, new SegmentTransition(p.profileId(), a.name(), true, a.savedAt(), "saved"));
                    }
                }
            }
            if (started.get(g) && !ended.get(g) && ends.test(a)) {
                ended.set(g);
                if (members.get(g)) {
                    members.clear(g);
                    out = add(out, new SegmentTransition(p.profileId(), a.name(), false, a.deletedAt(), "deleted"));
                }
            }
        }
        return out == null ? List.of() : out;
    }

    private static List<SegmentTransition> add(List<SegmentTransition> out, SegmentTransition t) {
        List<SegmentTransition> list = out == null ? new ArrayList<>() : out;
        list.add(t);
        return list;
    }
}
