package dev.portrait.core.clean;

import dev.portrait.core.definition.CleaningPolicy;
import dev.portrait.core.definition.UnknownEventPolicy;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.portrait.core.clean.Fixtures.RECEIVED;
import static dev.portrait.core.clean.Fixtures.identify;
import static dev.portrait.core.clean.Fixtures.nested;
import static dev.portrait.core.clean.Fixtures.productViewed;
import static dev.portrait.core.clean.Fixtures.track;
import static dev.portrait.core.clean.Fixtures.traits;
import static dev.portrait.core.clean.Fixtures.with;
import static dev.portrait.core.clean.Fixtures.withProperty;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One row per way an event is refused, each naming the code and the path the rejection must carry.
 * The hostile rows build their input lazily so that only the running row holds its megabyte.
 */
class CleanerRejectionTableTest {
    private static final Cleaner SHOP = new Cleaner(Fixtures.shop());
    private static final Cleaner STRICT = new Cleaner(Fixtures.shop(
            Fixtures.policy(UnknownEventPolicy.REJECT, false, true)));
    /** Allows any depth on paper; the cleaner still stops at its own ceiling. */
    private static final Cleaner BOUNDLESS = new Cleaner(Fixtures.shop(new CleaningPolicy(UnknownEventPolicy.ACCEPT,
            false, Duration.ofMinutes(10), null, 8192, 256, 1024, 1_000_000, true)));
    private static final String MEGABYTE = "x".repeat(1 << 20);

    record Row(String code, String path, String messageContains, Supplier<CleanResult> run) {
    }

