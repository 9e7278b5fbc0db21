package dev.portrait.server.runtime.read;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.EngineStep;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.profile.Change;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.profile.UpdateResult;
import dev.portrait.core.segment.SavedAudienceTimeline;
import dev.portrait.core.segment.SavedAudiences;
import dev.portrait.core.segment.SegmentInputs;
import dev.portrait.core.segment.SegmentTransition;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.Page;
import dev.portrait.store.HistoryEntry;
import dev.portrait.store.LogEntry;
import dev.portrait.store.PortraitStore;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * A profile's changes (old → new per field, with the causing event, and its segment transitions),
 * derived on demand by replaying what touched it — its {@link dev.portrait.store.ProfileHistory} — through
 * a scratch engine, instead of being recorded per event on the fold thread.
 *
 * <p><b>Why this is exact.</b> The history lists, in the order the worker applied them, every event
 * folded into the profile, every timer that let time pass for it and every profile it absorbed. The
 * engine is deterministic and a step reads nothing but the profile and its input (not the shared
 * models, not the clock), so folding the same inputs in the same order rebuilds the same states and
 * the same changes; a merge entry is replayed by rebuilding the loser from its own history first. No
 * identity resolution happens here: the history already says which profile each event went to, so
 * other people's events (which could resolve identifiers differently in a partial replay) never matter.
 *
 * <p><b>Where it can differ from a recorded changelog.</b> Events whose subject was forgotten read back
 * as forgotten and are skipped, so a profile holding such an event replays without it (a recorded
 * changelog would still show its changes). Everything not yet written back is not in the history yet:
 * a caller that wants the latest changes writes back first (the runtime does).
 *
 * <p>Cost grows with the person's history, not with the log: one log read per event. Thread-safe: each
 * thread replays with its own engine.
 */
final class ChangeReplay {
    private static final TypeReference<Object> ANY = new TypeReference<>() { };
    private final PortraitStore store;
    private final ThreadLocal<ProfileEngine> engines;
    /** The saved audiences now (tombstones included): their transitions are derived along the same replay. */
    private final Supplier<SavedAudiences> audiences;

    ChangeReplay(PortraitStore store, ProfileDefinition definition) {
        this(store, definition, null);
    }

    ChangeReplay(PortraitStore store, ProfileDefinition definition, Supplier<SavedAudiences> audiences) {
        this.store = store;
        this.audiences = audiences;
        this.engines = ThreadLocal.withInitial(() -> new ProfileEngine(definition, ProfileUpdater.ChangeTracking.ON,
                store.profileIdKey()));
    }

    /**
     * One page of the profile's changes, newest first. The cursor is the number of older changes still
     * to come (the index, counted from the oldest, that the next page ends before); the history only
     * grows at its end, so a cursor stays valid as the profile changes.
     */
    Page<ChangeView> page(String profileId, String cursor, int limit) {
        List<ChangeView> all = changes(profileId);
        int end = all.size();
        if (cursor != null) {
            try {
                end = Integer.parseInt(cursor);
            } catch (NumberFormatException e) {
                end = -1;
            }
            if (end < 0 || end > all.size()) {
                throw new PortraitException("invalid_cursor", "cursor \"" + cursor + "\" is not a position in this profile's "
                        + all.size() + " changes", "cursor");
            }
        }
        int start = Math.max(0, end - limit);
        List<ChangeView> items = new ArrayList<>(end - start);
        for (int i = end - 1; i >= start; i--) {
            items.add(all.get(i));
        }
        return new Page<>(items, start > 0 ? Integer.toString(start) : null);
    }

    /** Every change of the profile, oldest first, in the order the worker made them. */
    List<ChangeView> changes(String profileId) {
        List<ChangeView> out = new ArrayList<>();
        rebuild(engines.get(), profileId, out, new HashSet<>(), Long.MAX_VALUE, new Budget());
        return out;
    }

    /**
     * The profile as it was at {@code until} (event time): its history replayed with only the events at
     * or before it (and the merges such events caused), then advanced to {@code until}; null when it
     * held nothing yet. A person's history, not the log: the cost is their own events.
     *
     * @throws PortraitException {@code not_supported} when the history holds more than {@link #MAX_REPLAY} entries
     */
    Profile at(String profileId, long until) {
        ProfileEngine engine = engines.get();
        Profile p = rebuild(engine, profileId, null, new HashSet<>(), until, new Budget());
        if (p != null) {
            engine.advance(p, until);
        }
        return p;
    }

    /** The most history entries one replay reads (a bound on the work a single request can ask for). */
    static final int MAX_REPLAY = 200_000;

    private static final class Budget {
        int left = MAX_REPLAY;

        void spend(String profileId) {
            if (--left < 0) {
                throw new PortraitException("not_supported", "profile " + profileId + " has more than " + MAX_REPLAY
                        + " history entries; a replay reads at most that many", null);
            }
        }
    }

