package dev.portrait.flink;

import dev.portrait.core.event.EventCodec;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The identity operator on Flink's operator test harness: event-time order on the watermark, and the
 * heap working set (waiting events, index caches) surviving checkpoints and restores exactly.
 */
class IdentityResolutionTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    @Test
    void aWatermarkReleasesTheEventsItPassedInTimeOrderTiesInLogOrder() throws Exception {
        try (var h = harness(IdentityResolution.CACHED_ENTRIES, IdentityResolution.MAX_UNSAVED)) {
            h.open();
            h.processElement(event("m-3", "u-1", null, 3_000, 0, 7));
            h.processElement(event("m-2", "u-1", null, 2_000, 1, 1));
            h.processElement(event("m-2b", "u-1", null, 2_000, 0, 9));
            h.processElement(event("m-5", "u-1", null, 5_000, 0, 8));
            assertThat(applied(h)).as("nothing before the watermark").isEmpty();
            h.processWatermark(new Watermark(T0.toEpochMilli() + 3_000));
            assertThat(applied(h)).containsExactly("m-2b", "m-2", "m-3");
            h.processWatermark(new Watermark(T0.toEpochMilli() + 10_000));
            assertThat(applied(h)).containsExactly("m-2b", "m-2", "m-3", "m-5");
        }
    }

    @Test
    void anEventTheWatermarkHasPassedIsQuarantinedAsTooLate() throws Exception {
        try (var h = harness(IdentityResolution.CACHED_ENTRIES, IdentityResolution.MAX_UNSAVED)) {
            h.open();
            h.processWatermark(new Watermark(T0.toEpochMilli() + 5_000));
            h.processElement(event("m-1", "u-1", null, 5_000, 0, 1));
            h.processElement(event("m-2", "u-1", null, 5_001, 0, 2));
            assertThat(h.getSideOutput(IdentityResolution.QUARANTINE)).hasSize(1);
            assertThat(h.getSideOutput(IdentityResolution.QUARANTINE).peek().getValue().code)
                    .isEqualTo(Quarantined.TOO_LATE);
        }
    }

    @Test
    void afterARestoreTheWaitingEventsComeFromStateAndEventsBeforeTheLastReleasedOneAreTooLate() throws Exception {
        OperatorSubtaskState snapshot;
        String firstProfile;
        try (var h = harness(IdentityResolution.CACHED_ENTRIES, IdentityResolution.MAX_UNSAVED)) {
            h.open();
            h.processElement(event("m-1", "u-1", "a-1", 1_000, 0, 1));
            h.processElement(event("m-2", "u-2", null, 4_000, 0, 2));
            h.processWatermark(new Watermark(T0.toEpochMilli() + 2_000));
            assertThat(applied(h)).containsExactly("m-1");
            firstProfile = instructions(h).get(0).target;
            h.prepareSnapshotPreBarrier(1);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(IdentityResolution.CACHED_ENTRIES, IdentityResolution.MAX_UNSAVED)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(event("m-0", "u-9", null, 900, 0, 3));
            h.processElement(event("m-3", null, "a-1", 3_000, 0, 4));
            h.processWatermark(new Watermark(T0.toEpochMilli() + 10_000));
            assertThat(applied(h)).as("m-2 waited in state; m-0 is before m-1, resolved before the checkpoint")
                    .containsExactly("m-3", "m-2");
            assertThat(h.getSideOutput(IdentityResolution.QUARANTINE)).hasSize(1);
            List<Instruction> out = instructions(h);
            assertThat(out.get(0).target).as("a-1 was attached to u-1's profile before the checkpoint")
                    .isEqualTo(firstProfile);
        }
    }

    @Test
    void aSavepointOfThePreviousLayoutOneEntryPerEventTimeIsTakenOver() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new PreviousLayout(), e -> IdentityResolution.KEY,
                Types.BYTE, 1, 1, 0)) {
            h.open();
            h.processElement(event("m-2", "u-1", null, 2_000, 0, 2));
            h.processElement(event("m-1", "u-1", null, 1_000, 0, 1));
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(IdentityResolution.CACHED_ENTRIES, IdentityResolution.MAX_UNSAVED)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(event("m-3", "u-1", null, 3_000, 0, 3));
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(applied(h)).containsExactly("m-1", "m-2", "m-3");
        }
    }

    /** What the identity operator's event-time buffer looked like in state before the heap working set. */
    private static final class PreviousLayout extends AbstractStreamOperator<Instruction>
            implements OneInputStreamOperator<LoggedEvent, Instruction> {
        @Override
        public void processElement(StreamRecord<LoggedEvent> record) throws Exception {
            MapState<Long, List<byte[]>> waiting = getPartitionedState(new MapStateDescriptor<>("waiting", Types.LONG,
                    Types.LIST(PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO)));
            List<byte[]> at = waiting.get(record.getValue().time);
            at = at == null ? new ArrayList<>() : new ArrayList<>(at);
            at.add(WaitingEvents.encode(record.getValue()));
            waiting.put(record.getValue().time, at);
        }
    }

    /**
     * A seeded stream of events with merges, out of order, through one uninterrupted operator with large
     * caches and through one with caches of a few entries that checkpoints and restarts from the
     * checkpoint at random points: the instructions after each restore are the uninterrupted run's.
     */
    @Test
    void restoresAndTinyCachesChangeNoInstruction() throws Exception {
        for (long seed = 1; seed <= 20; seed++) {
            List<Object> stream = stream(new Random(seed));
            List<String> expected = render(run(stream, IdentityResolution.CACHED_ENTRIES, IdentityResolution.MAX_UNSAVED,
                    new Random(seed), false));
            List<String> actual = render(run(stream, 3, 4, new Random(seed), true));
            assertThat(actual).as("seed %d", seed).isEqualTo(expected);
            assertThat(expected).as("seed %d resolves its events", seed).hasSizeGreaterThan(100);
        }
    }

    // ---- helpers ----

    /** Events (as records) and watermarks in arrival order: times jitter up to 3 s behind a rising clock. */
    private static List<Object> stream(Random random) {
        List<Object> out = new ArrayList<>();
        long clock = 10_000;
        for (int i = 0; i < 300; i++) {
            clock += random.nextInt(300);
            long time = clock - random.nextInt(3_000);
            String user = random.nextInt(3) == 0 ? null : "u-" + random.nextInt(25);
            String anonymous = user != null && random.nextInt(2) == 0 ? null : "a-" + random.nextInt(40);
            out.add(event("m-" + i, user, anonymous, time, random.nextInt(2), i));
            if (random.nextInt(10) == 0) {
                // behind every later event's time, so no event is too late (a restore forgets the watermark)
                out.add(new Watermark(T0.toEpochMilli() + clock - 3_000));
            }
        }
        out.add(new Watermark(Long.MAX_VALUE));
        return out;
    }

    /** Runs the stream; with {@code restarts}, a checkpoint and a restore from it after random elements. */
    private static List<Instruction> run(List<Object> stream, int cached, int maxUnsaved, Random random, boolean restarts)
            throws Exception {
        List<Instruction> out = new ArrayList<>();
        KeyedOneInputStreamOperatorTestHarness<Byte, LoggedEvent, Instruction> h = harness(cached, maxUnsaved);
        h.open();
        long checkpoint = 0;
        try {
            for (Object o : stream) {
                if (o instanceof Watermark w) {
                    h.processWatermark(w);
                } else {
                    @SuppressWarnings("unchecked")
                    StreamRecord<LoggedEvent> r = (StreamRecord<LoggedEvent>) o;
                    h.processElement(new StreamRecord<>(r.getValue(), r.getTimestamp()));
                }
                if (restarts && random.nextInt(25) == 0) {
                    checkpoint++;
                    h.prepareSnapshotPreBarrier(checkpoint);
                    OperatorSubtaskState snapshot = h.snapshot(checkpoint, checkpoint);
                    out.addAll(instructions(h));
                    h.close();
                    h = harness(cached, maxUnsaved);
                    h.initializeState(snapshot);
                    h.open();
                }
            }
            out.addAll(instructions(h));
        } finally {
            h.close();
        }
        return out;
    }

    private static List<String> render(List<Instruction> instructions) {
        List<String> out = new ArrayList<>();
        for (Instruction i : instructions) {
            out.add(i.kind + " " + i.target + " " + i.other + " " + i.time + " "
                    + (i.identifiers == null ? "-" : Base64.getEncoder().encodeToString(i.identifiers))
                    + " " + (i.event == null ? "-" : EventBinary.decode(i.event).messageId()));
        }
        return out;
    }

    private static KeyedOneInputStreamOperatorTestHarness<Byte, LoggedEvent, Instruction> harness(int cached, int maxUnsaved)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new IdentityResolution(null, Duration.ofSeconds(10), null, cached, maxUnsaved),
                e -> IdentityResolution.KEY, Types.BYTE, 1, 1, 0);
    }

    private static StreamRecord<LoggedEvent> event(String messageId, String userId, String anonymousId, long offsetMillis,
                                                   int partition, long offset) {
        Instant at = T0.plusMillis(offsetMillis);
        String json = "{\"type\":\"track\",\"event\":\"Product Viewed\",\"messageId\":\"" + messageId + "\""
                + (userId == null ? "" : ",\"userId\":\"" + userId + "\"")
                + (anonymousId == null ? "" : ",\"anonymousId\":\"" + anonymousId + "\"")
                + ",\"timestamp\":\"" + at + "\",\"properties\":{\"product_id\":\"p-1\"}}";
        byte[] event = EventBinary.encode(EventCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
        return new StreamRecord<>(new LoggedEvent(messageId, at.toEpochMilli(), partition, offset, at.toEpochMilli(), event),
                at.toEpochMilli());
    }

    private static List<Instruction> instructions(KeyedOneInputStreamOperatorTestHarness<Byte, LoggedEvent, Instruction> h) {
        List<Instruction> out = new ArrayList<>();
        for (Object o : h.getOutput()) {
            if (o instanceof StreamRecord<?> r && r.getValue() instanceof Instruction i) {
                out.add(i);
            }
        }
        return out;
    }

    private static List<String> applied(KeyedOneInputStreamOperatorTestHarness<Byte, LoggedEvent, Instruction> h) {
        List<String> out = new ArrayList<>();
        for (Instruction i : instructions(h)) {
            if (i.kind == Instruction.APPLY) {
                out.add(EventBinary.decode(i.event).messageId());
            }
        }
        return out;
    }
}
