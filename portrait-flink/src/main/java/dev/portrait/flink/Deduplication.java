package dev.portrait.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Keyed by messageId: the first event with an id passes, later ones are counted as duplicates (as the
 * embedded runtime counts them). The memory of an id lasts the dedup window (state TTL, which Flink
 * measures in processing time, like the embedded dedup index's purge).
 */
final class Deduplication extends KeyedProcessFunction<String, LoggedEvent, LoggedEvent> {
    private static final long serialVersionUID = 1L;

    private final Duration window;
    private transient ValueState<Boolean> seen;
    private transient Counter duplicates;

    Deduplication(Duration window) {
        this.window = window;
    }

    @Override
    public void open(OpenContext context) {
        ValueStateDescriptor<Boolean> d = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
        d.enableTimeToLive(StateTtlConfig.newBuilder(window)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        seen = getRuntimeContext().getState(d);
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicates");
    }

    @Override
    public void processElement(LoggedEvent e, Context ctx, Collector<LoggedEvent> out) throws Exception {
        if (seen.value() != null) {
            duplicates.inc();
            return;
        }
        seen.update(Boolean.TRUE);
        out.collect(e);
    }
}
