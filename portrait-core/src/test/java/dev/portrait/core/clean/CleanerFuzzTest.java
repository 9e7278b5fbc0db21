package dev.portrait.core.clean;

import dev.portrait.core.definition.UnknownEventPolicy;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventCodec;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random mutations of valid events: whatever they become, {@code clean} answers with an
 * acceptance or a coded rejection, never an exception, and an accepted event cleans again to itself.
 * Run one seed again with {@code -Dportrait.fuzz.seed=<seed>}.
 */
class CleanerFuzzTest {
    private static final int MAP_CASES = 2500;
    private static final int BYTE_CASES = 2500;
    private static final List<String> KEYS = List.of("type", "messageId", "userId", "anonymousId", "event", "name",
            "groupId", "previousId", "properties", "traits", "context", "timestamp", "originalTimestamp", "sentAt",
            "receivedAt", "writeKey", "integrations", "email", "country", "address", "location", "price", "quantity",
            "revenue", "products", "sku", "phone", "age", "score", "plan", "vip", "x", "");

    private final List<Cleaner> cleaners = List.of(new Cleaner(Fixtures.shop()),
            new Cleaner(Fixtures.shop(Fixtures.policy(UnknownEventPolicy.REJECT, true, false))));

    @Test
    void randomMutationsOfJavaMapsNeverMakeCleanThrow() {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int i = 0;
        int accepted = 0;
        try {
            for (; i < MAP_CASES; i++) {
                Map<String, Object> raw = copy(bases().get(rnd.nextInt(bases().size())));
                int mutations = 1 + rnd.nextInt(3);
                for (int m = 0; m < mutations; m++) {
                    try {
                        mutate(raw, rnd);
                    } catch (UnsupportedOperationException immutableHostileValue) {
                        // an earlier mutation planted an immutable container; this mutation is skipped
                    }
                }
                accepted += check(cleaners.get(rnd.nextInt(cleaners.size())), () -> raw, null, rnd) ? 1 : 0;
            }
            // mutations must leave enough events valid for the re-cleaning property to be exercised
            assertThat(accepted).as("accepted of " + MAP_CASES).isGreaterThan(MAP_CASES / 10);
        } catch (Throwable t) {
            throw new AssertionError("map fuzz failed at case " + i + " with -Dportrait.fuzz.seed=" + seed + ": " + t, t);
        }
    }

    @Test
    void randomJsonBytesTruncationsAndFlipsNeverMakeCleanThrow() {
        long seed = seed();
        SplittableRandom rnd = new SplittableRandom(seed);
        int i = 0;
        try {
            for (; i < BYTE_CASES; i++) {
                byte[] json = bytesCase(rnd);
                check(cleaners.get(rnd.nextInt(cleaners.size())), null, json, rnd);
            }
        } catch (Throwable t) {
            throw new AssertionError("byte fuzz failed at case " + i + " with -Dportrait.fuzz.seed=" + seed + ": " + t, t);
        }
    }

    private static long seed() {
        Long fixed = Long.getLong("portrait.fuzz.seed");
        return fixed != null ? fixed : new SplittableRandom().nextLong();
    }

    /** Whether the event was accepted. */
    private static boolean check(Cleaner cleaner, Supplier<Map<String, Object>> map, byte[] json, SplittableRandom rnd) {
        Instant receivedAt = rnd.nextInt(4) == 0 ? null : Fixtures.RECEIVED;
        CleanResult result = json != null ? cleaner.clean(json, receivedAt) : cleaner.clean(map.get(), receivedAt);

        assertThat(result).isNotNull();
        if (result instanceof CleanResult.Rejected r) {
            assertThat(r.code()).isNotEmpty().isNotEqualTo(RejectionCode.INTERNAL_ERROR.code());
            assertThat(RejectionCode.fromCode(r.code())).as("known code " + r.code()).isNotNull();
            assertThat(r.message()).isNotBlank();
            assertThat(r.path()).isNotBlank();
            return false;
        } else {
            Event e = ((CleanResult.Accepted) result).event();
            assertJsonValues(e.properties());
            assertJsonValues(e.traits());
            assertJsonValues(e.context());
            assertJsonValues(e.extra());
            CleanResult again = cleaner.clean(EventCodec.toMap(e), null);
            assertThat(again).as("re-cleaning %s", e).isInstanceOfSatisfying(CleanResult.Accepted.class,
                    a -> assertThat(a.event()).isEqualTo(e));
            CleanResult fromBytes = cleaner.clean(EventCodec.encode(e), null);
            assertThat(fromBytes).as("re-cleaning the JSON of %s", e).isInstanceOfSatisfying(CleanResult.Accepted.class,
                    a -> assertThat(a.event()).isEqualTo(e));
            return true;
        }
    }

