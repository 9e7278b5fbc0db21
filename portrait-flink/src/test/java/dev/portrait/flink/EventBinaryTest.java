package dev.portrait.flink;

import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventCodec;
import dev.portrait.synth.SyntheticConfig;
import dev.portrait.synth.SyntheticEvent;
import dev.portrait.synth.SyntheticStream;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventBinaryTest {
    @Test
    void everyCleanedSyntheticEventReadsBackAsTheEventItsJsonDecodesTo() {
        long seed = 20261203L;
        Cleaner cleaner = new Cleaner(DefinitionLoader.defaultEcommerce());
        Iterator<SyntheticEvent> stream = SyntheticStream.of(SyntheticConfig.defaults(seed).withUsers(200)
                .withStart(Instant.parse("2026-11-01T00:00:00Z"))).limit(3_000);
        int compared = 0;
        while (stream.hasNext()) {
            if (cleaner.clean(stream.next().toJsonLine(), Instant.parse("2026-11-05T00:00:00Z"))
                    instanceof CleanResult.Accepted a) {
                Event e = a.event();
                Event viaJson = EventCodec.decode(EventCodec.encode(e));
                Event viaBinary = EventBinary.decode(EventBinary.encode(e));
                assertThat(viaBinary).as("seed %d, event %s", seed, e.messageId()).isEqualTo(viaJson);
                assertThat(EventCodec.encode(viaBinary)).as("seed %d", seed).isEqualTo(EventCodec.encode(e));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(2_500);
    }

    @Test
    void nestedValuesKeepTheirJsonTypes() {
        Event e = EventCodec.decode(("{\"type\":\"track\",\"event\":\"Order Completed\",\"messageId\":\"m-1\","
                + "\"userId\":\"u-1\",\"timestamp\":\"2026-11-01T10:00:00Z\",\"properties\":{\"total\":12.5,"
                + "\"quantity\":3,\"gift\":false,\"coupon\":null,\"products\":[{\"id\":\"p-1\",\"tags\":[\"a\",1]}]},"
                + "\"integrations\":{\"All\":true}}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Event back = EventBinary.decode(EventBinary.encode(e));
        assertThat(back).isEqualTo(e);
        assertThat(back.properties().get("quantity")).isInstanceOf(Long.class);
        assertThat(back.properties().get("total")).isInstanceOf(Double.class);
        assertThat(((List<?>) back.properties().get("products")).get(0)).isInstanceOf(Map.class);
        assertThat(back.extra()).containsKey("integrations");
    }

    @Test
    void aFormFromAnotherVersionIsRefusedByName() {
        byte[] bytes = EventBinary.encode(EventCodec.decode(("{\"type\":\"identify\",\"messageId\":\"m-2\","
                + "\"userId\":\"u-2\",\"timestamp\":\"2026-11-01T10:00:00Z\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        bytes[0] = 9;
        assertThatThrownBy(() -> EventBinary.decode(bytes)).hasMessageContaining("event");
    }
}
