package dev.portrait.server.runtime.worker;

import dev.portrait.core.PortraitException;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.segment.AudienceSpec;
import dev.portrait.core.segment.SavedAudience;
import dev.portrait.core.segment.SavedAudiences;
import dev.portrait.store.AudienceRecords;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Saved audiences as segments on the worker: their member bitmaps in {@link SegmentMembers}, kept by evaluating
 * the live audiences ({@link SavedAudiences#evaluate}) for each profile the worker changes, and filled for
 * everyone else when one is saved.
 *
 * <p><b>Saving without stopping ingest, and without racing the fold.</b> Everything here runs on the worker
 * thread, between events. A new audience is live at once: from the next event on, every profile a step touches
 * is evaluated after it, and leaves the backfill's list. The people no step touched are evaluated in slices of at
 * most {@link #SLICE_NANOS} between two batches ({@link #backfill}), read from memory or the store without
 * being held ({@link HotProfiles#peek}), so a save over a million profiles costs the fold a few percent for a
 * while instead of a pause. Each person is therefore evaluated exactly once on the state they had before their
 * first step after the save, or after it: never on a state the fold has already moved past. Progress is kept
 * per audience ({@link #status}) for {@code GET /v1/audiences/{name}}.
 *
 * <p><b>Start-up.</b> Memberships are not stored: the worker evaluates every stored profile as it reads them at
 * start (it decodes each anyway, for the definition segments and timers), so an audience whose backfill a
 * restart interrupted is complete once the server is up.
 *
 * <p>Worker thread only, except {@link #audiences()} and {@link #status}, which any thread reads.
 */
public final class SavedAudienceMembers {
    /** The longest one backfill slice runs before the worker folds again. */
    static final long SLICE_NANOS = 10_000_000L;

    private final SegmentMembers members;
    private final ProfileUpdater updater;
    private final AudienceRecords store;
    private volatile SavedAudiences audiences;
    /** Generation → the people still to evaluate and how many there were. */
    private final Map<Integer, Backfill> backfills = new java.util.TreeMap<>(); // saving order: older ones first
    /** Progress as readers see it, by name. */
    private volatile Map<String, Progress> progress = Map.of();

    /** How far an audience's backfill got: {@code evaluated} of {@code total} people; done when they are equal. */
    public record Progress(long evaluated, long total) {
        public boolean done() {
            return evaluated >= total;
        }
    }

    private static final class Backfill {
        final RoaringBitmap pending;
        final long total;

        Backfill(RoaringBitmap pending) {
            this.pending = pending;
            this.total = pending.getLongCardinality();
        }
    }

    SavedAudienceMembers(SegmentMembers members, ProfileUpdater updater, AudienceRecords store) {
        this.members = members;
        this.updater = updater;
        this.store = store;
        this.audiences = SavedAudiences.of(updater.segments(), store.all());
        for (String name : audiences.liveNames()) {
            members.addSegment(name);
        }
    }

    SavedAudiences audiences() {
        return audiences;
    }

    /** The backfill's progress, empty when the audience is not live; complete when nothing is pending. */
    Optional<Progress> status(String name) {
        if (audiences.liveGeneration(name) < 0) {
            return Optional.empty();
        }
        return Optional.of(progress.getOrDefault(name, new Progress(0, 0)));
    }

    /** At start-up: the stored profile's memberships, evaluated at its own clock. */
    void stored(Profile p) {
        if (!audiences.isEmpty()) {
            BitSet live = audiences.liveGenerations();
            write(p.profileId(), live, audiences.evaluate(p, updater.inputs(p, p.clock()), live, new BitSet()));
        }
    }

    /** After a step changed the profile (an event, a merge, a timer that moved it), at {@code now}. */
    void afterStep(Profile p, long now) {
        if (audiences.isEmpty()) {
            return;
        }
        BitSet live = audiences.liveGenerations();
        write(p.profileId(), live, audiences.evaluate(p, updater.inputs(p, now), live, new BitSet()));
        if (!backfills.isEmpty()) {
            int n = members.number(p.profileId());
            if (n >= 0) {
                backfills.values().forEach(b -> b.pending.remove(n));
            }
        }
    }

    private void write(String profileId, BitSet generations, BitSet in) {
        for (int g = generations.nextSetBit(0); g >= 0; g = generations.nextSetBit(g + 1)) {
            members.set(audiences.generation(g).name(), profileId, in.get(g));
        }
    }

    /**
     * Saves a new audience, live from the log position {@code applied}, and starts its backfill. Saving a live name
     * again with the same body changes nothing and returns it.
     *
     * @throws PortraitException as {@link SavedAudiences#saving}
     */
    Saved save(String name, AudienceSpec spec, long applied, long now) {
        Optional<SavedAudience> existing = audiences.live(name);
        if (existing.isPresent() && existing.get().spec().equals(spec)) {
            return new Saved(existing.get(), false);
        }
        SavedAudiences next = audiences.saving(name, spec, applied, now);
        SavedAudience saved = next.live(name).orElseThrow();
        store.put(saved); // durable before it takes effect: a crash after this recovers it from the store
        audiences = next;
        members.addSegment(name);
        Backfill b = new Backfill(members.everyoneNow());
        backfills.put(next.liveGeneration(name), b);
        publishProgress();
        return new Saved(saved, true);
    }

    /** The audience saved (or found unchanged, {@code created} false). */
    public record Saved(SavedAudience audience, boolean created) {
    }

    /**
     * Deletes a live audience at log position {@code applied}: its members leave with its bitmap.
     *
     * @throws PortraitException as {@link SavedAudiences#deleting}
     */
    SavedAudience delete(String name, long applied, long now) {
        int g = audiences.liveGeneration(name);
        SavedAudiences next = audiences.deleting(name, applied, now);
        SavedAudience deleted = next.generation(g);
        store.put(deleted);
        audiences = next;
        members.dropSegment(name);
        backfills.remove(g);
        publishProgress();
        return deleted;
    }

    boolean backfilling() {
        return !backfills.isEmpty();
    }

    /**
     * Evaluates people still pending, for at most {@link #SLICE_NANOS}. {@code profiles} finds a profile without
     * holding it; a profile gone since (merged away, forgotten) is passed.
     */
    void backfill(Function<String, Profile> profiles) {
        long deadline = System.nanoTime() + SLICE_NANOS;
        var it = backfills.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            int g = e.getKey();
            RoaringBitmap pending = e.getValue().pending;
            BitSet decide = new BitSet();
            decide.set(g);
            PeekableIntIterator numbers = pending.getIntIterator();
            RoaringBitmap done = new RoaringBitmap();
            int count = 0;
            while (numbers.hasNext()) {
                int n = numbers.next();
                done.add(n);
                String id = members.profileId(n);
                Profile p = id == null ? null : profiles.apply(id);
                if (p != null) {
                    BitSet known = new BitSet();
                    BitSet live = audiences.liveGenerations();
                    for (int o = live.nextSetBit(0); o >= 0 && o < g; o = live.nextSetBit(o + 1)) {
                        known.set(o, members.contains(audiences.generation(o).name(), id));
                    }
                    BitSet in = audiences.evaluate(p, updater.inputs(p, p.clock()), decide, known);
                    members.set(audiences.generation(g).name(), id, in.get(g));
                }
                if ((++count & 63) == 0 && System.nanoTime() > deadline) {
                    break;
                }
            }
            pending.andNot(done);
            if (pending.isEmpty()) {
                it.remove();
            }
            if (!pending.isEmpty()) {
                break; // out of time: a later audience may name this one, so it waits until this one is done
            }
        }
        publishProgress();
    }

    private void publishProgress() {
        Map<String, Progress> out = new HashMap<>();
        for (String name : audiences.liveNames()) {
            int g = audiences.liveGeneration(name);
            Backfill b = backfills.get(g);
            Progress before = progress.get(name);
            // a finished backfill keeps its last figures; one finished before a restart reads 0 of 0, done
            out.put(name, b != null ? new Progress(b.total - b.pending.getLongCardinality(), b.total)
                    : before != null ? new Progress(before.total(), before.total()) : new Progress(0, 0));
        }
        progress = Map.copyOf(out);
    }
}
