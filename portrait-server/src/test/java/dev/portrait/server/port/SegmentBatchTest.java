package dev.portrait.server.port;

import dev.portrait.core.PortraitException;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.event.OverlongNumber;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentBatchTest {
    private static final SegmentBatch.Limits ROOMY = new SegmentBatch.Limits(100_000, 10_000_000, 1_000);

    private static SegmentBatch read(String body, SegmentBatch.Limits limits) {
        return SegmentBatch.read(body.getBytes(StandardCharsets.UTF_8), limits);
    }

    @Test
    void eachEventIsMeasuredAsItsMergedJsonWrittenCompactly() throws Exception {
        for (long seed = 1; seed <= 500; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Map<String, Object> context = r.nextBoolean() ? entries(r, "c") : null;
            Map<String, Object> integrations = r.nextInt(3) == 0 ? entries(r, "i") : null;
            Object sentAt = r.nextBoolean() ? "2024-05-01T11:59:00Z" : null;
            BatchEnvelope envelope = new BatchEnvelope(context, integrations, sentAt);

            Map<String, Object> event = new LinkedHashMap<>();
            event.put("type", "track");
            if (r.nextBoolean()) {
                event.put("context", r.nextInt(4) == 0 ? new LinkedHashMap<>() : entries(r, "c"));
            }
            if (r.nextInt(4) == 0) {
                event.put("integrations", entries(r, "i"));
            }
            if (r.nextInt(4) == 0) {
                event.put("sentAt", "2024-05-01T11:58:00Z");
            }
            byte[] own = EventCodec.mapper().writeValueAsBytes(event);
            long measured = own.length + envelope.bytesAddedTo(event);
            Map<String, Object> merged = new LinkedHashMap<>(event);
            envelope.applyTo(merged);
            long actual = EventCodec.mapper().writeValueAsBytes(merged).length;
            // exact, but for the comma counted before the first key merged into an event's empty object
            assertThat(measured - actual).as("seed %d: %s with %s, %s, %s", seed, event, context, integrations, sentAt)
                    .isBetween(0L, 2L);
            if (!(event.get("context") instanceof Map<?, ?> m && m.isEmpty())
                    && !(event.get("integrations") instanceof Map<?, ?> n && n.isEmpty())) {
                assertThat(measured).as("seed %d", seed).isEqualTo(actual);
            }
        }
    }

    @Test
    void tooManyEventsIsFoundFirstThenTheStoredTotalThenEachEvent() {
        String context = "{\"blob\":\"" + "z".repeat(500) + "\"}";
        String body = "{\"context\":" + context + ",\"batch\":[{\"a\":1},{\"a\":2},{\"a\":3}]}";
        assertThatThrownBy(() -> read(body, new SegmentBatch.Limits(100, 1_000, 2)))
                .isInstanceOfSatisfying(PortraitException.class, e -> assertThat(e.code()).isEqualTo("too_many_events"));
        assertThatThrownBy(() -> read(body, new SegmentBatch.Limits(100, 1_000, 3)))
                .isInstanceOfSatisfying(PortraitException.class, e -> {
                    assertThat(e.code()).isEqualTo("request_too_large");
                    assertThat(e.getMessage()).contains("3 events come to 1587 bytes");
                });
        List<SegmentBatch.Item> items = read(body, new SegmentBatch.Limits(100, 10_000, 3)).items();
        assertThat(items).hasSize(3).allSatisfy(i -> assertThat(i).isInstanceOf(SegmentBatch.Oversized.class));
        SegmentBatch.Oversized first = (SegmentBatch.Oversized) items.get(0);
        assertThat(first.bytes()).as("{\"a\":1,\"context\":{\"blob\":\"z…\"}}").isEqualTo(529);
        assertThat(first.json()).isEqualTo(Map.of("a", 1L));
        assertThat(new String(first.raw(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    }

    @Test
    void aNumberNoFieldCanHoldStaysInItsItemAndTheBatchIsRead() {
        String digits = "4".repeat(3_000);
        SegmentBatch batch = read("{\"batch\":[{\"n\":1},{\"n\":" + digits + "},{\"n\":99999999999999999999}]}", ROOMY);
        assertThat(batch.items()).hasSize(3).allSatisfy(i -> assertThat(i).isInstanceOf(SegmentBatch.Event.class));
        assertThat(((SegmentBatch.Event) batch.items().get(1)).json().get("n")).isEqualTo(new OverlongNumber(digits));
        assertThat(((SegmentBatch.Event) batch.items().get(2)).json().get("n"))
                .isEqualTo(new BigInteger("99999999999999999999"));
        assertThat(new String(batch.items().get(1).raw(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":" + digits + "}");
    }

    @Test
    void aWriteKeyIsTakenOutOfEveryItemAndItsBytesAndTheBatchsIsReturned() {
        SegmentBatch batch = read("{\"writeKey\":\"wk\",\"batch\":[{\"a\":1,\"writeKey\":\"secret\"}]}", ROOMY);
        assertThat(batch.writeKey()).isEqualTo("wk");
        SegmentBatch.Event e = (SegmentBatch.Event) batch.items().get(0);
        assertThat(e.json()).isEqualTo(Map.of("a", 1L));
        assertThat(new String(e.raw(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
    }

    @Test
    void anItemThatIsNotAnObjectIsReportedWithWhatItIs() {
        SegmentBatch batch = read("{\"batch\":[{\"a\":1}, [1, 2], 7, \"x\"]}", ROOMY);
        assertThat(batch.items()).extracting(SegmentBatch.Item::index).containsExactly(0, 1, 2, 3);
        SegmentBatch.NotAnObject array = (SegmentBatch.NotAnObject) batch.items().get(1);
        assertThat(array.kind()).isEqualTo("an array");
        assertThat(new String(array.raw(), StandardCharsets.UTF_8)).isEqualTo("[1,2]");
        assertThat(((SegmentBatch.NotAnObject) batch.items().get(3)).kind()).isEqualTo("a string");
    }

    @Test
    void aBodyThatIsNoBatchIsRefusedWholeNamingWhere() {
        assertThatThrownBy(() -> read("{\"batch\":[]", ROOMY)).isInstanceOfSatisfying(PortraitException.class,
                e -> assertThat(e.code()).isEqualTo("malformed_json"));
        assertThatThrownBy(() -> read("{\"context\":7,\"batch\":[]}", ROOMY)).isInstanceOfSatisfying(
                PortraitException.class, e -> assertThat(e.path()).isEqualTo("context"));
        assertThatThrownBy(() -> read("{\"events\":[]}", ROOMY)).isInstanceOfSatisfying(PortraitException.class,
                e -> assertThat(e.path()).isEqualTo("batch"));
    }

    private static Map<String, Object> entries(SplittableRandom r, String prefix) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = r.nextInt(0, 5);
        for (int i = 0; i < n; i++) {
            String key = prefix + r.nextInt(6) + (r.nextInt(5) == 0 ? "\"é" : "");
            m.put(key, switch (r.nextInt(4)) {
                case 0 -> "v" + "x".repeat(r.nextInt(20));
                case 1 -> (long) r.nextInt();
                case 2 -> Map.of("nested", List.of(1L, "two", true));
                default -> r.nextDouble();
            });
        }
        return m;
    }
}