    /**
     * Rebuilds a profile from its history with the events at or before {@code until}; emits its changes
     * into {@code out} when it is not null.
     */
    private Profile rebuild(ProfileEngine engine, String profileId, List<ChangeView> out, Set<String> visiting, long until,
                            Budget budget) {
        if (!visiting.add(profileId)) {
            throw new PortraitException("corrupt_state", "profile " + profileId + " absorbs itself in its history", null);
        }
        Profile p = null;
        // saved audiences only for the changes of the profile asked about (not merged-away ones, not ?at=)
        SavedAudiences saved = out == null || audiences == null || visiting.size() > 1 ? null : audiences.get();
        SavedAudienceTimeline timeline = saved == null || saved.generations() == 0 ? null : new SavedAudienceTimeline(saved);
        for (HistoryEntry entry : store.history().entries(profileId)) {
            budget.spend(profileId);
            if (entry instanceof HistoryEntry.Event e) {
                Event event = event(e.sequence());
                if (event == null || event.time() > until) {
                    continue; // forgotten (its subject's key is shredded), or after the time asked for
                }
                if (timeline != null) {
                    emitAudiences(out, 0, timeline.beforeEntry(p, e.sequence(), inputs(engine, p)));
                }
                if (p == null) {
                    p = engine.newProfile(profileId);
                }
                EngineStep step = engine.fold(p, event);
                emit(out, e.sequence(), event.time(), step.fold());
                if (timeline != null) {
                    emitAudiences(out, e.sequence(), timeline.afterStep(p, engine.updater().inputs(p, p.clock()),
                            event.time(), event.messageId()));
                }
            } else if (entry instanceof HistoryEntry.Timer t) {
                if (p != null && t.time() <= until) {
                    if (timeline != null) {
                        emitAudiences(out, 0, timeline.beforeTimer(p, t.time(), inputs(engine, p)));
                    }
                    EngineStep step = engine.advance(p, t.time());
                    // the worker kept a timer's effect only when segments moved or models settled
                    if (!step.fold().transitions().isEmpty() || !step.modelUpdates().isEmpty()) {
                        emit(out, 0, t.time(), step.fold());
                        if (timeline != null) {
                            emitAudiences(out, 0, timeline.afterStep(p, engine.updater().inputs(p, t.time()), t.time(),
                                    "time"));
                        }
                    }
                }
            } else if (entry instanceof HistoryEntry.Merge m) {
                if (timeline != null) {
                    emitAudiences(out, 0, timeline.beforeEntry(p, m.sequence(), inputs(engine, p)));
                }
                if (until != Long.MAX_VALUE) {
                    Event cause = event(m.sequence());
                    if (cause == null || cause.time() > until) {
                        continue; // merged after the time asked for (or by a forgotten event)
                    }
                }
                Profile loser = rebuild(engine, m.loserId(), null, visiting, until, budget);
                if (p == null || loser == null) {
                    p = p == null ? loser : p; // the worker merges only two profiles that both exist
                    continue;
                }
                EngineStep step = engine.absorb(p, loser);
                EngineStep.Merge merge = step.merges().get(0);
                emit(out, m.sequence(), merge.time(), merge.result());
                p = step.profile();
                if (timeline != null) {
                    emitAudiences(out, m.sequence(), timeline.afterStep(p, engine.updater().inputs(p, merge.time()),
                            merge.time(), "merge"));
                }
            }
        }
        if (timeline != null && p != null) {
            emitAudiences(out, 0, timeline.atEnd(p, inputs(engine, p)));
        }
        visiting.remove(profileId);
        return p;
    }

    private static LongFunction<SegmentInputs> inputs(ProfileEngine engine, Profile p) {
        return now -> engine.updater().inputs(p, now);
    }

    private static void emitAudiences(List<ChangeView> out, long sequence, List<SegmentTransition> transitions) {
        for (SegmentTransition t : transitions) {
            out.add(new ChangeView(sequence, Instant.ofEpochMilli(t.time()), "segments." + t.segment(), !t.entered(),
                    t.entered(), t.cause()));
        }
    }

    private Event event(long sequence) {
        List<LogEntry> read = store.events().read(sequence, 1);
        if (read.isEmpty() || read.get(0).sequence() != sequence) {
            throw new PortraitException("corrupt_state", "the history names log record " + sequence
                    + " but the log does not hold it", null);
        }
        LogEntry entry = read.get(0);
        return entry.forgotten() ? null : entry.decode();
    }

    private static void emit(List<ChangeView> out, long sequence, long time, UpdateResult u) {
        if (out == null) {
            return;
        }
        Instant at = Instant.ofEpochMilli(time);
        for (Change c : u.changes()) {
            out.add(new ChangeView(sequence, at, c.field(), json(c.oldValue()), json(c.newValue()), c.messageId()));
        }
        String owner = u.profile().profileId();
        for (SegmentTransition t : u.transitions()) {
            if (t.profileId().equals(owner)) {
                out.add(new ChangeView(sequence, at, "segments." + t.segment(), !t.entered(), t.entered(), t.cause()));
            }
        }
    }

    /** A value as a JSON reader sees it (numbers, maps and lists in Jackson's plain types), as the changelog gave it. */
    private static Object json(Object value) {
        try {
            return EventCodec.mapper().readValue(EventCodec.mapper().writeValueAsBytes(value), ANY);
        } catch (IOException e) {
            throw new PortraitException("corrupt_state", "a profile value is not JSON: " + e.getMessage(), null, e);
        }
    }
}
