package dev.portrait.flink;

import dev.portrait.core.event.Event;
import dev.portrait.core.identity.IdentityGraph;
import dev.portrait.core.identity.IdentityMerge;
import dev.portrait.core.identity.Resolution;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.time.Instant;

/**
 * The identity operator: puts events in event-time order and resolves each with the core's
 * {@link IdentityGraph}, turning the graph's answer into instructions for the profile operator.
 *
 * <p><b>One instance, one key.</b> An event carrying a userId and an anonymousId touches two
 * identifiers, and the graph's decision (attach, merge, refuse over a cap) reads both and the
 * profiles behind them. Keyed by identifier, those reads would cross keys and subtasks, and two
 * events racing on different subtasks could both create a profile for the same person. So the
 * operator runs at parallelism 1 under a constant key, holding the graph's indexes in keyed map
 * state (RocksDB, checkpointed). The fold, which costs the most, runs after it at full parallelism.
 * docs/ARCHITECTURE.md ("Scale-out") has the reasoning and the way past this limit.
 *
 * <p><b>Event-time order.</b> Each event waits until the watermark (the latest event time seen minus
 * the allowed lateness) passes it; each watermark then releases the events at or before it in time
 * order, ties by log position, before the watermark itself moves on. An event that arrives after the
 * watermark has passed its time is quarantined as {@code too_late}, never dropped.
 *
 * <p><b>Why an operator and not a process function.</b> Since this operator is one thread for the
 * whole job, it keeps its working set on the heap and touches state once per checkpoint, like the
 * profile operator: the waiting events ({@link WaitingEvents}) and the indexes' changed entries
 * ({@link FlinkIdentityStore}) are written in {@link #prepareSnapshotPreBarrier}, which a process
 * function has no hook for, and the watermark itself releases events (no timer per event time, so no
 * timer state). At every checkpoint state holds the whole working set; a restore rebuilds the waiting
 * events from state and reads the indexes through again.
 */
