package dev.portrait.synth;

import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventCodec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticStreamTest {
    private static final Pattern ISO_MILLIS = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    private static final SyntheticConfig SMALL = SyntheticConfig.defaults(11).withUsers(20_000)
            .withCatalogue(2_000, 20, 100).withConcurrentSessions(300);

    private static List<SyntheticEvent> take(SyntheticConfig config, int n) {
        List<SyntheticEvent> events = new ArrayList<>(n);
        SyntheticStream.of(config).limit(n).forEachRemaining(events::add);
        return events;
    }

    @Test
    void theSameSeedGivesTheSameBytes() {
        SyntheticStream a = SyntheticStream.of(SyntheticConfig.defaults(42)).limit(10_000);
        SyntheticStream b = SyntheticStream.of(SyntheticConfig.defaults(42)).limit(10_000);
        int i = 0;
        while (a.hasNext()) {
            SyntheticEvent x = a.next();
            SyntheticEvent y = b.next();
            assertThat(y.toJsonLine()).as("event %d", i).isEqualTo(x.toJsonLine());
            assertThat(y.flaw()).isEqualTo(x.flaw());
            assertThat(y.personId()).isEqualTo(x.personId());
            i++;
        }
        assertThat(b.hasNext()).isFalse();
    }

    @Test
    void differentSeedsGiveDifferentStreams() {
        List<SyntheticEvent> a = take(SyntheticConfig.defaults(1), 1_000);
        List<SyntheticEvent> b = take(SyntheticConfig.defaults(2), 1_000);
        Set<String> personsA = new HashSet<>();
        Set<String> personsB = new HashSet<>();
        int sameBytes = 0;
        for (int i = 0; i < a.size(); i++) {
            personsA.add(a.get(i).personId());
            personsB.add(b.get(i).personId());
            if (Arrays.equals(a.get(i).toJsonLine(), b.get(i).toJsonLine())) {
                sameBytes++;
            }
        }
        assertThat(sameBytes).isZero();
        personsA.retainAll(personsB);
        assertThat(personsA).as("persons active in both of two small samples").hasSizeLessThan(100);
    }

    @Test
    void aLimitedStreamEndsAfterItsLimit() {
        SyntheticStream stream = SyntheticStream.of(SMALL).limit(3);
        assertThat(stream.stream().count()).isEqualTo(3);
        assertThat(stream.hasNext()).isFalse();
        assertThat(stream.emitted()).isEqualTo(3);
        assertThatThrownBy(stream::next).isInstanceOf(NoSuchElementException.class).hasMessageContaining("3 events");
        assertThatThrownBy(() -> SyntheticStream.of(SMALL).limit(-1)).hasMessageContaining("-1");
    }

    @Test
    void everyWellFormedEventIsAValidSegmentCallInPlainJsonValues() {
        Set<String> kinds = new HashSet<>();
        for (SyntheticEvent e : take(SMALL, 30_000)) {
            if (e.flaw() != Flaw.NONE) {
                continue;
            }
            Map<String, Object> json = e.json();
            Event event = EventCodec.fromCleanMap(json);
            kinds.add(event.key());
            assertThat(json.get("messageId")).isNotNull();
            assertThat((String) json.get("timestamp")).matches(ISO_MILLIS);
            assertThat((String) json.get("sentAt")).matches(ISO_MILLIS);
            assertThat(event.sentAt()).isAfterOrEqualTo(event.timestamp());
            assertThat(EventCodec.parseRaw(e.toJsonLine())).as("JSON round trip of %s", json).isEqualTo(json);
            switch (event.type()) {
                case TRACK -> assertThat(event.event()).isNotBlank();
                case PAGE -> {
                    assertThat(event.name()).isNotBlank();
                    assertThat(event.string("url")).startsWith("https://");
                    assertThat(event.string("path")).startsWith("/");
                }
                case IDENTIFY -> assertThat(event.userId()).startsWith("user-");
                case ALIAS -> {
                    assertThat(event.userId()).startsWith("user-");
                    assertThat(event.previousId()).startsWith("anon-");
                }
                default -> {
                }
            }
            if (event.type() != dev.portrait.core.event.EventType.ALIAS) {
                assertThat(event.anonymousId()).startsWith("anon-");
                assertThat(event.context()).containsKeys("library", "ip", "userAgent", "locale");
            }
            if (event.number("price") == event.number("price")) {
                assertThat(event.number("price")).isPositive();
                assertThat(event.string("currency")).isEqualTo("USD");
            }
        }
        assertThat(kinds).contains("Products Searched", "Product Viewed", "Product Added", "Product Removed",
                "Product Added to Wishlist", "Checkout Started", "Order Completed", "Product Reviewed", "page",
                "screen", "identify", "alias");
    }

    @Test
    void ordersAddUpAndCarryTheirProducts() {
        int orders = 0;
        for (SyntheticEvent e : take(SMALL.withFlaws(0, 0), 100_000)) {
            if (!"Order Completed".equals(e.json().get("event"))) {
                continue;
            }
            orders++;
            Event order = EventCodec.fromCleanMap(e.json());
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> products = (List<Map<String, Object>>) order.properties().get("products");
            assertThat(products).isNotEmpty();
            double subtotal = 0;
            for (Map<String, Object> p : products) {
                assertThat(p).containsKeys("product_id", "category", "brand", "price", "quantity");
                subtotal += (Double) p.get("price") * (Long) p.get("quantity");
            }
            assertThat(order.number("subtotal")).isCloseTo(subtotal, org.assertj.core.data.Offset.offset(0.005));
            double discount = order.number("discount") == order.number("discount") ? order.number("discount") : 0;
            assertThat(order.number("revenue")).isCloseTo(subtotal - discount, org.assertj.core.data.Offset.offset(0.011));
            assertThat(order.number("total")).isCloseTo(order.number("revenue") + order.number("shipping")
                    + order.number("tax"), org.assertj.core.data.Offset.offset(0.011));
            assertThat(order.string("order_id")).startsWith("ord-");
        }
        assertThat(orders).isGreaterThan(100);
    }

    @Test
    void messageIdsAreUniqueAndADuplicateRepeatsAnEarlierEventByteForByte() {
        Map<String, byte[]> seen = new HashMap<>();
        int duplicates = 0;
        for (SyntheticEvent e : take(SMALL, 50_000)) {
            byte[] bytes = e.toJsonLine();
            byte[] earlier = seen.putIfAbsent(e.messageId(), bytes);
            if (e.flaw() == Flaw.DUPLICATE) {
                duplicates++;
                assertThat(earlier).as("a duplicate of something sent before").isNotNull();
                assertThat(bytes).isEqualTo(earlier);
            } else {
                assertThat(earlier).as("messageId %s is new", e.messageId()).isNull();
            }
        }
        assertThat(duplicates).isPositive();
    }

    @Test
    void flawRatesAreNearTheConfiguredRates() {
        SyntheticConfig config = SMALL.withFlaws(0.01, 0.02);
        int n = 200_000;
        int duplicates = 0;
        int malformed = 0;
        Map<Malformation, Integer> kinds = new HashMap<>();
        for (SyntheticEvent e : take(config, n)) {
            if (e.flaw() == Flaw.DUPLICATE) {
                duplicates++;
                assertThat(e.expectedCode()).isEqualTo("duplicate");
            } else if (e.flaw() == Flaw.MALFORMED) {
                malformed++;
                kinds.merge(e.malformation(), 1, Integer::sum);
                assertThat(e.expectedCode()).isEqualTo(e.malformation().code());
            } else {
                assertThat(e.expectedCode()).isNull();
            }
        }
        // Binomial standard deviations are about 45 and 63; allow more than four.
        assertThat(duplicates).isBetween(1_800, 2_200);
        assertThat(malformed).isBetween(3_700, 4_300);
        assertThat(kinds.keySet()).containsExactlyInAnyOrder(Malformation.values());
    }

    @Test
    void eachMalformedEventHasTheDefectItsLabelNames() {
        int checked = 0;
        for (SyntheticEvent e : take(SMALL.withFlaws(0, 0.05), 40_000)) {
            if (e.flaw() != Flaw.MALFORMED) {
                continue;
            }
            checked++;
            Map<String, Object> json = e.json();
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = (Map<String, Object>) json.get("properties");
            switch (e.malformation()) {
                case MISSING_ID -> assertThat(json).doesNotContainKeys("userId", "anonymousId");
                case NEGATIVE_PRICE -> assertThat((Double) properties.get("price")).isNegative();
                case PRICE_AS_STRING -> assertThat(properties.get("price")).isInstanceOf(String.class);
                case MISSING_EVENT_NAME -> {
                    assertThat(json.get("type")).isEqualTo("track");
                    assertThat(json).doesNotContainKey("event");
                }
                case INVALID_TIMESTAMP -> assertThatThrownBy(() -> Instant.parse((String) json.get("timestamp")))
                        .isInstanceOf(java.time.format.DateTimeParseException.class);
                case FUTURE_TIMESTAMP -> assertThat(Instant.parse((String) json.get("timestamp")))
                        .isAfter(Instant.parse((String) json.get("sentAt")).plus(Duration.ofDays(365)));
            }
            // The rest of the event is still intact, so only the labelled defect is wrong.
            assertThat(json).containsKeys("type", "messageId", "context", "sentAt");
        }
        assertThat(checked).isGreaterThan(1_500);
    }

    @Test
    void flawsAreSplicedIntoTheSameWellFormedStream() {
        List<SyntheticEvent> clean = take(SMALL.withFlaws(0, 0), 30_000);
        List<SyntheticEvent> flawed = take(SMALL.withFlaws(0.02, 0.02), 30_000);
        assertThat(clean).allMatch(e -> e.flaw() == Flaw.NONE);
        int i = 0;
        for (SyntheticEvent e : flawed) {
            if (e.flaw() == Flaw.DUPLICATE) {
                continue;
            }
            SyntheticEvent original = clean.get(i++);
            assertThat(e.messageId()).isEqualTo(original.messageId());
            assertThat(e.personId()).isEqualTo(original.personId());
            if (e.flaw() == Flaw.NONE) {
                assertThat(e.json()).isEqualTo(original.json());
            }
        }
    }

    @Test
    void timestampsRunBackOnlyForTheConfiguredShareAndNeverBeyondTheJitter() {
        Duration jitter = Duration.ofSeconds(3);
        int n = 100_000;
        long max = 0;
        int late = 0;
        int counted = 0;
        for (SyntheticEvent e : take(SMALL.withJitter(0.01, jitter), n)) {
            if (e.flaw() != Flaw.NONE) {
                continue;
            }
            long t = Instant.parse((String) e.json().get("timestamp")).toEpochMilli();
            assertThat(t).as("%s", e.json()).isGreaterThanOrEqualTo(max - jitter.toMillis());
            if (t < max) {
                late++;
            }
            max = Math.max(max, t);
            counted++;
        }
        assertThat(late).isBetween(counted / 200, counted / 50);

        long previous = Long.MIN_VALUE;
        for (SyntheticEvent e : take(SMALL.withJitter(0, Duration.ZERO), 20_000)) {
            if (e.flaw() == Flaw.NONE) {
                long t = Instant.parse((String) e.json().get("timestamp")).toEpochMilli();
                assertThat(t).isGreaterThanOrEqualTo(previous);
                previous = t;
            }
        }
    }

    @Test
    void theClockStartsAtTheConfiguredStartAndFollowsTheEvents() {
        Instant start = Instant.parse("2030-06-01T12:00:00Z");
        SyntheticStream stream = SyntheticStream.of(SMALL.withStart(start).withJitter(0, Duration.ZERO)
                .withFlaws(0, 0));
        assertThat(stream.clock()).isEqualTo(start);
        SyntheticEvent first = stream.next();
        assertThat(Instant.parse((String) first.json().get("timestamp"))).isEqualTo(stream.clock())
                .isAfterOrEqualTo(start);
        stream.limit(50_000).forEachRemaining(e -> { });
        assertThat(stream.clock()).isAfter(start.plus(Duration.ofMinutes(30)));
    }

    @Test
    void aPopulationSmallerThanTheSessionPoolKeepsOneSessionPerPersonOpen() {
        SyntheticStream stream = SyntheticStream.of(SyntheticConfig.defaults(8).withUsers(3)).limit(2_000);
        Set<String> persons = new HashSet<>();
        stream.forEachRemaining(e -> persons.add(e.personId()));
        assertThat(persons).containsExactlyInAnyOrder("person-0", "person-1", "person-2");
    }

    /** Memory and speed sanity: a million persons, a million events, a few seconds, no timing asserted. */
    @Test
    void generatesAMillionEventsOverAMillionPersons() {
        SyntheticStream stream = SyntheticStream.of(SyntheticConfig.defaults(7)).limit(1_000_000);
        BitSet persons = new BitSet(1_000_000);
        long fields = 0;
        while (stream.hasNext()) {
            SyntheticEvent e = stream.next();
            persons.set(Persona.indexOf(e.personId()));
            fields += e.json().size();
        }
        assertThat(stream.emitted()).isEqualTo(1_000_000);
        assertThat(fields).isGreaterThan(8_000_000);
        assertThat(persons.cardinality()).as("distinct persons").isGreaterThan(30_000);
    }
}
