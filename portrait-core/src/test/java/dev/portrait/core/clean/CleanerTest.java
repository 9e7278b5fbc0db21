package dev.portrait.core.clean;

import dev.portrait.core.definition.CleaningPolicy;
import dev.portrait.core.definition.UnknownEventPolicy;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.portrait.core.clean.Fixtures.RECEIVED;
import static dev.portrait.core.clean.Fixtures.identify;
import static dev.portrait.core.clean.Fixtures.productViewed;
import static dev.portrait.core.clean.Fixtures.properties;
import static dev.portrait.core.clean.Fixtures.track;
import static dev.portrait.core.clean.Fixtures.traits;
import static dev.portrait.core.clean.Fixtures.with;
import static dev.portrait.core.clean.Fixtures.withProperty;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the cleaner does to events it accepts. */
class CleanerTest {
    private final Cleaner cleaner = new Cleaner(Fixtures.shop());

    private CleanResult.Accepted accept(Map<String, Object> raw, Instant receivedAt) {
        return accept(cleaner, raw, receivedAt);
    }

    private static CleanResult.Accepted accept(Cleaner cleaner, Map<String, Object> raw, Instant receivedAt) {
        CleanResult r = cleaner.clean(raw, receivedAt);
        assertThat(r).as("clean result").isInstanceOf(CleanResult.Accepted.class);
        return (CleanResult.Accepted) r;
    }

    private static Map<String, Object> untimed(Map<String, Object> raw) {
        raw.remove("timestamp");
        return raw;
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Map<String, Object> map, String... keys) {
        Object v = map;
        for (String k : keys) {
            v = ((Map<String, Object>) v).get(k);
        }
        return (T) v;
    }

    private static Object valueAt(Map<String, Object> map, String... keys) {
        return at(map, keys);
    }

    // ---- time

    @Test
    void aPriceWrittenAsTextIsAWrongTypeEvenOnAnUndeclaredEvent() {
        Map<String, Object> raw = track("Some Undeclared Event");
        Fixtures.properties(raw).put("price", "$24.99");
        CleanResult r = cleaner.clean(raw, RECEIVED);
        assertThat(r).isInstanceOf(CleanResult.Rejected.class);
        CleanResult.Rejected rejected = (CleanResult.Rejected) r;
        assertThat(rejected.code()).isEqualTo("wrong_type");
        assertThat(rejected.path()).isEqualTo("properties.price");
        assertThat(rejected.message()).contains("must be a number").contains("$24.99");
    }

    @Test
    void skewCorrectionMovesTheClientsClockOntoTheServers() {
        // The client's clock runs 59m59s fast: it stamped the event at 13:00:00 and sent it at 13:00:05 by
        // its own clock; the server received it at 12:00:06. The event happened 5 s before receipt: 12:00:01.
        Map<String, Object> raw = untimed(track("Clicked"));
        raw.put("originalTimestamp", "2024-01-01T13:00:00.000Z");
        raw.put("sentAt", "2024-01-01T13:00:05.000Z");

        Event e = accept(raw, Instant.parse("2024-01-01T12:00:06Z")).event();

        assertThat(e.timestamp()).isEqualTo(Instant.parse("2024-01-01T12:00:01Z"));
        assertThat(e.originalTimestamp()).isEqualTo(Instant.parse("2024-01-01T13:00:00Z"));
        assertThat(e.sentAt()).isEqualTo(Instant.parse("2024-01-01T13:00:05Z"));
        assertThat(e.receivedAt()).isEqualTo(Instant.parse("2024-01-01T12:00:06Z"));
    }

