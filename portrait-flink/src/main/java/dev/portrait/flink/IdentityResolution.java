package dev.portrait.flink;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.IdentityGraph;
import dev.portrait.core.identity.IdentityMerge;
import dev.portrait.core.identity.Resolution;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The identity operator: puts events in event-time order and resolves each with the core's
 * {@link IdentityGraph}, turning the graph's answer into instructions for the profile operator.
 *
 * <p><b>One instance, one key.</b> An event carrying a userId and an anonymousId touches two
 * identifiers, and the graph's decision (attach, merge, refuse over a cap) reads both and the
 * profiles behind them. Keyed by identifier, those reads would cross keys and subtasks, and two
 * events racing on different subtasks could both create a profile for the same person. So the
 * operator runs at parallelism 1 under a constant key, holding the graph's indexes in keyed map
 * state (RocksDB, checkpointed). Its work per event is a few state lookups; the fold, which costs
 * the most, runs after it at full parallelism. docs/ARCHITECTURE.md ("Scale-out") has the
 * reasoning and the way past this limit.
 *
 * <p><b>Event-time order.</b> Each event waits in state until the watermark (the latest event time
 * seen minus the allowed lateness) passes it; timers then release events in time order, ties by
 * log position. An event that arrives after the watermark has passed its time is quarantined as
 * {@code too_late}, never dropped.
 */
final class IdentityResolution extends KeyedProcessFunction<Byte, LoggedEvent, Instruction> {
    private static final long serialVersionUID = 1L;
    static final OutputTag<Quarantined> QUARANTINE = new OutputTag<>("identity-quarantine") { };

    private final String definitionYaml;
    private final Duration lateness;
    /** The profile id secret's text (null: the public test key); a String so the function serialises. */
    private final String profileIdSecret;
    private transient MapState<Long, List<byte[]>> waiting;
    private transient ValueState<Long> released;
    private transient FlinkIdentityStore identities;
    private transient IdentityGraph graph;
    private transient Counter late;
    private transient Counter merges;

    IdentityResolution(String definitionYaml, Duration lateness, String profileIdSecret) {
        this.definitionYaml = definitionYaml;
        this.lateness = lateness;
        this.profileIdSecret = profileIdSecret;
    }

    @Override
    public void open(OpenContext context) {
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting", Types.LONG,
                Types.LIST(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)));
        released = getRuntimeContext().getState(new ValueStateDescriptor<>("released", Types.LONG));
        identities = new FlinkIdentityStore(
                getRuntimeContext().getMapState(new MapStateDescriptor<>("owners", Types.STRING, Types.STRING)),
                getRuntimeContext().getMapState(new MapStateDescriptor<>("profiles", Types.STRING,
                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)));
        graph = new dev.portrait.core.engine.ProfileEngine(Definitions.parse(definitionYaml),
                dev.portrait.core.profile.ProfileUpdater.ChangeTracking.OFF,
                profileIdSecret == null ? dev.portrait.core.identity.ProfileIdKey.publicTestKey()
                        : dev.portrait.core.identity.ProfileIdKey.ofText(profileIdSecret)).identityGraph(identities);
        late = getRuntimeContext().getMetricGroup().counter("tooLate");
        merges = getRuntimeContext().getMetricGroup().counter("merges");
    }

    @Override
    public void processElement(LoggedEvent e, Context ctx, Collector<Instruction> out) throws Exception {
        // Late: the watermark has passed it, or events at or after its time have already been resolved
        // (the second also holds while the operator's inputs are idle and the watermark is not current).
        Long done = released.value();
        long watermark = Math.max(ctx.timerService().currentWatermark(), done == null ? Long.MIN_VALUE : done);
        if (e.time <= watermark) {
            late.inc();
            ctx.output(QUARANTINE, new Quarantined(Quarantined.TOO_LATE, "$.timestamp: event time "
                    + Instant.ofEpochMilli(e.time) + " arrived after the stream had passed "
                    + Instant.ofEpochMilli(watermark) + " (allowed lateness " + lateness + ")", "timestamp",
                    e.receivedAt, e.event));
            return;
        }
        List<byte[]> at = waiting.get(e.time);
        if (at == null) {
            at = new ArrayList<>(1);
            ctx.timerService().registerEventTimeTimer(e.time);
        }
        at.add(encode(e));
        waiting.put(e.time, at);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Instruction> out) throws Exception {
        List<byte[]> at = waiting.get(timestamp);
        if (at == null) {
            return;
        }
        List<LoggedEvent> events = new ArrayList<>(at.size());
        for (byte[] b : at) {
            events.add(decode(b));
        }
        events.sort(Comparator.<LoggedEvent>comparingInt(x -> x.partition).thenComparingLong(x -> x.offset));
        for (LoggedEvent e : events) {
            resolve(e, ctx, out);
        }
        waiting.remove(timestamp);
        released.update(timestamp);
    }

    private void resolve(LoggedEvent logged, OnTimerContext ctx, Collector<Instruction> out) {
        Event event = EventBinary.decode(logged.event);
        Resolution r = graph.resolve(event);
        if (r.profileId() == null) {
            // Cleaning keeps events without a usable identifier out; one that gets past it (an identity
            // rule stricter than cleaning) is quarantined so that nothing vanishes unseen.
            ctx.output(QUARANTINE, new Quarantined("unattributed", "$: no identifier of the event names a "
                    + "profile: " + r.notices(), "$", logged.receivedAt, logged.event));
            return;
        }
        for (IdentityMerge m : r.merges()) {
            merges.inc();
            out.collect(Instruction.retire(m.loser(), m.winner(), event.time()));
            out.collect(Instruction.expect(m.winner(), m.loser(), event.time()));
        }
        out.collect(Instruction.apply(r.profileId(), logged.event, identities.encodedIdentifiersOf(r.profileId()),
                event.time()));
    }

    private static byte[] encode(LoggedEvent e) {
        BinaryOut out = new BinaryOut(64 + e.event.length);
        out.writeString(e.messageId);
        out.writeSignedVarLong(e.time);
        out.writeVarInt(e.partition);
        out.writeVarLong(e.offset);
        out.writeSignedVarLong(e.receivedAt);
        out.writeBytes(e.event);
        return out.toByteArray();
    }

    private static LoggedEvent decode(byte[] bytes) {
        BinaryIn in = new BinaryIn(bytes);
        return new LoggedEvent(in.readString(), in.readSignedVarLong(), in.readVarInt(), in.readVarLong(),
                in.readSignedVarLong(), in.readBytes());
    }
}
