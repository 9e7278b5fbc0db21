package dev.portrait.core.segment;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.profile.Profile;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Every saved audience of a store, compiled against a definition's segments: what turns an audience into a
 * segment people enter and leave.
 *
 * <p><b>Membership is a function of the profile.</b> An audience selects by segments ({@code all}, {@code any},
 * {@code none}) and a condition over traits and features. A profile carries its definition segments, and an
 * audience may only name definition segments and audiences saved before it, so whether a person is in a saved
 * audience is decided from their profile alone, by evaluating the audiences in the order they were saved
 * ({@link #evaluate}). Nothing per person needs to be stored: the runtime keeps the members as bitmaps, rebuilt
 * at start by evaluating each stored profile, and a replay of a person's history derives their transitions.
 *
 * <p><b>Why no cycles can form.</b> A name can only be saved once while it is live (saving it again with another
 * body is refused: delete it first), an audience may only name what exists when it is saved, and one that names
 * itself is refused ({@code audience_cycle}). So references always point to older generations, and evaluating
 * in saving order always finds what it refers to already decided. An audience another live one names cannot be
 * deleted ({@code audience_in_use}).
 *
 * <p>Generations (see {@link SavedAudience}) are kept in saving order, deleted ones included, because a replay
 * of a history that reaches back before a deletion must still evaluate them. A stored generation that no longer
 * compiles (the definition changed under it) is kept as <em>broken</em>: listed with the reason, never a member.
 *
 * <p>Immutable and thread-safe: saving and deleting return a new set.
 */
public final class SavedAudiences {
    private final SegmentSet segments;
    private final List<Generation> generations;
    /** Name → index of its live generation. */
    private final Map<String, Integer> live;

    /** One generation compiled: references are definition segment indexes (>= 0) or ~generation index (< 0). */
    private record Generation(SavedAudience record, int[] all, int[] any, int[] none, SegmentSet.Condition where,
                              String broken) {
        boolean test(Profile p, SegmentInputs in, BitSet decided) {
            for (int r : all) {
                if (!member(r, p, decided)) {
                    return false;
                }
            }
            if (any.length > 0) {
                boolean found = false;
                for (int r : any) {
                    if (member(r, p, decided)) {
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    return false;
                }
            }
            for (int r : none) {
                if (member(r, p, decided)) {
                    return false;
                }
            }
            return where == null || where.test(in);
        }

        private static boolean member(int ref, Profile p, BitSet decided) {
            return ref >= 0 ? p.inSegment(ref) : decided.get(~ref);
        }
    }

    private SavedAudiences(SegmentSet segments, List<Generation> generations) {
        this.segments = segments;
        this.generations = List.copyOf(generations);
        Map<String, Integer> byName = new HashMap<>();
        for (int g = 0; g < generations.size(); g++) {
            if (generations.get(g).record().live()) {
                byName.put(generations.get(g).record().name(), g);
            }
        }
        this.live = Map.copyOf(byName);
    }

    /** No saved audiences yet. */
    public static SavedAudiences none(SegmentSet segments) {
        return new SavedAudiences(segments, List.of());
    }

    /**
     * The stored generations, in saving order, compiled against {@code segments}. One that no longer compiles is
     * kept as broken (see {@link #broken}); nothing is refused here, so a store always opens.
     */
    public static SavedAudiences of(SegmentSet segments, List<SavedAudience> stored) {
        List<SavedAudience> ordered = new ArrayList<>(stored);
        ordered.sort((a, b) -> a.since() != b.since() ? Long.compare(a.since(), b.since())
                : Long.compare(a.savedAt(), b.savedAt()));
        List<Generation> out = new ArrayList<>();
        Map<String, Integer> liveNames = new HashMap<>();
        for (SavedAudience a : ordered) {
            Generation g;
            try {
                g = compile(segments, a, out, liveNames);
            } catch (PortraitException e) {
                g = new Generation(a, new int[0], new int[0], new int[0], null, e.getMessage()
                        + (e.path() == null ? "" : " (at " + e.path() + ")"));
            }
            out.add(g);
            if (a.live()) {
                liveNames.put(a.name(), out.size() - 1);
            }
        }
        return new SavedAudiences(segments, out);
    }

    /**
     * Checks a new audience against the definition and the live audiences, and returns the set with it live.
     *
     * @throws PortraitException {@code segment_exists} when the definition has a segment of that name,
     *         {@code audience_exists} when a live audience has it (the caller decides whether an identical body
     *         makes that a no-op), {@code audience_cycle} when it names itself, {@code unknown_segment} naming the
     *         list entry, {@code invalid_audience} naming {@code where} or {@code name}
     */
    public SavedAudiences saving(String name, AudienceSpec spec, long since, long savedAt) {
        SavedAudience.checkName(name);
        if (segments.indexOf(name) >= 0) {
            throw new PortraitException("segment_exists", "the definition has a segment called '" + name
                    + "'; a saved audience needs a name of its own", "name");
        }
        if (live.containsKey(name)) {
            throw new PortraitException("audience_exists", "an audience called '" + name + "' is already saved with "
                    + "another body; delete it first to redefine it", "name");
        }
        SavedAudience record = SavedAudience.saved(name, spec, since, savedAt);
        if (!generations.isEmpty()) {
            SavedAudience last = generations.get(generations.size() - 1).record();
            if (since < last.since() || since < last.deletedSince()) {
                throw new IllegalArgumentException("saved at log position " + since + ", before " + last.name()
                        + " (" + Math.max(last.since(), last.deletedSince()) + ")");
            }
        }
        Generation g = compile(segments, record, generations, live);
        List<Generation> out = new ArrayList<>(generations);
        out.add(g);
        return new SavedAudiences(segments, out);
    }

    /**
     * The set with the live audience {@code name} deleted (its generation kept as a tombstone).
     *
     * @throws PortraitException {@code unknown_audience} when no live audience has the name,
     *         {@code audience_in_use} when another live audience names it
     */
    public SavedAudiences deleting(String name, long position, long at) {
        Integer g = live.get(name);
        if (g == null) {
            throw new PortraitException("unknown_audience", "no saved audience is called '" + name + "'", "name");
        }
        List<String> users = new ArrayList<>();
        for (int other : live.values()) {
            Generation o = generations.get(other);
            if (refersTo(o, g)) {
                users.add(o.record().name());
            }
        }
        if (!users.isEmpty()) {
            Collections.sort(users);
            throw new PortraitException("audience_in_use", "'" + name + "' is named by the saved audience"
                    + (users.size() > 1 ? "s " : " ") + String.join(", ", users) + "; delete "
                    + (users.size() > 1 ? "those" : "that") + " first", "name");
        }
        List<Generation> out = new ArrayList<>(generations);
        Generation old = generations.get(g);
        out.set(g, new Generation(old.record().deleted(position, at), old.all(), old.any(), old.none(), old.where(),
                old.broken()));
        return new SavedAudiences(segments, out);
    }

    private static boolean refersTo(Generation o, int g) {
        for (int[] refs : new int[][] {o.all(), o.any(), o.none()}) {
            for (int r : refs) {
                if (r < 0 && ~r == g) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Generation compile(SegmentSet segments, SavedAudience a, List<Generation> earlier,
                                      Map<String, Integer> liveNames) {
        AudienceSpec spec = a.spec();
        for (String[] list : new String[][] {spec.all().toArray(new String[0]), spec.any().toArray(new String[0]),
                spec.none().toArray(new String[0])}) {
            for (String s : list) {
                if (s.equals(a.name())) {
                    throw new PortraitException("audience_cycle", "the audience '" + a.name() + "' names itself; an "
                            + "audience can name only segments and audiences saved before it", "name");
                }
            }
        }
        SegmentSet.Condition where = null;
        if (spec.where() != null) {
            try {
                where = segments.condition(spec.where(), "where");
            } catch (DefinitionException e) {
                throw new PortraitException("invalid_audience", e.getMessage(), "where", e);
            }
        }
        return new Generation(a, refs(segments, spec.all(), "all", earlier, liveNames),
                refs(segments, spec.any(), "any", earlier, liveNames),
                refs(segments, spec.none(), "none", earlier, liveNames), where, null);
    }

    private static int[] refs(SegmentSet segments, List<String> names, String list, List<Generation> earlier,
                              Map<String, Integer> liveNames) {
        int[] out = new int[names.size()];
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            int s = segments.indexOf(n);
            Integer g = liveNames.get(n);
            if (s >= 0) {
                out[i] = s;
            } else if (g != null && earlier.get(g).broken() == null) {
                out[i] = ~g;
            } else {
                TreeSet<String> known = new TreeSet<>(liveNames.keySet());
                for (int k = 0; k < segments.size(); k++) {
                    known.add(segments.name(k));
                }
                throw new PortraitException("unknown_segment", "no segment or saved audience is called '" + n
                        + "' (there are: " + String.join(", ", known) + ")", list + "[" + i + "]");
            }
        }
        return out;
    }

    // ---- reading the set ----

    /** How many generations there are, deleted ones included (indexes for {@link #generation}). */
    public int generations() {
        return generations.size();
    }

    public SavedAudience generation(int g) {
        return generations.get(g).record();
    }

    /** Why the generation is never a member (it no longer compiles), or null. */
    public String broken(int g) {
        return generations.get(g).broken();
    }

    /** The live audience called {@code name}. */
    public Optional<SavedAudience> live(String name) {
        Integer g = live.get(name);
        return g == null ? Optional.empty() : Optional.of(generations.get(g).record());
    }

    /** The index of the live generation called {@code name}, or -1. */
    public int liveGeneration(String name) {
        Integer g = live.get(name);
        return g == null ? -1 : g;
    }

    /** The live audiences' names, in saving order. */
    public List<String> liveNames() {
        List<String> out = new ArrayList<>();
        for (Generation g : generations) {
            if (g.record().live()) {
                out.add(g.record().name());
            }
        }
        return out;
    }

    /** The live generations that can be members (not broken), as indexes. */
    public BitSet liveGenerations() {
        BitSet out = new BitSet();
        for (int g = 0; g < generations.size(); g++) {
            if (generations.get(g).record().live() && generations.get(g).broken() == null) {
                out.set(g);
            }
        }
        return out;
    }

    public boolean isEmpty() {
        return live.isEmpty();
    }

    /** Every generation's record, in saving order (what a store keeps). */
    public List<SavedAudience> records() {
        List<SavedAudience> out = new ArrayList<>(generations.size());
        generations.forEach(g -> out.add(g.record()));
        return out;
    }

    /** The live audiences by name with their specs, in saving order (for listing). */
    public Map<String, SavedAudience> liveRecords() {
        Map<String, SavedAudience> out = new LinkedHashMap<>();
        for (Generation g : generations) {
            if (g.record().live()) {
                out.put(g.record().name(), g.record());
            }
        }
        return out;
    }

    // ---- membership ----

    /**
     * Which generations the profile is in: each generation of {@code decide} is evaluated, in saving order, over
     * the profile's definition segments, the generations decided before it and {@code in} (the profile's traits
     * and features at the time of evaluation); every other generation keeps its bit of {@code known}. Broken
     * generations are never members. A decided generation's references must be decided or known, which saving
     * order and {@code audience_in_use} guarantee for the live set and for any set a replay reaches by passing
     * the generations' {@code since} and {@code deletedSince} points in order.
     */
    public BitSet evaluate(Profile p, SegmentInputs in, BitSet decide, BitSet known) {
        BitSet out = (BitSet) known.clone();
        for (int g = decide.nextSetBit(0); g >= 0; g = decide.nextSetBit(g + 1)) {
            Generation gen = generations.get(g);
            out.set(g, gen.broken() == null && gen.test(p, in, out));
        }
        return out;
    }
}