    @Test
    void aGivenTimestampIsUsedAsIsEvenWhenTheClientTimesArePresent() {
        Map<String, Object> raw = track("Clicked");
        raw.put("originalTimestamp", "2024-01-01T13:00:00Z");
        raw.put("sentAt", "2024-01-01T13:00:05Z");

        assertThat(accept(raw, RECEIVED).event().timestamp()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    }

    @Test
    void anOriginalTimestampWithoutSentAtIsUsedAsIs() {
        Map<String, Object> raw = with(untimed(track("Clicked")), "originalTimestamp", "2023-12-31T23:59:00Z");

        assertThat(accept(raw, RECEIVED).event().timestamp()).isEqualTo(Instant.parse("2023-12-31T23:59:00Z"));
    }

    @Test
    void anEventWithNoTimeOfItsOwnHappenedWhenItWasReceived() {
        assertThat(accept(untimed(track("Clicked")), RECEIVED).event().timestamp()).isEqualTo(RECEIVED);
    }

    @Test
    void theRuntimesReceivedAtOverridesTheOneInTheEvent() {
        Map<String, Object> raw = with(untimed(track("Clicked")), "receivedAt", "not even a time");

        Event e = accept(raw, RECEIVED).event();

        assertThat(e.receivedAt()).isEqualTo(RECEIVED);
        assertThat(e.timestamp()).isEqualTo(RECEIVED);
    }

    @Test
    void withoutARuntimeClockTheEventsOwnReceivedAtCorrectsSkewAndBoundsTime() {
        Map<String, Object> raw = untimed(track("Clicked"));
        raw.put("originalTimestamp", "2024-01-01T13:00:00Z");
        raw.put("sentAt", "2024-01-01T13:00:05Z");
        raw.put("receivedAt", "2024-01-01T12:00:06Z");

        assertThat(accept(raw, null).event().timestamp()).isEqualTo(Instant.parse("2024-01-01T12:00:01Z"));

        Map<String, Object> tooOld = with(track("Clicked"), "receivedAt", "2026-01-01T00:00:00Z");
        assertThat(cleaner.clean(tooOld, null)).isInstanceOfSatisfying(CleanResult.Rejected.class,
                r -> assertThat(r.code()).isEqualTo("timestamp_too_old"));
    }

    @Test
    void withoutAnyReceivedAtTheEventsOwnTimeIsTrusted() {
        Map<String, Object> raw = with(track("Clicked"), "timestamp", "2001-09-09T01:46:40Z");

        Event e = accept(raw, null).event();

        assertThat(e.timestamp()).isEqualTo(Instant.parse("2001-09-09T01:46:40Z"));
        assertThat(e.receivedAt()).isNull();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
        "2024-01-01T00:00:00.000Z          | 2024-01-01T00:00:00Z",
        "2024-01-01T08:00:00+08:00         | 2024-01-01T00:00:00Z",
        "2024-01-01T08:00:00.5+0800        | 2024-01-01T00:00:00.5Z",
        "2024-01-01T08:00+08               | 2024-01-01T00:00:00Z",
        "2023-12-31T19:00:00.123456789-05:00 | 2024-01-01T00:00:00.123456789Z",
        "2024-01-01 00:00:00z              | 2024-01-01T00:00:00Z",
        "2024-02-29T23:59:59.9999999999Z   | 2024-02-29T23:59:59.999999999Z",
    })
    void timestampFormatsThatSegmentSdksSendAreRead(String wire, String expected) {
        Event e = accept(with(track("Clicked"), "timestamp", wire), null).event();

        assertThat(e.timestamp()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void epochMillisecondNumbersAreTimes() {
        assertThat(accept(with(track("Clicked"), "timestamp", 1_704_067_200_000L), null).event().timestamp())
                .isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(accept(with(track("Clicked"), "timestamp", 1_704_067_200_000.25), null).event().timestamp())
                .isEqualTo(Instant.parse("2024-01-01T00:00:00.00025Z"));
    }

    @Test
    void aTimestampWithoutAnOffsetIsReadAsUtcWithANote() {
        CleanResult.Accepted a = accept(with(track("Clicked"), "timestamp", "2024-01-01T00:00:00"), RECEIVED);

        assertThat(a.event().timestamp()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(a.notes()).containsExactly("timestamp \"2024-01-01T00:00:00\" has no UTC offset; read as UTC");
    }

    // ---- normalisation

    @Test
    void idsEventNamesAndMessageIdsAreTrimmed() {
        Map<String, Object> raw = track("  Product Clicked\t");
        raw.put("userId", " u-7 ");
        raw.put("anonymousId", "\na-7");
        raw.put("messageId", " m-7 ");

        Event e = accept(raw, RECEIVED).event();

        assertThat(e.userId()).isEqualTo("u-7");
        assertThat(e.anonymousId()).isEqualTo("a-7");
        assertThat(e.event()).isEqualTo("Product Clicked");
        assertThat(e.messageId()).isEqualTo("m-7");
    }

    @Test
    void emailsAreLowerCasedWhereSegmentPutsThem() {
        Map<String, Object> raw = track("Clicked");
        properties(raw).put("email", " Ann@Example.COM ");
        properties(raw).put("note", "Write to Ann@Example.COM");
        raw.put("traits", new LinkedHashMap<>(Map.of("email", "ANN@EXAMPLE.COM")));
        raw.put("context", Map.of("traits", Map.of("email", "Ann@Example.Com")));

        Event e = accept(raw, RECEIVED).event();

        assertThat(e.properties()).containsEntry("email", "ann@example.com")
                .containsEntry("note", "Write to Ann@Example.COM");
        assertThat(e.traits()).containsEntry("email", "ann@example.com");
        assertThat(valueAt(e.context(), "traits", "email")).isEqualTo("ann@example.com");
    }

    @Test
    void countriesBecomeIsoAlpha2CodesWhereSegmentPutsThem() {
        Map<String, Object> raw = identify();
        traits(raw).put("country", "gb");
        traits(raw).put("address", Map.of("country", "usa", "city", "Boston"));
        raw.put("context", Map.of(
                "traits", Map.of("country", "GBR"),
                "location", Map.of("country", "United Kingdom"),
                "device", Map.of("country", "gb")));
        raw.put("properties", new LinkedHashMap<>(Map.of("country", " germany ", "shipping", Map.of("country", "fr"))));
        Map<String, Object> unknown = with(identify(), "traits", Map.of("country", "Atlantis"));

        Event e = accept(raw, RECEIVED).event();

        assertThat(e.traits()).containsEntry("country", "GB");
        assertThat(valueAt(e.traits(), "address", "country")).isEqualTo("US");
        assertThat(valueAt(e.context(), "traits", "country")).isEqualTo("GB");
        assertThat(valueAt(e.context(), "location", "country")).isEqualTo("GB");
        assertThat(valueAt(e.context(), "device", "country")).as("not a place Segment puts a country").isEqualTo("gb");
        assertThat(e.properties()).containsEntry("country", "DE");
        assertThat(valueAt(e.properties(), "shipping", "country")).isEqualTo("fr");
        assertThat(accept(unknown, RECEIVED).event().traits()).containsEntry("country", "Atlantis");
    }

    @Test
    void javaNumbersBecomeLongsAndDoubles() {
        Map<String, Object> raw = track("Clicked");
        Map<String, Object> p = properties(raw);
        p.put("int", 3);
        p.put("short", (short) 4);
        p.put("byte", (byte) 5);
        p.put("float", 0.1f);
        p.put("decimal", new BigDecimal("2.50"));
        p.put("wholeDecimal", new BigDecimal("7"));
        p.put("bigInteger", BigInteger.valueOf(8));
        p.put("double", 3.0);
        p.put("list", List.of(1, 2.5f));

        Map<String, Object> out = accept(raw, RECEIVED).event().properties();

        assertThat(out).containsEntry("int", 3L).containsEntry("short", 4L).containsEntry("byte", 5L)
                .containsEntry("float", 0.1).containsEntry("decimal", 2.5).containsEntry("wholeDecimal", 7L)
                .containsEntry("bigInteger", 8L).containsEntry("double", 3.0).containsEntry("list", List.of(1L, 2.5));
        assertThat(out.get("double")).isInstanceOf(Double.class);
    }

    @Test
    void declaredTraitsAndPropertiesTakeTheirDeclaredNumberType() {
        Map<String, Object> raw = identify();
        traits(raw).put("score", 5);
        traits(raw).put("age", 30.0);
        raw.put("context", Map.of("traits", Map.of("age", 31.0)));
        Map<String, Object> viewed = withProperty(productViewed(), "quantity", 2.0);

        Event e = accept(raw, RECEIVED).event();

        assertThat(e.traits().get("score")).isEqualTo(5.0);
        assertThat(e.traits().get("age")).isEqualTo(30L);
        assertThat(valueAt(e.context(), "traits", "age")).isEqualTo(31L);
        assertThat(accept(viewed, RECEIVED).event().properties().get("quantity")).isEqualTo(2L);
    }

    @Test
    void groupTraitsDescribeTheGroupAndAreNotCheckedAgainstPersonTraits() {
        Map<String, Object> raw = identify();
        raw.put("type", "group");
        raw.put("groupId", "g-1");
        traits(raw).put("age", "founded 1999");
        traits(raw).put("email", "Sales@Acme.COM");

        Event e = accept(raw, RECEIVED).event();

        assertThat(e.traits()).containsEntry("age", "founded 1999").containsEntry("email", "sales@acme.com");
    }

    @Test
    void cleanedMapsAreUnmodifiableAndKeepKeyOrder() {
        Map<String, Object> raw = track("Clicked");
        properties(raw).put("z", 1);
        properties(raw).put("a", new ArrayList<>(List.of(Map.of("k", "v"))));
        properties(raw).put("m", new LinkedHashMap<>(Map.of("n", 1)));

        Event e = accept(raw, RECEIVED).event();

        assertThat(e.properties().keySet()).containsExactly("z", "a", "m");
        assertThatThrownBy(() -> e.properties().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        List<Object> list = at(e.properties(), "a");
        assertThatThrownBy(() -> list.add(1)).isInstanceOf(UnsupportedOperationException.class);
        Map<String, Object> nested = at(e.properties(), "m");
        assertThatThrownBy(() -> nested.clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- PII

    @Test
    void cardNumbersAnywhereAreRedactedWithANote() {
        Map<String, Object> raw = track("Clicked");
        properties(raw).put("card", "4111 1111 1111 1111");
        properties(raw).put("tags", List.of("ok", "5555-5555-5555-4444"));
        raw.put("context", Map.of("payment", Map.of("pan", "378282246310005")));
        raw.put("traits", Map.of("cc", "6011111111111117"));

        CleanResult.Accepted a = accept(raw, RECEIVED);

        assertThat(a.event().properties()).containsEntry("card", "[redacted]")
                .containsEntry("tags", List.of("ok", "[redacted]"));
        assertThat(valueAt(a.event().context(), "payment", "pan")).isEqualTo("[redacted]");
        assertThat(a.event().traits()).containsEntry("cc", "[redacted]");
        assertThat(a.notes()).containsExactly(
                "properties.card redacted: looks like a card number",
                "properties.tags[1] redacted: looks like a card number",
                "traits.cc redacted: looks like a card number",
                "context.payment.pan redacted: looks like a card number");
    }

    @Test
    void numbersThatFailLuhnOrLookLikeTimesAreNotCards() {
        Map<String, Object> raw = track("Clicked");
        properties(raw).put("almost", "4111 1111 1111 1112");
        properties(raw).put("millis", "1704067200000");
        properties(raw).put("micros", "1704067200000006");
        properties(raw).put("doubleSpaced", "4111  1111 1111 1111");
        properties(raw).put("tooShort", "424242424242");
        properties(raw).put("number", 4111111111111111L);

        CleanResult.Accepted a = accept(raw, RECEIVED);

        assertThat(a.event().properties()).containsEntry("almost", "4111 1111 1111 1112")
                .containsEntry("millis", "1704067200000").containsEntry("micros", "1704067200000006")
                .containsEntry("doubleSpaced", "4111  1111 1111 1111").containsEntry("tooShort", "424242424242");
        assertThat(a.notes()).isEmpty();
    }

    @Test
    void cardRedactionCanBeTurnedOff() {
        Cleaner keeping = new Cleaner(Fixtures.shop(Fixtures.policy(UnknownEventPolicy.ACCEPT, false, false)));

        CleanResult.Accepted a = accept(keeping, withProperty(track("Clicked"), "card", "4111111111111111"), RECEIVED);

        assertThat(a.event().properties()).containsEntry("card", "4111111111111111");
        assertThat(a.notes()).isEmpty();
    }

    @Test
    void declaredPiiPropertiesAreRemovedUnlessKept() {
        Map<String, Object> raw = productViewed();
        properties(raw).put("phone", "+44 20 7946 0000");
        properties(raw).put("customer_email", "ann@example.com");

        CleanResult.Accepted a = accept(raw, RECEIVED);

        assertThat(a.event().properties()).doesNotContainKey("phone")
                .containsEntry("customer_email", "ann@example.com");
        assertThat(a.notes()).containsExactly("properties.phone removed: declared pii");
    }

    // ---- envelope

    @Test
    void unknownTopLevelFieldsAreKeptInExtraButTheWriteKeyIsDropped() {
        Map<String, Object> raw = track("Clicked");
        raw.put("integrations", Map.of("All", true));
        raw.put("version", 2);
        raw.put("channel", "server");
        raw.put("writeKey", "wk_secret");

        CleanResult.Accepted a = accept(raw, RECEIVED);

        assertThat(a.event().extra()).containsExactly(Map.entry("integrations", Map.of("All", true)),
                Map.entry("version", 2L), Map.entry("channel", "server"));
        assertThat(a.notes()).containsExactly("writeKey removed: credentials are not kept in events");
    }

    @Test
    void aMissingMessageIdIsDerivedFromTheContentAndIsStable() {
        Map<String, Object> first = track("Clicked");
        first.remove("messageId");
        properties(first).put("n", 3);
        Map<String, Object> second = track("Clicked");
        second.put("messageId", "   ");
        properties(second).put("n", 3L);
        String json = "{\"type\":\"track\",\"userId\":\"u-1\",\"event\":\"Clicked\","
                + "\"timestamp\":\"2024-01-01T00:00:00.000Z\",\"properties\":{\"n\":3}}";
        Map<String, Object> other = track("Clicked");
        other.remove("messageId");
        properties(other).put("n", 4);

        CleanResult.Accepted a = accept(first, RECEIVED);
        CleanResult.Accepted b = accept(second, RECEIVED.plusSeconds(30));
        CleanResult c = cleaner.clean(json.getBytes(StandardCharsets.UTF_8), RECEIVED.plusSeconds(60));

        assertThat(a.event().messageId()).matches("derived-[0-9a-f]{32}");
        assertThat(a.notes()).containsExactly("messageId derived from content");
        assertThat(b.event().messageId()).isEqualTo(a.event().messageId());
        assertThat(((CleanResult.Accepted) c).event().messageId()).isEqualTo(a.event().messageId());
        assertThat(accept(other, RECEIVED).event().messageId()).isNotEqualTo(a.event().messageId());
    }

    @Test
    void blockedIdsCountAsAbsent() {
        Map<String, Object> raw = with(with(track("Clicked"), "userId", "NULL "), "anonymousId", "a-1");

        CleanResult.Accepted a = accept(raw, RECEIVED);

        assertThat(a.event().userId()).isNull();
        assertThat(a.event().anonymousId()).isEqualTo("a-1");
        assertThat(a.notes()).containsExactly("userId \"NULL\" ignored: a blocked value");
    }

    @Test
    void anIdentityRulesBlockedListReplacesTheDefaultForItsField() {
        // the shop's user_id rule blocks 0, null and guest; anonymousId has no rule, so the default list applies
        Map<String, Object> raw = with(with(track("Clicked"), "userId", "unknown"), "anonymousId", "Unknown");

        Event e = accept(raw, RECEIVED).event();

        assertThat(e.userId()).isEqualTo("unknown");
        assertThat(e.anonymousId()).isNull();
        assertThat(cleaner.clean(with(track("Clicked"), "userId", "Guest"), RECEIVED))
                .isInstanceOfSatisfying(CleanResult.Rejected.class, r -> assertThat(r.code()).isEqualTo("missing_id"));
    }

    @Test
    void negativeAmountsAreAcceptedWhenReturnsAreAllowed() {
        Cleaner returns = new Cleaner(Fixtures.shop(Fixtures.policy(UnknownEventPolicy.ACCEPT, true, true)));
        Map<String, Object> raw = withProperty(track("Order Completed"), "revenue", -5);
        properties(raw).put("products", List.of(Map.of("price", -2.5, "quantity", -1)));

        assertThat(accept(returns, raw, RECEIVED).event().properties()).containsEntry("revenue", -5L);
    }

    @Test
    void undeclaredEventsAreAcceptedUnderTheDefaultPolicy() {
        assertThat(accept(track("Something Else Happened"), RECEIVED).event().event())
                .isEqualTo("Something Else Happened");
    }

    @Test
    void bytesAndMapsOfTheSameEventCleanAlike() throws Exception {
        Map<String, Object> raw = productViewed();
        properties(raw).put("tags", List.of("a", "b"));
        properties(raw).put("card", "4111-1111-1111-1111");
        raw.put("context", Map.of("ip", "203.0.113.9", "traits", Map.of("email", "A@B.C")));
        raw.remove("messageId");
        byte[] json = EventCodec.mapper().writeValueAsBytes(raw);

        CleanResult.Accepted fromMap = accept(raw, RECEIVED);
        CleanResult fromBytes = cleaner.clean(json, RECEIVED);

        assertThat(fromBytes).isEqualTo(fromMap);
    }

    @Test
    void aRejectionPathThroughHundredsOfLongKeysKeepsItsHeadAndTail() {
        Cleaner boundless = new Cleaner(Fixtures.shop(new CleaningPolicy(UnknownEventPolicy.ACCEPT, false,
                Duration.ofMinutes(10), null, 8192, 256, 1024, 1_000_000, true)));
        String key = "k".repeat(64);
        Map<String, Object> deep = new LinkedHashMap<>();
        for (int i = 0; i < 300; i++) {
            Map<String, Object> outer = new LinkedHashMap<>();
            outer.put(key, deep);
            deep = outer;
        }

        CleanResult r = boundless.clean(with(track("Clicked"), "properties", deep), RECEIVED);

        assertThat(r).isInstanceOfSatisfying(CleanResult.Rejected.class, rejected -> {
            assertThat(rejected.code()).isEqualTo("nesting_too_deep");
            assertThat(rejected.path()).hasSizeLessThan(1100).startsWith("properties." + key + ".")
                    .contains("characters)…").endsWith("." + key);
        });
    }

    @Test
    void cleaningACleanedEventChangesNothing() {
        Map<String, Object> raw = untimed(productViewed());
        raw.remove("messageId");
        raw.put("originalTimestamp", "2024-01-01T13:00:00.000Z");
        raw.put("sentAt", "2024-01-01T13:00:05.000Z");
        properties(raw).put("card", "4111111111111111");
        properties(raw).put("phone", "555-0100");
        raw.put("traits", Map.of("email", "X@Y.Z", "country", "gbr"));
        raw.put("integrations", Map.of("All", false));
        Event once = accept(raw, Instant.parse("2024-01-01T12:00:06Z")).event();

        CleanResult.Accepted twice = accept(EventCodec.toMap(once), null);

        assertThat(twice.event()).isEqualTo(once);
        assertThat(twice.notes()).isEmpty();
    }
}