    static Stream<Named<Row>> rows() {
        return Stream.of(
                row("malformed_json", "$", "Unexpected end-of-input", () -> SHOP.clean(bytes("{\"type\":"), RECEIVED)),
                row("malformed_json", "$", "expected a JSON object, got an array", () -> SHOP.clean(bytes("[1,2]"), RECEIVED)),
                row("malformed_json", "$", "got the end of the input", () -> SHOP.clean(new byte[0], RECEIVED)),
                row("malformed_json", "$", "the event is null", () -> SHOP.clean((Map<String, Object>) null, RECEIVED)),
                row("malformed_json", "$", "Non-standard token 'NaN'", () -> SHOP.clean(bytes(trackJson("\"amount\":NaN")), RECEIVED)),

                row("nesting_too_deep", "$", "nested deeper than 256 levels", () -> SHOP.clean(bytes(trackJson(
                        "\"deep\":" + "{\"a\":".repeat(1000) + "1" + "}".repeat(1000))), RECEIVED)),
                row("nesting_too_deep", "properties.deep" + ".a".repeat(15), "nested 17 levels deep; the limit is 16",
                        () -> SHOP.clean(bytes(trackJson("\"deep\":" + "{\"a\":".repeat(20) + "1" + "}".repeat(20))),
                                RECEIVED)),
                row("nesting_too_deep", "properties" + ".a".repeat(16), "nested 17 levels deep; the limit is 16",
                        () -> SHOP.clean(with(track("Clicked"), "properties", nested(1000)), RECEIVED)),
                row("nesting_too_deep", "context.list" + "[0]".repeat(15), "nested 17 levels deep; the limit is 16",
                        () -> SHOP.clean(with(track("Clicked"), "context", Map.of("list", nestedList(1000))), RECEIVED)),

                row("nesting_too_deep", "properties" + ".a".repeat(256), "nested 257 levels deep; the limit is 256 "
                        + "(the cleaner's own ceiling)", () -> BOUNDLESS.clean(with(track("Clicked"), "properties",
                                nested(1000)), RECEIVED)),
                row("nesting_too_deep", "properties" + ".self".repeat(16), "nested 17 levels deep",
                        () -> SHOP.clean(with(track("Clicked"), "properties", cycle()), RECEIVED)),

                row("missing_type", "type", "the event has no type", () -> SHOP.clean(without(track("Clicked"), "type"), RECEIVED)),
                row("missing_type", "type", "the type is blank", () -> SHOP.clean(with(track("Clicked"), "type", "  "), RECEIVED)),
                row("unknown_type", "type", "\"Track\" is not one of track", () -> SHOP.clean(with(track("Clicked"), "type", "Track"), RECEIVED)),

                row("missing_id", "userId", "userId is absent or blank and anonymousId is absent or blank", () -> SHOP.clean(without(track("Clicked"), "userId"), RECEIVED)),
                row("missing_id", "userId", "userId \"NULL\" is a blocked value",
                        () -> SHOP.clean(with(track("Clicked"), "userId", " NULL "), RECEIVED)),
                row("missing_id", "userId", "anonymousId \"undefined\" is a blocked value",
                        () -> SHOP.clean(with(with(track("Clicked"), "userId", ""), "anonymousId", "undefined"), RECEIVED)),

                row("missing_event_name", "event", "a track call needs an event name",
                        () -> SHOP.clean(without(track("Clicked"), "event"), RECEIVED)),
                row("missing_event_name", "event", "the event name is blank", () -> SHOP.clean(track(" \t"), RECEIVED)),
                row("missing_group_id", "groupId", "a group call needs a groupId",
                        () -> SHOP.clean(with(without(track("x"), "event"), "type", "group"), RECEIVED)),
                row("missing_previous_id", "previousId", "previousId \"undefined\" is a blocked value",
                        () -> SHOP.clean(with(with(without(track("x"), "event"), "type", "alias"), "previousId",
                                "undefined"), RECEIVED)),
                row("unknown_event", "event", "\"Mystery\" is not declared",
                        () -> STRICT.clean(track("Mystery"), RECEIVED)),
                row("missing_property", "properties.sku", "required",
                        () -> SHOP.clean(without(productViewed(), "properties", "sku"), RECEIVED)),

                row("wrong_type", "properties", "expected an object, got string \"abc\"",
                        () -> SHOP.clean(with(track("Clicked"), "properties", "abc"), RECEIVED)),
                row("wrong_type", "traits", "expected an object, got an array of 2 items",
                        () -> SHOP.clean(with(identify(), "traits", List.of(1, 2)), RECEIVED)),
                row("wrong_type", "context", "expected an object, got number 5",
                        () -> SHOP.clean(with(track("Clicked"), "context", 5), RECEIVED)),
                row("wrong_type", "userId", "number 42", () -> SHOP.clean(with(track("Clicked"), "userId", 42), RECEIVED)),
                row("wrong_type", "event", "number 7", () -> SHOP.clean(with(track("Clicked"), "event", 7L), RECEIVED)),
                row("wrong_type", "messageId", "number 12", () -> SHOP.clean(with(track("Clicked"), "messageId", 12), RECEIVED)),
                row("wrong_type", "type", "boolean", () -> SHOP.clean(with(track("Clicked"), "type", true), RECEIVED)),
                row("wrong_type", "properties.sku", "declared string",
                        () -> SHOP.clean(withProperty(productViewed(), "sku", 42), RECEIVED)),
                row("wrong_type", "properties.quantity", "declared integer",
                        () -> SHOP.clean(withProperty(productViewed(), "quantity", 1.5), RECEIVED)),
                row("wrong_type", "traits.age", "trait age is declared integer",
                        () -> SHOP.clean(withTrait(identify(), "age", "old"), RECEIVED)),
                row("wrong_type", "context.traits.plan", "trait plan is declared string",
                        () -> SHOP.clean(with(track("Clicked"), "context", Map.of("traits", Map.of("plan", 3))), RECEIVED)),
                row("wrong_type", "properties", "key number 42 is not a string",
                        () -> SHOP.clean(with(track("Clicked"), "properties", Map.of(42, "x")), RECEIVED)),
                row("wrong_type", "$", "key null is not a string", () -> SHOP.clean(nullKeyEvent(), RECEIVED)),
                row("wrong_type", "properties.when", "java.util.Date is not a JSON value",
                        () -> SHOP.clean(withProperty(track("Clicked"), "when", new Date(0)), RECEIVED)),
                row("wrong_type", "properties.counter", "not a JSON number type",
                        () -> SHOP.clean(withProperty(track("Clicked"), "counter",
                                new java.util.concurrent.atomic.AtomicLong(3)), RECEIVED)),

                row("out_of_range", "properties.price", "above the declared maximum",
                        () -> SHOP.clean(withProperty(productViewed(), "price", 200_000), RECEIVED)),
                row("out_of_range", "properties.price", "below the declared minimum",
                        () -> SHOP.clean(withProperty(productViewed(), "price", -1), RECEIVED)),
                row("out_of_range", "properties.revenue", "-5 is negative",
                        () -> SHOP.clean(withProperty(track("Order Completed"), "revenue", -5), RECEIVED)),
                row("out_of_range", "properties.products[1].price", "-1.5 is negative",
                        () -> SHOP.clean(withProperty(track("Order Completed"), "products", List.of(
                                Map.of("price", 3), Map.of("price", -1.5))), RECEIVED)),

                row("invalid_number", "properties.amount", "NaN", () -> SHOP.clean(withProperty(track("Clicked"),
                        "amount", Double.NaN), RECEIVED)),
                row("invalid_number", "properties.amount", "Infinity", () -> SHOP.clean(withProperty(track("Clicked"),
                        "amount", Double.NEGATIVE_INFINITY), RECEIVED)),
                row("invalid_number", "context.screen.density", "NaN", () -> SHOP.clean(with(track("Clicked"),
                        "context", Map.of("screen", Map.of("density", Float.NaN))), RECEIVED)),
                row("invalid_number", "traits.score", "Infinity", () -> SHOP.clean(withTrait(identify(), "score",
                        Double.POSITIVE_INFINITY), RECEIVED)),
                row("invalid_number", "properties.amount", "Infinity",
                        () -> SHOP.clean(bytes(trackJson("\"amount\":1e999")), RECEIVED)),
                row("invalid_number", "properties.amount", "123456789012345678901234567890 is beyond the range of a long",
                        () -> SHOP.clean(bytes(trackJson("\"amount\":123456789012345678901234567890")), RECEIVED)),
                row("invalid_number", "properties.amount", "beyond the range of a long",
                        () -> SHOP.clean(withProperty(track("Clicked"), "amount", BigInteger.TWO.pow(64)), RECEIVED)),
                row("invalid_number", "properties.amount", "beyond the range of a long",
                        () -> SHOP.clean(withProperty(track("Clicked"), "amount", new BigDecimal("1e999999999")), RECEIVED)),
                row("invalid_number", "properties.amount", "too large for a double",
                        () -> SHOP.clean(withProperty(track("Clicked"), "amount",
                                new BigDecimal(BigInteger.TEN.pow(400), 10)), RECEIVED)),
                row("invalid_number", "properties.amount", "more than 1000 digits",
                        () -> SHOP.clean(withProperty(track("Clicked"), "amount",
                                new BigDecimal(BigInteger.TEN.pow(5000), 3)), RECEIVED)),
                row("invalid_number", "properties.list[2].n", "beyond the range of a long", () -> SHOP.clean(bytes(trackJson(
                        "\"list\":[1,2,{\"n\":-99999999999999999999}]")), RECEIVED)),
                row("invalid_number", "properties.amount", "written with 2000 characters",
                        () -> SHOP.clean(bytes(trackJson("\"amount\":" + "9".repeat(2000))), RECEIVED)),

                row("invalid_timestamp", "timestamp", "\"yesterday\" is not an ISO-8601",
                        () -> SHOP.clean(with(track("Clicked"), "timestamp", "yesterday"), RECEIVED)),
                row("invalid_timestamp", "timestamp", "not a valid date",
                        () -> SHOP.clean(with(track("Clicked"), "timestamp", "2024-02-30T00:00:00Z"), RECEIVED)),
                row("invalid_timestamp", "originalTimestamp", "boolean true",
                        () -> SHOP.clean(with(track("Clicked"), "originalTimestamp", true), RECEIVED)),
                row("invalid_timestamp", "sentAt", "not an ISO-8601",
                        () -> SHOP.clean(with(track("Clicked"), "sentAt", "2024-01-01T00:00:00+25:00"), RECEIVED)),
                row("invalid_timestamp", "timestamp", "outside the years",
                        () -> SHOP.clean(with(track("Clicked"), "timestamp", Long.MAX_VALUE), RECEIVED)),
                row("missing_timestamp", "timestamp", "no timestamp",
                        () -> SHOP.clean(without(track("Clicked"), "timestamp"), null)),
                row("timestamp_in_future", "timestamp", "maxFutureSkew",
                        () -> SHOP.clean(with(track("Clicked"), "timestamp", "2024-01-01T00:20:00Z"), RECEIVED)),
                row("timestamp_in_future", "originalTimestamp", "maxFutureSkew",
                        () -> SHOP.clean(with(with(without(track("Clicked"), "timestamp"), "originalTimestamp",
                                "2024-01-01T01:00:00Z"), "sentAt", "2024-01-01T00:00:00Z"), RECEIVED)),
                row("timestamp_too_old", "timestamp", "maxPastAge",
                        () -> SHOP.clean(with(track("Clicked"), "timestamp", "2020-01-01T00:00:00Z"), RECEIVED)),

                row("string_too_long", "properties.blob", "1048576 characters",
                        () -> SHOP.clean(withProperty(track("Clicked"), "blob", MEGABYTE), RECEIVED)),
                row("string_too_long", "traits.bio", "1048576 characters",
                        () -> SHOP.clean(bytes("{\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"bio\":\""
                                + MEGABYTE + "\"}}"), RECEIVED)),
                row("string_too_long", "properties[\"" + "x".repeat(64) + "…(1048576 characters)\"]", "key of",
                        () -> SHOP.clean(withProperty(track("Clicked"), MEGABYTE, 1), RECEIVED)),
                row("string_too_long", "properties[\"" + "x".repeat(64) + "…(1048576 characters)\"]", "key of",
                        () -> SHOP.clean(bytes(trackJson("\"" + MEGABYTE + "\":1")), RECEIVED)),
                row("string_too_long", "userId", "1048576 characters",
                        () -> SHOP.clean(with(track("Clicked"), "userId", MEGABYTE), RECEIVED)),
                row("too_many_entries", "properties", "10000 entries",
                        () -> SHOP.clean(with(track("Clicked"), "properties", manyEntries(10_000)), RECEIVED)),
                row("too_many_entries", "$", "top-level fields",
                        () -> SHOP.clean(manyEntries(10_000), RECEIVED)),
                row("array_too_long", "properties.items", "1025 items",
                        () -> SHOP.clean(withProperty(track("Clicked"), "items", Collections.nCopies(1025, 1)), RECEIVED)),

                row("invalid_string", "properties.title", "lone surrogate U+D800",
                        () -> SHOP.clean(withProperty(track("Clicked"), "title", "ab\ud800"), RECEIVED)),
                row("invalid_string", "properties.title", "lone surrogate U+D800",
                        () -> SHOP.clean(bytes(trackJson("\"title\":\"\\ud800\"")), RECEIVED)),
                row("invalid_string", "userId", "lone surrogate U+DC00",
                        () -> SHOP.clean(with(track("Clicked"), "userId", "\udc00x"), RECEIVED)),
                row("invalid_string", "properties.note", "control character U+0000",
                        () -> SHOP.clean(withProperty(track("Clicked"), "note", "a\u0000b"), RECEIVED)),
                row("invalid_string", "properties[\"bad\\u0007key\"]", "control character U+0007",
                        () -> SHOP.clean(withProperty(track("Clicked"), "bad\u0007key", 1), RECEIVED)),

                row("internal_error", "$", "the cleaner failed", () -> SHOP.clean(explodingEvent(), RECEIVED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachBadInputIsRejectedWithItsCodeAndPath(Row row) {
        CleanResult result = row.run().get();

        assertThat(result).isInstanceOf(CleanResult.Rejected.class);
        CleanResult.Rejected rejected = (CleanResult.Rejected) result;
        assertThat(rejected.code()).isEqualTo(row.code());
        assertThat(rejected.path()).isEqualTo(row.path());
        assertThat(rejected.message()).startsWith(row.path() + ": ").contains(row.messageContains());
        assertThat(rejected.message().length()).isLessThan(1000);
    }

    @Test
    void everyRejectionCodeHasARowInTheTable() {
        Set<String> covered = rows().map(n -> n.getPayload().code()).collect(Collectors.toSet());
        Set<String> all = EnumSet.allOf(RejectionCode.class).stream().map(RejectionCode::code)
                .collect(Collectors.toSet());
        assertThat(covered).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void rejectionCodesAreLowerSnakeCaseWithADescription() {
        for (RejectionCode c : RejectionCode.values()) {
            assertThat(c.code()).matches("[a-z][a-z0-9_]*");
            assertThat(c.description()).isNotBlank();
            assertThat(RejectionCode.fromCode(c.code())).isSameAs(c);
        }
    }

    private static Named<Row> row(String code, String path, String messageContains, Supplier<CleanResult> run) {
        return Named.of(code + " at " + (path.length() > 60 ? path.substring(0, 60) + "…" : path) + " ("
                + messageContains + ")", new Row(code, path, messageContains, run));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String trackJson(String properties) {
        return "{\"type\":\"track\",\"messageId\":\"m\",\"userId\":\"u\",\"event\":\"Clicked\","
                + "\"timestamp\":\"2024-01-01T00:00:00Z\",\"properties\":{" + properties + "}}";
    }

    private static Map<String, Object> without(Map<String, Object> event, String key) {
        event.remove(key);
        return event;
    }

    private static Map<String, Object> without(Map<String, Object> event, String section, String key) {
        Fixtures.properties(event).remove(key);
        return event;
    }

    private static Map<String, Object> withTrait(Map<String, Object> event, String key, Object value) {
        traits(event).put(key, value);
        return event;
    }

    private static List<Object> nestedList(int levels) {
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
            m.put("p" + i, i);
        }
        return m;
    }

    private static Map<String, Object> cycle() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("self", m);
        return m;
    }

    private static Map<String, Object> nullKeyEvent() {
        Map<String, Object> m = new HashMap<>(track("Clicked"));
        m.put(null, "x");
        return m;
    }

    /** A hostile map whose iteration fails, standing in for any bug the cleaner might have. */
    private static Map<String, Object> explodingEvent() {
        return new AbstractMap<>() {
            @Override
            public Set<Entry<String, Object>> entrySet() {
                throw new IllegalStateException("boom");
            }

            @Override
            public int size() {
                return 1;
            }
        };
    }
}