    /** Only the event model's value types, in unmodifiable containers. */
    private static void assertJsonValues(Object v) {
        if (v instanceof Map<?, ?> m) {
            assertThat(m.getClass().getName()).matches(".*(Unmodifiable|Immutable).*");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                assertThat(e.getKey()).isInstanceOf(String.class);
                assertJsonValues(e.getValue());
            }
        } else if (v instanceof List<?> l) {
            assertThat(l.getClass().getName()).matches(".*(Unmodifiable|Immutable).*");
            l.forEach(CleanerFuzzTest::assertJsonValues);
        } else if (v instanceof Double d) {
            assertThat(d).isFinite();
        } else if (v != null) {
            assertThat(v).isInstanceOfAny(String.class, Long.class, Boolean.class);
        }
    }

    // ---- inputs

    private static List<Map<String, Object>> bases() {
        Map<String, Object> viewed = Fixtures.productViewed();
        Fixtures.properties(viewed).put("email", "Ann@Example.com");
        Fixtures.properties(viewed).put("phone", "555");
        viewed.put("context", new LinkedHashMap<>(Map.of("ip", "203.0.113.1", "traits",
                new LinkedHashMap<>(Map.of("email", "A@B.C", "country", "gbr", "age", 30)),
                "location", new LinkedHashMap<>(Map.of("country", "Germany")))));
        Map<String, Object> order = Fixtures.track("Order Completed");
        order.remove("timestamp");
        order.put("originalTimestamp", "2024-01-01T00:00:01.000Z");
        order.put("sentAt", "2024-01-01T00:00:03.000+00:00");
        Fixtures.properties(order).put("revenue", 30.5);
        Fixtures.properties(order).put("products", new ArrayList<>(List.of(
                new LinkedHashMap<>(Map.of("price", 10, "quantity", 2)), new LinkedHashMap<>(Map.of("price", 10.5)))));
        Map<String, Object> identify = Fixtures.identify();
        Fixtures.traits(identify).putAll(Map.of("age", 41, "score", 2.5, "plan", "pro", "vip", true,
                "address", new LinkedHashMap<>(Map.of("country", "fr"))));
        Map<String, Object> page = new LinkedHashMap<>(Map.of("type", "page", "anonymousId", "a-1", "name", "Home",
                "properties", new LinkedHashMap<>(Map.of("url", "https://example.com/")), "integrations",
                new LinkedHashMap<>(Map.of("All", true))));
        Map<String, Object> group = new LinkedHashMap<>(Map.of("type", "group", "userId", "u-1", "groupId", "g-1",
                "traits", new LinkedHashMap<>(Map.of("name", "Acme", "employees", 50))));
        Map<String, Object> alias = new LinkedHashMap<>(Map.of("type", "alias", "userId", "u-1", "previousId", "a-1",
                "timestamp", 1_704_067_200_000L));
        return List.of(viewed, order, identify, page, group, alias);
    }

    private static void mutate(Map<String, Object> raw, SplittableRandom rnd) {
        List<Object> containers = new ArrayList<>();
        collectContainers(raw, containers, 0);
        Object target = containers.get(rnd.nextInt(containers.size()));
        if (target instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> map = (Map<Object, Object>) m;
            List<Object> keys = new ArrayList<>(map.keySet());
            switch (rnd.nextInt(5)) {
                case 0 -> map.put(KEYS.get(rnd.nextInt(KEYS.size())), hostile(rnd));
                case 1 -> {
                    if (!keys.isEmpty()) {
                        map.remove(keys.get(rnd.nextInt(keys.size())));
                    }
                }
                case 2 -> {
                    if (!keys.isEmpty()) {
                        Object k = keys.get(rnd.nextInt(keys.size()));
                        map.put(k, swapped(map.get(k), rnd));
                    }
                }
                case 3 -> {
                    if (!keys.isEmpty()) {
                        map.put(keys.get(rnd.nextInt(keys.size())), hostile(rnd));
                    }
                }
                default -> map.put(rnd.nextBoolean() ? 42 : randomString(rnd, 5), hostile(rnd));
            }
        } else {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) target;
            if (!list.isEmpty() && rnd.nextBoolean()) {
                list.set(rnd.nextInt(list.size()), hostile(rnd));
            } else {
                list.add(hostile(rnd));
            }
        }
    }

    private static void collectContainers(Object v, List<Object> out, int depth) {
        if (depth > 20) {
            return;
        }
        if (v instanceof Map<?, ?> m) {
            out.add(m);
            for (Object x : m.values()) {
                collectContainers(x, out, depth + 1);
            }
        } else if (v instanceof List<?> l) {
            out.add(l);
            for (Object x : l) {
                collectContainers(x, out, depth + 1);
            }
        }
    }

    /** The same value in another type: the kind of mistake a careless SDK makes. */
    private static Object swapped(Object v, SplittableRandom rnd) {
        if (v instanceof String s) {
            return rnd.nextBoolean() ? (Object) s.length() : List.of(s);
        }
        if (v instanceof Number n) {
            return rnd.nextBoolean() ? n.toString() : (Object) (n.doubleValue() > 0);
        }
        if (v instanceof Map<?, ?> m) {
            return new ArrayList<>(m.values());
        }
        if (v instanceof List<?> l) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < l.size(); i++) {
                m.put("i" + i, l.get(i));
            }
            return m;
        }
        return v == null ? "null" : null;
    }

    private static Object hostile(SplittableRandom rnd) {
        return switch (rnd.nextInt(40)) {
            case 0 -> Double.NaN;
            case 1 -> rnd.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 2 -> Float.NaN;
            case 3 -> rnd.nextInt();
            case 4 -> (short) rnd.nextInt();
            case 5 -> (float) rnd.nextDouble(-1e6, 1e6);
            case 6 -> BigInteger.TWO.pow(rnd.nextInt(130));
            case 7 -> new BigDecimal(BigInteger.valueOf(rnd.nextLong()), rnd.nextInt(-500, 500));
            case 8 -> new AtomicInteger(1);
            case 9 -> new Date(0);
            case 10 -> new Object[] {1};
            case 11 -> Optional.empty();
            case 12 -> Set.of(1, 2);
            case 13 -> null;
            case 14 -> rnd.nextBoolean() ? "" : "  ";
            case 15 -> "ab" + (char) (0xD800 + rnd.nextInt(0x800)) + "cd";
            case 16 -> "a" + (char) rnd.nextInt(0x20) + "b";
            case 17 -> "y".repeat(8190 + rnd.nextInt(5));
            case 18 -> rnd.nextBoolean() ? "4111 1111 1111 1111" : "5555-5555-5555-4444";
            case 19 -> "MiXeD@CaSe.COM";
            case 20 -> rnd.nextBoolean() ? "United States" : "deu";
            case 21 -> Fixtures.nested(1 + rnd.nextInt(30));
            case 22 -> deepList(1 + rnd.nextInt(30));
            case 23 -> Collections.nCopies(1020 + rnd.nextInt(10), 1);
            case 24 -> manyEntries(250 + rnd.nextInt(10));
            case 25 -> new HashMap<>(Collections.singletonMap(null, 1));
            case 26 -> Map.of(7, "seven");
            case 27 -> timestampString(rnd);
            case 28 -> rnd.nextLong();
            case 29 -> rnd.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
            case 30 -> rnd.nextBoolean() ? -0.0 : Double.MIN_VALUE;
            case 31 -> rnd.nextBoolean() ? "track" : "identify";
            case 32 -> rnd.nextBoolean() ? "null" : "undefined";
            case 33 -> -rnd.nextDouble(1000);
            case 34 -> randomString(rnd, rnd.nextInt(40));
            case 35 -> 'c';
            case 36 -> new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("price", -1))));
            case 37 -> rnd.nextDouble() * 1e15;
            case 38 -> true;
            default -> new LinkedHashMap<>(Map.of("email", "X@Y.Z", "country", "gb"));
        };
    }

    private static String timestampString(SplittableRandom rnd) {
        String[] forms = {"2024-01-01T00:00:00.000Z", "2024-01-01T08:00:00+08:00", "2024-13-01T00:00:00Z",
            "2024-01-01T00:00:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-14:00", "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00+1", "2024-01-01", "1704067200000", "0001-01-01T00:00:00+01:00"};
        String s = forms[rnd.nextInt(forms.length)];
        return rnd.nextInt(4) == 0 && !s.isEmpty() ? s.substring(0, rnd.nextInt(s.length())) : s;
    }

    private static List<Object> deepList(int levels) {
        List<Object> inner = new ArrayList<>();
        for (int i = 1; i < levels; i++) {
            List<Object> outer = new ArrayList<>();
            outer.add(inner);
            inner = outer;
        }
        return inner;
    }

    private static Map<String, Object> manyEntries(int n) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put("k" + i, i);
        }
        return m;
    }

    private static String randomString(SplittableRandom rnd, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            int kind = rnd.nextInt(10);
            b.append(kind < 6 ? (char) ('a' + rnd.nextInt(26)) : kind < 8 ? (char) rnd.nextInt(0x80)
                    : (char) rnd.nextInt(0x10000));
        }
        return b.toString();
    }

    private byte[] bytesCase(SplittableRandom rnd) throws Exception {
        byte[] valid = EventCodec.mapper().writeValueAsBytes(bases().get(rnd.nextInt(bases().size())));
        switch (rnd.nextInt(6)) {
            case 0:
                return java.util.Arrays.copyOf(valid, rnd.nextInt(valid.length + 1));
            case 1: {
                byte[] b = valid.clone();
                for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            case 2: {
                String s = new String(valid, StandardCharsets.UTF_8);
                int at = rnd.nextInt(s.length());
                String token = JSON_TOKENS[rnd.nextInt(JSON_TOKENS.length)];
                return (s.substring(0, at) + token + s.substring(at)).getBytes(StandardCharsets.UTF_8);
            }
            case 3: {
                String s = new String(valid, StandardCharsets.UTF_8);
                String[] values = {"1e999", "-1e999", "\"\\ud800\"", "\"\\u0000\"", "123456789012345678901234567890",
                    "null", "[]", "{}", "\"\"", "true", "-0", "0.1", "\"2024-01-01T00:00:00Z\"", "[[[[[[[[]]]]]]]]"};
                String v = values[rnd.nextInt(values.length)];
                return s.replaceFirst("(\"[A-Za-z]+\":)(\"[^\"]*\"|-?[0-9.]+|true|false)",
                        "$1" + java.util.regex.Matcher.quoteReplacement(v)).getBytes(StandardCharsets.UTF_8);
            }
            case 4:
                return randomJson(rnd, 0).getBytes(StandardCharsets.UTF_8);
            default: {
                byte[] b = new byte[rnd.nextInt(200)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) rnd.nextInt(256);
                }
                return b;
            }
        }
    }

    private static final String[] JSON_TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "\\", "null", "1e999", "NaN",
        "\"type\":\"track\",", "\u0000", "\"\\ud800\"", "{\"a\":" , "99999999999999999999"};

    private static String randomJson(SplittableRandom rnd, int depth) {
        int kind = depth == 0 ? 0 : rnd.nextInt(depth > 8 ? 4 : 7);
        return switch (kind) {
            case 0, 4 -> {
                StringBuilder b = new StringBuilder("{");
                int n = rnd.nextInt(depth == 0 ? 10 : 4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    String key = rnd.nextBoolean() ? KEYS.get(rnd.nextInt(KEYS.size())) : randomString(rnd, 3);
                    b.append('"').append(key.replace("\\", "").replace("\"", "")).append("\":")
                            .append(randomJson(rnd, depth + 1));
                }
                yield b.append('}').toString();
            }
            case 1 -> "\"" + (rnd.nextBoolean() ? "track" : "2024-01-01T00:00:00Z") + "\"";
            case 2 -> Long.toString(rnd.nextLong());
            case 3 -> rnd.nextBoolean() ? "true" : Double.toString(rnd.nextDouble(-1e300, 1e300));
            case 5 -> {
                StringBuilder b = new StringBuilder("[");
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    b.append(randomJson(rnd, depth + 1));
                }
                yield b.append(']').toString();
            }
            default -> "null";
        };
    }

    @SuppressWarnings("unchecked")
    private static <T> T copy(T v) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, copy(x)));
            return (T) out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(copy(x)));
            return (T) out;
        }
        return v;
    }
}
