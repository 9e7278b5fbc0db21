package dev.portrait.store.log;

import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventBinaryCodec;
import dev.portrait.core.event.EventType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCompressionTest {
    private static Event event(SplittableRandom r) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("product_id", "sku-" + r.nextInt(100_000));
        props.put("price", r.nextInt(100_000) / 100.0);
        props.put("category", r.nextBoolean() ? "Pet Supplies" : "Video Games");
        Map<String, Object> context = Map.of("library", Map.of("name", "analytics.js", "version", "2.11.1"),
                "userAgent", "Mozilla/5.0 (X11; Linux x86_64) " + r.nextInt(10));
        return new Event(EventType.TRACK, "m-" + r.nextLong(), "u" + r.nextInt(1000), null, "Product Viewed", null,
                null, null, props, Map.of(), context, Instant.ofEpochMilli(1_780_000_000_000L + r.nextInt()), null,
                null, null, Map.of());
    }

    @Test
    void everyCodecGivesBackTheExactBinaryEvent() {
        for (long seed = 1; seed <= 300; seed++) {
            byte[] binary = EventBinaryCodec.encode(event(new SplittableRandom(seed)));
            for (EventCompression.Codec c : EventCompression.Codec.values()) {
                byte[] prepared = EventCompression.prepare(binary, c);
                assertThat(EventCompression.looksPrepared(prepared)).isTrue();
                assertThat(EventCompression.open(prepared, 0, prepared.length)).as("seed %d, %s", seed, c)
                        .isEqualTo(binary);
            }
        }
    }

    @Test
    void theDictionaryMakesATypicalEventSmallerThanLz4Can() {
        byte[] binary = EventBinaryCodec.encode(event(new SplittableRandom(1)));
        int zstd = EventCompression.prepare(binary, EventCompression.Codec.ZSTD).length;
        int lz4 = EventCompression.prepare(binary, EventCompression.Codec.LZ4).length;
        assertThat(zstd).as("zstd %d, LZ4 %d, binary %d bytes", zstd, lz4, binary.length)
                .isLessThan(lz4).isLessThan(binary.length); // averages over the stream: BENCHMARKS, "log v2"
    }

    @Test
    void damagedOrUnknownBytesAreRefusedNotMisread() {
        byte[] binary = EventBinaryCodec.encode(event(new SplittableRandom(2)));
        byte[] zstd = EventCompression.prepare(binary, EventCompression.Codec.ZSTD);
        byte[] cut = Arrays.copyOf(zstd, zstd.length - 3);
        assertThatThrownBy(() -> EventCompression.open(cut, 0, cut.length)).isInstanceOf(IllegalArgumentException.class);
        byte[] otherDictionary = zstd.clone();
        otherDictionary[1] = (byte) 200;
        assertThatThrownBy(() -> EventCompression.open(otherDictionary, 0, otherDictionary.length))
                .hasMessageContaining("dictionary 200 is not known");
        byte[] json = "{\"type\":\"track\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(EventCompression.looksPrepared(json)).isFalse();
    }

    @Test
    void aDictionaryIdIsNeverReusedForOtherBytes() {
        byte[] shipped = EventCompression.dictionary(EventCompression.CURRENT_DICTIONARY);
        EventCompression.register(EventCompression.CURRENT_DICTIONARY, shipped);
        byte[] other = shipped.clone();
        other[other.length - 1] ^= 1;
        assertThatThrownBy(() -> EventCompression.register(EventCompression.CURRENT_DICTIONARY, other))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("differs");
    }
}
