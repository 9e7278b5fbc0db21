package dev.portrait.flink;

import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.event.Event;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Instant;

/** The core's {@link Cleaner} on each record; rejections go to the quarantine output with their reason. */
final class Cleaning extends ProcessFunction<IncomingEvent, LoggedEvent> {
    private static final long serialVersionUID = 1L;
    static final OutputTag<Quarantined> QUARANTINE = new OutputTag<>("quarantine") { };

    private final String definitionYaml;
    private transient Cleaner cleaner;
    private transient Counter rejected;

    Cleaning(String definitionYaml) {
        this.definitionYaml = definitionYaml;
    }

    @Override
    public void open(OpenContext context) {
        cleaner = new Cleaner(Definitions.parse(definitionYaml));
        rejected = getRuntimeContext().getMetricGroup().counter("quarantined");
    }

    @Override
    public void processElement(IncomingEvent in, Context ctx, Collector<LoggedEvent> out) {
        CleanResult r = cleaner.clean(in.json, Instant.ofEpochMilli(in.receivedAt));
        if (r instanceof CleanResult.Accepted a) {
            Event e = a.event();
            out.collect(new LoggedEvent(e.messageId(), e.time(), in.partition, in.offset, in.receivedAt,
                    EventBinary.encode(e)));
        } else {
            CleanResult.Rejected no = (CleanResult.Rejected) r;
            rejected.inc();
            ctx.output(QUARANTINE, new Quarantined(no.code(), no.message(), no.path(), in.receivedAt, in.json));
        }
    }
}