final class IdentityResolution extends AbstractStreamOperator<Instruction>
        implements OneInputStreamOperator<LoggedEvent, Instruction> {
    private static final long serialVersionUID = 2L;
    static final OutputTag<Quarantined> QUARANTINE = new OutputTag<>("identity-quarantine") { };
    /** The operator's one key (the job keys its input by this constant). */
    static final Byte KEY = 0;
    /** Owners and profiles the index caches keep each; about 100–300 bytes an entry on the heap. */
    static final int CACHED_ENTRIES = 200_000;
    /** Changed index entries held before they are written ahead of the next checkpoint. */
    static final int MAX_UNSAVED = 100_000;

    private final String definitionYaml;
    private final Duration lateness;
    /** The profile id secret's text (null: the public test key); a String so the function serialises. */
    private final String profileIdSecret;
    private final int cachedEntries;
    private final int maxUnsaved;
    private transient WaitingEvents waiting;
    private transient ValueState<Long> releasedState;
    /** The time of the last event resolved: nothing at or before it may be resolved any more. */
    private transient long released;
    private transient long watermark;
    private transient FlinkIdentityStore identities;
    private transient IdentityGraph graph;
    private transient Counter late;
    private transient Counter merges;

    IdentityResolution(String definitionYaml, Duration lateness, String profileIdSecret) {
        this(definitionYaml, lateness, profileIdSecret, CACHED_ENTRIES, MAX_UNSAVED);
    }

    /** With the index cache's bounds (tests make them small, so that eviction and early saves happen). */
    IdentityResolution(String definitionYaml, Duration lateness, String profileIdSecret, int cachedEntries, int maxUnsaved) {
        this.definitionYaml = definitionYaml;
        this.lateness = lateness;
        this.profileIdSecret = profileIdSecret;
        this.cachedEntries = cachedEntries;
        this.maxUnsaved = maxUnsaved;
    }

    @Override
    public void open() throws Exception {
        super.open();
        setCurrentKey(KEY);
        waiting = new WaitingEvents(getPartitionedState(new MapStateDescriptor<>("waiting-by-second", Types.LONG,
                Types.LIST(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO))));
        waiting.restore();
        // A savepoint taken before this layout kept one entry per event time under "waiting".
        waiting.adopt(getPartitionedState(new MapStateDescriptor<>("waiting", Types.LONG,
                Types.LIST(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO))));
        releasedState = getPartitionedState(new ValueStateDescriptor<>("released", Types.LONG));
        Long r = releasedState.value();
        released = r == null ? Long.MIN_VALUE : r;
        watermark = Long.MIN_VALUE;
        identities = new FlinkIdentityStore(
                getPartitionedState(new MapStateDescriptor<>("owners", Types.STRING, Types.STRING)),
                getPartitionedState(new MapStateDescriptor<>("profiles", Types.STRING,
                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)),
                cachedEntries, maxUnsaved);
        graph = new dev.portrait.core.engine.ProfileEngine(Definitions.parse(definitionYaml),
                dev.portrait.core.profile.ProfileUpdater.ChangeTracking.OFF,
                profileIdSecret == null ? dev.portrait.core.identity.ProfileIdKey.publicTestKey()
                        : dev.portrait.core.identity.ProfileIdKey.ofText(profileIdSecret)).identityGraph(identities);
        late = getMetricGroup().counter("tooLate");
        merges = getMetricGroup().counter("merges");
        getMetricGroup().gauge("waiting", () -> waiting.size());
    }

    @Override
    public void processElement(StreamRecord<LoggedEvent> record) {
        LoggedEvent e = record.getValue();
        // Late: the watermark has passed it, or events at or after its time have already been resolved
        // (the second also holds after a restore, before the first watermark arrives).
        long passed = Math.max(watermark, released);
        if (e.time <= passed) {
            late.inc();
            output.collect(QUARANTINE, new StreamRecord<>(new Quarantined(Quarantined.TOO_LATE, "$.timestamp: event time "
                    + Instant.ofEpochMilli(e.time) + " arrived after the stream had passed "
                    + Instant.ofEpochMilli(passed) + " (allowed lateness " + lateness + ")", "timestamp",
                    e.receivedAt, e.event), e.time));
            return;
        }
        waiting.add(e);
    }

    /** Resolves every event the watermark has passed, then lets the watermark through. */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        long w = mark.getTimestamp();
        if (w > watermark) {
            watermark = w;
            setCurrentKey(KEY); // after a restore no element may have set it yet
            for (LoggedEvent e : waiting.releaseUpTo(w)) {
                resolve(e);
                released = e.time;
            }
        }
        super.processWatermark(mark);
    }

    private void resolve(LoggedEvent logged) {
        Event event = EventBinary.decode(logged.event);
        Resolution r = graph.resolve(event);
        if (r.profileId() == null) {
            // Cleaning keeps events without a usable identifier out; one that gets past it (an identity
            // rule stricter than cleaning) is quarantined so that nothing vanishes unseen.
            output.collect(QUARANTINE, new StreamRecord<>(new Quarantined("unattributed", "$: no identifier of the event "
                    + "names a profile: " + r.notices(), "$", logged.receivedAt, logged.event), logged.time));
            return;
        }
        for (IdentityMerge m : r.merges()) {
            merges.inc();
            output.collect(new StreamRecord<>(Instruction.retire(m.loser(), m.winner(), event.time()), logged.time));
            output.collect(new StreamRecord<>(Instruction.expect(m.winner(), m.loser(), event.time()), logged.time));
        }
        output.collect(new StreamRecord<>(Instruction.apply(r.profileId(), logged.event,
                identities.encodedIdentifiersOf(r.profileId()), event.time()), logged.time));
    }

    // ---- checkpoints: the heap's changes reach state once, before the barrier ----

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        super.prepareSnapshotPreBarrier(checkpointId);
        save();
    }

    @Override
    public void finish() throws Exception {
        save();
        super.finish();
    }

    private void save() throws Exception {
        if (waiting == null) {
            return;
        }
        setCurrentKey(KEY);
        waiting.save();
        identities.save();
        releasedState.update(released);
    }
}
