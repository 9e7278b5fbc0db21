package dev.portrait.flink;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.engine.EngineStep;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.profile.Change;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.core.profile.UpdateResult;
import dev.portrait.core.segment.SegmentTransition;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The profile operator, keyed by profile id: folds each event with the core's {@link ProfileEngine}
 * (features, segments, per-person models), carries out identity merges, runs each profile's
 * {@code nextCheck} on event time, and publishes profiles once per key per checkpoint.
 *
 * <p><b>Why an operator and not a process function.</b> A profile is published (view JSON, binary form,
 * its changes packed in one record) at most once per checkpoint: readers of the compacted profiles topic
 * need the last value, and the sinks commit only at checkpoints anyway, so every earlier version would
 * be written and thrown away. The operator keeps the profiles touched since the last checkpoint decoded
 * in memory ({@link LiveProfile}, a bounded access-ordered map), and in {@link #prepareSnapshotPreBarrier}
 * — before the checkpoint barrier leaves, so inside the checkpoint's transactions — writes each changed
 * one to keyed state once and emits it once. A process function has no hook there. Nothing is lost on
 * failure: at every checkpoint the memory is empty of unsaved work by construction, so the restored state
 * is complete; a restart starts with an empty map and reads state again.
 *
 * <p><b>State per event.</b> A profile in the map costs no state access at all; one that is not costs one
 * read (profile and identifiers are one value, {@link StoredProfile}). Whether a key waits for a merge is a
 * set in memory (rebuilt from state on restore), so an event never opens an iterator. Each key has one
 * live event-time timer, at its profile's {@code nextCheck}: the old one is deleted when the check moves.
 * The map is bounded ({@value #LIVE_PROFILES} per subtask); an evicted changed profile is saved and
 * published then, so a subtask that touches more profiles per checkpoint publishes some more than once.
 *
 * <p><b>Merges across keys.</b> The loser's state lives under another key, often on another subtask.
 * On {@link Instruction#RETIRE} the loser ships its bytes to the winner through the transfers topic
 * (second input) and clears itself; on {@link Instruction#EXPECT} the winner holds every later
 * instruction in state until the bytes arrive, folds them in with {@link ProfileEngine#absorb} and
 * then works through what it held, in order. So each key still sees merges and events in the order the
 * identity operator decided them, which is the embedded runtime's order: merges first, then the event.
 *
 * <p><b>Models.</b> Each person's model state folds here with the profile (the engine does it), so
 * it equals the embedded runtime's. The shared models (co-occurrence, centroids, weights) are not
 * hosted by the job yet: the steps' model updates are dropped.
 *
 * <p><b>Timers</b> fire when the watermark reaches a profile's {@code nextCheck}, and re-check its
 * time-dependent segments at the watermark ({@link ProfileEngine#advance}); the embedded runtime
 * does the same on its wall clock. Neither moves the profile's clock.
 */
final class ProfileFolding extends AbstractStreamOperator<ProfileRecord>
        implements TwoInputStreamOperator<Instruction, Transfer, ProfileRecord>, Triggerable<String, VoidNamespace> {
    private static final long serialVersionUID = 2L;
    static final OutputTag<KeyedJson> CHANGES = new OutputTag<>("changes") { };
    static final OutputTag<KeyedJson> TRANSITIONS = new OutputTag<>("transitions") { };
    static final OutputTag<Transfer> TRANSFERS = new OutputTag<>("transfers") { };

    /** Decoded profiles kept per subtask; a few KB to a few tens of KB each on the heap. */
    static final int LIVE_PROFILES = 20_000;
    /** A hot profile publishes its changes early rather than hold more than this many. */
    private static final int MAX_PENDING_CHANGES = 2_000;

    private final String definitionYaml;
    private final String profileIdSecret;
    private transient ProfileEngine engine;
    private transient ProfileUpdater updater;
    private transient ProfileCodec codec;
    private transient ValueState<byte[]> stored;
    private transient ValueState<byte[]> awaiting;
    private transient ListState<Instruction> held;
    private transient InternalTimerService<VoidNamespace> timers;
    private transient LinkedHashMap<String, LiveProfile> live;
    private transient Set<String> awaitingKeys;
    private transient Counter folded;
    private transient Counter published;

    ProfileFolding(String definitionYaml) {
        this(definitionYaml, null);
    }

    /**
     * @param profileIdSecret the job's profile-id secret (null: the public test key), which also keys experiment
     *                        assignments of a definition without {@code experiments.key}, as in the embedded runtime
     */
    ProfileFolding(String definitionYaml, String profileIdSecret) {
        this.definitionYaml = definitionYaml;
        this.profileIdSecret = profileIdSecret;
    }

    @Override
    public void open() throws Exception {
        super.open();
        engine = new ProfileEngine(Definitions.parse(definitionYaml), ProfileUpdater.ChangeTracking.ON, // the changes topic
                profileIdSecret == null ? dev.portrait.core.identity.ProfileIdKey.publicTestKey()
                        : dev.portrait.core.identity.ProfileIdKey.ofText(profileIdSecret));
        updater = engine.updater();
        codec = engine.codec();
        stored = getPartitionedState(new ValueStateDescriptor<>("stored", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        awaiting = getPartitionedState(new ValueStateDescriptor<>("awaiting", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        held = getPartitionedState(new ListStateDescriptor<>("held", TypeInformation.of(Instruction.class)));
        timers = getInternalTimerService("next-check", VoidNamespaceSerializer.INSTANCE, this);
        live = new LinkedHashMap<>(1024, 0.75f, true);
        awaitingKeys = new HashSet<>();
        try (Stream<Object> keys = getKeyedStateBackend().getKeys("awaiting", VoidNamespace.INSTANCE)) {
            keys.forEach(k -> awaitingKeys.add((String) k));
        }
        folded = getMetricGroup().counter("folded");
        published = getMetricGroup().counter("published");
    }

    // ---- inputs ----

    @Override
    public void processElement1(StreamRecord<Instruction> record) throws Exception {
        Instruction in = record.getValue();
        if (awaitingKeys.contains(in.target)) {
            held.add(in);
            return;
        }
        handle(in);
        evictIfFull();
    }

    @Override
    public void processElement2(StreamRecord<Transfer> record) throws Exception {
        Transfer t = record.getValue();
        List<String> losers = decodeLosers(awaiting.value());
        losers.remove(t.loser);
        LiveProfile p = load(t.winner);
        if (p.profile != null && t.profile != null) {
            EngineStep merged = engine.absorb(p.profile, codec.decode(t.profile));
            p.profile = merged.profile();
            changed(p, merged.fold(), p.profile.clock()); // absorb's step lists the merge twice (as merge and as fold)
        }
        if (!losers.isEmpty()) {
            awaiting.update(encodeLosers(losers));
            return;
        }
        awaiting.clear();
        awaitingKeys.remove(t.winner);
        List<Instruction> backlog = new ArrayList<>();
        for (Instruction i : held.get()) {
            backlog.add(i);
        }
        held.clear();
        for (int i = 0; i < backlog.size(); i++) {
            if (awaitingKeys.contains(t.winner)) {
                held.addAll(backlog.subList(i, backlog.size()));
                return;
            }
            handle(backlog.get(i));
        }
        if (p.profile != null) {
            schedule(p);
        }
        evictIfFull();
    }

    private void handle(Instruction in) throws Exception {
        switch (in.kind) {
            case Instruction.APPLY -> {
                LiveProfile p = load(in.target);
                if (p.profile == null) {
                    p.profile = engine.newProfile(in.target);
                }
                EngineStep step = engine.fold(p.profile, EventBinary.decode(in.event));
                p.identifiers = in.identifiers;
                folded.inc();
                changed(p, step.fold(), p.profile.clock());
                schedule(p);
            }
            case Instruction.EXPECT -> {
                List<String> losers = decodeLosers(awaiting.value());
                losers.add(in.other);
                awaiting.update(encodeLosers(losers));
                awaitingKeys.add(in.target);
            }
            case Instruction.RETIRE -> {
                LiveProfile p = load(in.target);
                output.collect(TRANSFERS, new StreamRecord<>(new Transfer(in.other, in.target,
                        p.profile == null ? null : codec.encode(p.profile))));
                unschedule(p);
                p.profile = null;
                p.identifiers = null;
                p.unsaved = true;
                p.unpublished = true; // a tombstone
            }
            default -> throw new IllegalStateException("unknown instruction kind " + in.kind);
        }
    }

    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        LiveProfile p = load(timer.getKey());
        p.timer = Long.MAX_VALUE; // this one has fired
        if (p.profile == null || awaitingKeys.contains(p.id)) {
            return; // retired, or a merge is in flight: the drain reschedules
        }
        // Check at the watermark, not at each check time it has passed: after a jump (a replay, an idle
        // stretch) a profile would otherwise fire once per tile boundary in between, in one uninterruptible
        // run that holds back checkpoints. The embedded runtime likewise checks at "now".
        long watermark = timers.currentWatermark();
        long now = watermark == Long.MAX_VALUE ? timer.getTimestamp() : Math.max(timer.getTimestamp(), watermark);
        if (p.profile.nextCheck() <= now) {
            EngineStep step = engine.advance(p.profile, now);
            p.unsaved = true;
            if (!step.transitions().isEmpty()) {
                changed(p, step.fold(), Math.max(now, p.profile.clock()));
            }
        }
        schedule(p);
        evictIfFull();
    }

    @Override
    public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) {
        // none are registered
    }

    // ---- live profiles ----

    /** The key's live profile (the current key must be {@code id}), read from state if it is not in memory. */
    private LiveProfile load(String id) throws Exception {
        LiveProfile p = live.get(id);
        if (p != null) {
            return p;
        }
        p = new LiveProfile(id);
        byte[] bytes = stored.value();
        if (bytes != null) {
            StoredProfile s = StoredProfile.fromBytes(bytes);
            p.profile = codec.decode(s.profile());
            p.identifiers = s.identifiers();
            // the invariant kept by schedule(): a stored profile has its timer at its nextCheck
            p.timer = p.profile.nextCheck();
        }
        live.put(id, p);
        return p;
    }

    private void changed(LiveProfile p, UpdateResult step, long at) {
        p.unsaved = true;
        p.unpublished = true;
        p.renderAt = Math.max(p.renderAt, at);
        p.changed(step.changes(), at);
        for (SegmentTransition t : step.transitions()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("profileId", t.profileId());
            body.put("segment", t.segment());
            body.put("entered", t.entered());
            body.put("time", Instant.ofEpochMilli(t.time()));
            body.put("cause", t.cause());
            output.collect(TRANSITIONS, new StreamRecord<>(new KeyedJson(t.profileId(), Json.bytes(body))));
        }
        if (p.changes.size() > MAX_PENDING_CHANGES) {
            publishChanges(p);
        }
    }

    /** Keeps one live timer per key, at the profile's next check. */
    private void schedule(LiveProfile p) {
        long next = p.profile.nextCheck();
        if (next == p.timer) {
            return;
        }
        unschedule(p);
        // At the end of a bounded input the watermark jumps to the end of time; re-arming there would
        // chase every future check of every profile, so the last checks wait for a reader's "now".
        if (next != Long.MAX_VALUE && timers.currentWatermark() != Long.MAX_VALUE) {
            timers.registerEventTimeTimer(VoidNamespace.INSTANCE, next);
            p.timer = next;
        }
    }

    private void unschedule(LiveProfile p) {
        if (p.timer != Long.MAX_VALUE) {
            timers.deleteEventTimeTimer(VoidNamespace.INSTANCE, p.timer);
            p.timer = Long.MAX_VALUE;
        }
    }

    private void evictIfFull() throws Exception {
        if (live.size() <= LIVE_PROFILES) {
            return;
        }
        Object current = getCurrentKey();
        Iterator<LiveProfile> eldest = live.values().iterator();
        while (live.size() > LIVE_PROFILES * 9 / 10) {
            LiveProfile p = eldest.next();
            if (awaitingKeys.contains(p.id)) {
                continue; // kept until its merge completes; few at a time
            }
            setCurrentKey(p.id);
            writeOut(p);
            eldest.remove();
        }
        setCurrentKey(current);
    }

    // ---- checkpoints: save and publish once ----

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() throws Exception {
        if (live == null || live.isEmpty()) {
            return;
        }
        Object current = getCurrentKey();
        for (LiveProfile p : live.values()) {
            if (p.unsaved || p.unpublished || !p.changes.isEmpty()) {
                setCurrentKey(p.id);
                writeOut(p);
            }
        }
        // Retired profiles hold nothing worth keeping in memory.
        live.values().removeIf(p -> p.profile == null && !awaitingKeys.contains(p.id));
        if (current != null) {
            setCurrentKey(current);
        }
    }

    /** Saves and publishes whatever of {@code p} is behind; the current key must be {@code p.id}. */
    private void writeOut(LiveProfile p) throws Exception {
        byte[] bytes = p.profile == null || !(p.unsaved || p.unpublished) ? null : codec.encode(p.profile);
        if (p.unsaved) {
            if (p.profile == null) {
                stored.clear();
            } else {
                stored.update(new StoredProfile(p.identifiers, bytes).toBytes());
            }
            p.unsaved = false;
        }
        if (p.unpublished) {
            if (p.profile == null) {
                output.collect(new StreamRecord<>(new ProfileRecord(p.id, null, null, null)));
            } else {
                long now = Math.max(p.renderAt, p.profile.clock());
                ProfileView view = ProfileView.of(p.profile, AttachedIdentifiers.decode(p.identifiers), updater, now);
                output.collect(new StreamRecord<>(new ProfileRecord(p.id, Json.bytes(view.toJson()), bytes, p.identifiers)));
            }
            published.inc();
            p.unpublished = false;
        }
        publishChanges(p);
    }

    /** A profile's pending changes as one record: {@code {profileId, changes: [{time, field, old, new, cause}]}}. */
    private void publishChanges(LiveProfile p) {
        if (p.changes.isEmpty()) {
            return;
        }
        List<Map<String, Object>> list = new ArrayList<>(p.changes.size());
        for (int i = 0; i < p.changes.size(); i++) {
            Change c = p.changes.get(i);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("time", Instant.ofEpochMilli(p.changeTimes.get(i)));
            body.put("field", c.field());
            body.put("old", c.oldValue());
            body.put("new", c.newValue());
            body.put("cause", c.messageId());
            list.add(body);
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("profileId", p.id);
        record.put("changes", list);
        output.collect(CHANGES, new StreamRecord<>(new KeyedJson(p.id, Json.bytes(record))));
        p.changes.clear();
        p.changeTimes.clear();
    }

    // ---- the losers a winner waits for ----

    private static List<String> decodeLosers(byte[] bytes) {
        List<String> out = new ArrayList<>();
        if (bytes != null) {
            BinaryIn in = new BinaryIn(bytes);
            int n = in.readVarInt();
            for (int i = 0; i < n; i++) {
                out.add(in.readString());
            }
        }
        return out;
    }

    private static byte[] encodeLosers(List<String> losers) {
        BinaryOut out = new BinaryOut(16 * losers.size() + 4);
        out.writeVarInt(losers.size());
        for (String l : losers) {
            out.writeString(l);
        }
        return out.toByteArray();
    }
}
