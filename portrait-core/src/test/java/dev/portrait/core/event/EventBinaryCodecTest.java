package dev.portrait.core.event;

import dev.portrait.core.PortraitException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventBinaryCodecTest {
    private static final String[] WORDS = {"context", "price", "Product Viewed", "sku-1", "", "é→✓", "userId",
            "a\u0000b", "\uD83D\uDE00", "properties", "x"};

    @Test
    void seededRandomEventsRoundTripExactlyIncludingMapOrderAndValueTypes() {
        for (long seed = 1; seed <= 3_000; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            Event e = randomEvent(r);
            Event back = EventBinaryCodec.decode(EventBinaryCodec.encode(e));
            assertThat(back).as("seed %d", seed).isEqualTo(e);
            assertThat(deepTypes(back.properties())).as("seed %d", seed).isEqualTo(deepTypes(e.properties()));
            assertThat(deepTypes(back.extra())).as("seed %d", seed).isEqualTo(deepTypes(e.extra()));
            assertThat(new ArrayList<>(back.context().keySet())).as("seed %d", seed)
                    .isEqualTo(new ArrayList<>(e.context().keySet()));
        }
    }

    @Test
    void doublesKeepTheirExactBitsWhateverTheShortFormsTry() {
        double[] tricky = {0.0, -0.0, 19.99, 0.1, 0.07, 1e15, -1e15, 1e300, Double.MIN_VALUE, 123456789.01,
                -5.5, 2.675, Math.PI, 1.0 / 3, 9007199254740993.0};
        for (double d : tricky) {
            Event e = withProperties(Map.of("v", d));
            Object back = EventBinaryCodec.decode(EventBinaryCodec.encode(e)).properties().get("v");
            assertThat(back).isInstanceOf(Double.class);
            assertThat(Double.doubleToRawLongBits((Double) back)).as("%s", d).isEqualTo(Double.doubleToRawLongBits(d));
        }
    }

    @Test
    void aTypicalTrackEventIsMuchSmallerThanItsJson() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("product_id", "sku-48213");
        props.put("price", 19.99);
        props.put("quantity", 2L);
        props.put("category", "Pet Supplies");
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("library", Map.of("name", "analytics.js", "version", "2.11.1"));
        context.put("ip", "203.0.113.7");
        Instant t = Instant.parse("2026-03-01T10:00:00.123Z");
        Event e = new Event(EventType.TRACK, "9c6e2b8a-5d1f-4a63-9f0e-0b6f5c1d2e3f", "user-1234",
                "anon-5f2c9e", "Product Viewed", null, null, null, props, Map.of(), context, t, t.minusMillis(40),
                t.plusMillis(5), t.plusMillis(60), Map.of("version", 2L));
        int binary = EventBinaryCodec.encode(e).length;
        int json = EventCodec.encode(e).length;
        assertThat(binary).as("binary %d vs JSON %d bytes", binary, json).isLessThan(json / 2);
    }

    @Test
    void truncatedOrForeignBytesAreCorruptEventsNotGarbage() {
        byte[] good = EventBinaryCodec.encode(withProperties(Map.of("a", "b")));
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThatThrownBy(() -> EventBinaryCodec.decode(cut)).as("cut at %d", n)
                    .isInstanceOfSatisfying(PortraitException.class, x -> assertThat(x.code()).isEqualTo("corrupt_event"));
        }
        byte[] json = EventCodec.encode(withProperties(Map.of("a", "b")));
        assertThatThrownBy(() -> EventBinaryCodec.decode(json)).isInstanceOf(PortraitException.class)
                .hasMessageContaining("binary");
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThatThrownBy(() -> EventBinaryCodec.decode(trailing)).hasMessageContaining("after the event");
    }

    private static Event withProperties(Map<String, Object> props) {
        return new Event(EventType.TRACK, "m1", "u1", null, "e", null, null, null, props, Map.of(), Map.of(),
                Instant.parse("2026-03-01T10:00:00Z"), null, null, null, Map.of());
    }

    /** The value tree with each leaf replaced by its class name, so Long vs Double vs String is compared. */
    private static Object deepTypes(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, deepTypes(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(deepTypes(x)));
            return out;
        }
        return v == null ? "null" : v.getClass().getSimpleName() + ":" + v;
    }

    private static Event randomEvent(SplittableRandom r) {
        EventType type = EventType.values()[r.nextInt(EventType.values().length)];
        String userId = r.nextBoolean() ? word(r) + r.nextInt(1000) : null;
        String anonymousId = userId == null || r.nextBoolean() ? "anon-" + r.nextLong() : null;
        Instant timestamp = instant(r);
        return new Event(type, "m-" + r.nextLong(), userId, anonymousId, maybe(r), maybe(r), maybe(r), maybe(r),
                map(r, 0), map(r, 0), map(r, 0), timestamp, r.nextBoolean() ? instant(r) : null,
                r.nextBoolean() && timestamp.isBefore(Instant.MAX.minusSeconds(1_000)) ? timestamp.plusMillis(r.nextInt(100_000)) : null,
                r.nextBoolean() ? instant(r) : null, map(r, 0));
    }

    private static Instant instant(SplittableRandom r) {
        switch (r.nextInt(4)) {
            case 0: return Instant.ofEpochMilli(1_700_000_000_000L + r.nextLong(100_000_000_000L));
            case 1: return Instant.ofEpochSecond(r.nextLong(-100_000_000_000L, 100_000_000_000L), r.nextInt(1_000_000_000));
            case 2: return r.nextBoolean() ? Instant.MAX : Instant.MIN;
            default: return Instant.ofEpochMilli(r.nextLong(-1_000_000_000_000L, 1_000_000_000_000L));
        }
    }

    private static String maybe(SplittableRandom r) {
        return r.nextInt(3) == 0 ? word(r) : null;
    }

    private static String word(SplittableRandom r) {
        return r.nextInt(4) == 0 ? "w" + r.nextInt(50) : WORDS[r.nextInt(WORDS.length)];
    }

    private static Map<String, Object> map(SplittableRandom r, int depth) {
        int n = r.nextInt(depth == 0 ? 8 : 4);
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(word(r), value(r, depth + 1));
        }
        return m.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(m);
    }

    private static Object value(SplittableRandom r, int depth) {
        switch (r.nextInt(depth > 3 ? 9 : 11)) {
            case 0: return null;
            case 1: return r.nextBoolean();
            case 2: return r.nextLong();
            case 3: return (long) r.nextInt(-300, 300);
            case 4: return r.nextDouble() * Math.pow(10, r.nextInt(-5, 20)) * (r.nextBoolean() ? 1 : -1);
            case 5: return r.nextInt(100_000) / 100.0;
            case 6: return word(r);
            case 7: return new BigInteger(80, new java.util.Random(r.nextLong())).negate();
            case 8: return new BigDecimal(BigInteger.valueOf(r.nextLong()), r.nextInt(-5, 30));
            case 9: return map(r, depth);
            default: {
                int n = r.nextInt(4);
                Object[] items = new Object[n];
                for (int i = 0; i < n; i++) {
                    items[i] = value(r, depth + 1);
                }
                return java.util.Collections.unmodifiableList(Arrays.asList(items));
            }
        }
    }
}
