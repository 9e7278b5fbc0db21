package dev.portrait.flink;

import dev.portrait.core.engine.EngineStep;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.profile.Change;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.core.profile.UpdateResult;
import dev.portrait.core.segment.SegmentTransition;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The profile operator, keyed by profile id: folds each event with the core's
 * {@link ProfileEngine} (features, segments and models), carries out identity merges, and runs the
 * {@code nextChange} timers on event time. Keyed state (RocksDB) holds the profile's binary form and its identifiers.
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
final class ProfileFolding extends KeyedCoProcessFunction<String, Instruction, Transfer, ProfileRecord> {
    private static final long serialVersionUID = 1L;
    static final OutputTag<KeyedJson> CHANGES = new OutputTag<>("changes") { };
    static final OutputTag<KeyedJson> TRANSITIONS = new OutputTag<>("transitions") { };
    static final OutputTag<Transfer> TRANSFERS = new OutputTag<>("transfers") { };

    private final String definitionYaml;
    private transient ProfileEngine engine;
    private transient ProfileUpdater updater;
    private transient ProfileCodec codec;
    private transient ValueState<byte[]> profile;
    private transient ValueState<byte[]> identifiers;
    private transient MapState<String, Boolean> awaiting;
    private transient ListState<Instruction> held;
    private transient Counter folded;

    ProfileFolding(String definitionYaml) {
        this.definitionYaml = definitionYaml;
    }

    @Override
    public void open(OpenContext context) {
        engine = new ProfileEngine(Definitions.parse(definitionYaml), ProfileUpdater.ChangeTracking.ON); // the changes topic
        updater = engine.updater();
        codec = engine.codec();
        profile = getRuntimeContext().getState(new ValueStateDescriptor<>("profile", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        identifiers = getRuntimeContext().getState(new ValueStateDescriptor<>("identifiers",
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        awaiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("awaiting", Types.STRING, Types.BOOLEAN));
        held = getRuntimeContext().getListState(new ListStateDescriptor<>("held", TypeInformation.of(Instruction.class)));
        folded = getRuntimeContext().getMetricGroup().counter("folded");
    }

    @Override
    public void processElement1(Instruction in, Context ctx, Collector<ProfileRecord> out) throws Exception {
        if (!awaiting.isEmpty()) {
            held.add(in);
            return;
        }
        handle(in, ctx, out);
    }

    @Override
    public void processElement2(Transfer t, Context ctx, Collector<ProfileRecord> out) throws Exception {
        awaiting.remove(t.loser);
        byte[] mine = profile.value();
        if (mine != null && t.profile != null) {
            UpdateResult merged = engine.absorb(codec.decode(mine), codec.decode(t.profile)).fold();
            save(merged.profile(), ctx);
            emit(merged, merged.profile().clock(), ctx, out);
        }
        if (!awaiting.isEmpty()) {
            return;
        }
        List<Instruction> backlog = new ArrayList<>();
        for (Instruction i : held.get()) {
            backlog.add(i);
        }
        held.clear();
        for (int i = 0; i < backlog.size(); i++) {
            if (!awaiting.isEmpty()) {
                held.addAll(backlog.subList(i, backlog.size()));
                return;
            }
            handle(backlog.get(i), ctx, out);
        }
        byte[] now = profile.value();
        if (now != null) {
            schedule(codec.decode(now), ctx);
        }
    }

    private void handle(Instruction in, Context ctx, Collector<ProfileRecord> out) throws Exception {
        switch (in.kind) {
            case Instruction.APPLY -> {
                byte[] bytes = profile.value();
                Profile p = bytes == null ? updater.newProfile(in.target) : codec.decode(bytes);
                UpdateResult u = engine.fold(p, EventCodec.decode(in.event)).fold();
                identifiers.update(in.identifiers);
                save(p, ctx);
                folded.inc();
                emit(u, p.clock(), ctx, out);
            }
            case Instruction.EXPECT -> awaiting.put(in.other, Boolean.TRUE);
            case Instruction.RETIRE -> {
                ctx.output(TRANSFERS, new Transfer(in.other, in.target, profile.value()));
                profile.clear();
                identifiers.clear();
                out.collect(new ProfileRecord(in.target, null, null, null));
            }
            default -> throw new IllegalStateException("unknown instruction kind " + in.kind);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ProfileRecord> out) throws Exception {
        byte[] bytes = profile.value();
        if (bytes == null || !awaiting.isEmpty()) {
            return; // retired, or a merge is in flight: the drain reschedules
        }
        // Check at the watermark, not at each check time it has passed: after a jump (a replay, an idle
        // stretch) a profile would otherwise fire once per tile boundary in between, in one uninterruptible
        // run that holds back checkpoints. The embedded runtime likewise checks at "now".
        long watermark = ctx.timerService().currentWatermark();
        long now = watermark == Long.MAX_VALUE ? timestamp : Math.max(timestamp, watermark);
        Profile p = codec.decode(bytes);
        if (p.nextCheck() > now) {
            schedule(p, ctx);
            return;
        }
        UpdateResult u = engine.advance(p, now).fold();
        profile.update(codec.encode(p));
        if (!u.transitions().isEmpty()) {
            emit(u, Math.max(now, p.clock()), ctx, out);
        }
        schedule(p, ctx);
    }

    private void save(Profile p, Context ctx) throws Exception {
        profile.update(codec.encode(p));
        schedule(p, ctx);
    }

    private void schedule(Profile p, Context ctx) {
        long watermark = ctx.timerService().currentWatermark();
        // At the end of a bounded input the watermark jumps to the end of time; re-arming there would
        // chase every future check of every profile, so the last checks wait for a reader's "now".
        if (p.nextCheck() != Long.MAX_VALUE && watermark != Long.MAX_VALUE) {
            ctx.timerService().registerEventTimeTimer(p.nextCheck());
        }
    }

    private void emit(UpdateResult u, long now, Context ctx, Collector<ProfileRecord> out) throws Exception {
        Profile p = u.profile();
        byte[] ids = identifiers.value();
        ProfileView view = ProfileView.of(p, AttachedIdentifiers.decode(ids), updater, now);
        out.collect(new ProfileRecord(p.profileId(), Json.bytes(view.toJson()), codec.encode(p), ids));
        for (Change c : u.changes()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("profileId", p.profileId());
            body.put("time", Instant.ofEpochMilli(now));
            body.put("field", c.field());
            body.put("old", c.oldValue());
            body.put("new", c.newValue());
            body.put("cause", c.messageId());
            ctx.output(CHANGES, new KeyedJson(p.profileId(), Json.bytes(body)));
        }
        for (SegmentTransition t : u.transitions()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("profileId", t.profileId());
            body.put("segment", t.segment());
            body.put("entered", t.entered());
            body.put("time", Instant.ofEpochMilli(t.time()));
            body.put("cause", t.cause());
            ctx.output(TRANSITIONS, new KeyedJson(t.profileId(), Json.bytes(body)));
        }
    }
}
