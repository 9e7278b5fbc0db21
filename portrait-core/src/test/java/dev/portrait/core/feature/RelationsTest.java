package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.event.Event;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static dev.portrait.core.feature.FeatureContractTest.encode;
import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.DAY;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.track;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The relation kinds' own behaviour; {@link FeatureContractTest} checks their laws against brute-force recounts. */
class RelationsTest {
    private static final String TIES = "{counterpart: to, inboundCounterpart: from,"
            + " weights: {User Followed: 1, Message Sent: 3}, inbound: {Follower Gained: 1, Message Received: 2},"
            + " halfLife: 1d, ";

    private static Event sent(long time, Object to) {
        return track("Message Sent", time, Map.of("to", to));
    }

    private static Event followed(long time, Object to) {
        return track("User Followed", time, Map.of("to", to));
    }

    private static Event received(long time, Object from) {
        return track("Message Received", time, Map.of("from", from));
    }

    @Test
    void aTieIsTheWeightedInteractionHalvedEveryHalfLifeInBothDirections() {
        Feature<Object> f = Specs.feature(TIES + "kind: tie_strength}");
        Object s = fold(f, List.of(sent(T0, "ann"), followed(T0 + DAY, "bob"), received(T0 + DAY, "ann")));
        // ann: 3 * 2^-2 + 2 * 2^-1 = 1.75; bob: 1 * 2^-1 = 0.5
        assertThat(f.read(s, T0 + 2 * DAY)).isEqualTo(Map.of("ann", 1.75, "bob", 0.5));
        assertThat(new ArrayList<Object>(((Map<?, ?>) f.read(s, T0 + 2 * DAY)).keySet())).containsExactly("ann", "bob");
        Feature<Object> outOnly = Specs.feature(TIES + "kind: tie_strength, direction: in}");
        assertThat(outOnly.read(fold(outOnly, List.of(sent(T0, "ann"), followed(T0 + DAY, "bob"),
                received(T0 + DAY, "ann"))), T0 + DAY)).as("only ann reached back").isEqualTo(Map.of("ann", 2.0));
    }

    @Test
    void strongTiesCountThoseAboveTheThresholdUntilTheyDecayBelowIt() {
        Feature<Object> f = Specs.feature(TIES + "kind: strong_ties, threshold: 1}");
        Object s = fold(f, List.of(sent(T0, "ann"), followed(T0, "bob"), sent(T0, "cy")));
        assertThat(f.read(s, T0)).isEqualTo(3L);
        // ann and cy: 3 * 2^(-t/1d) >= 1 until t = log2(3) days; bob drops below at once
        assertThat(f.read(s, T0 + 1)).isEqualTo(2L);
        long crossing = f.nextChange(s, T0 + 1);
        assertThat((double) crossing).isCloseTo(T0 + DAY * Math.log(3) / Math.log(2), org.assertj.core.data.Offset.offset(2.0));
        assertThat(f.read(s, crossing - 1)).isEqualTo(2L);
        assertThat(f.read(s, crossing)).isEqualTo(0L);
        assertThat(f.nextChange(s, crossing)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void degreeCountsDistinctCounterpartsWhoseNewestInteractionIsInTheWindow() {
        Feature<Object> out = Specs.feature(TIES + "kind: degree, window: 7d}");
        Feature<Object> in = Specs.feature(TIES + "kind: degree, window: 7d, direction: in}");
        List<Event> events = List.of(sent(T0, "ann"), sent(T0 + 5 * DAY, "ann"), followed(T0 + DAY, "bob"),
                received(T0 + 2 * DAY, "cy"), sent(T0, List.of("dee", "eve", "dee")));
        assertThat(out.read(fold(out, events), T0 + 6 * DAY)).isEqualTo(4L);
        assertThat(out.read(fold(out, events), T0 + 7 * DAY)).as("dee and eve left the window").isEqualTo(2L);
        assertThat(out.nextChange(fold(out, events), T0 + 7 * DAY)).isEqualTo(T0 + 8 * DAY);
        assertThat(in.read(fold(in, events), T0 + 6 * DAY)).isEqualTo(1L);
    }

    @Test
    void reciprocityIsTheShareOfPeopleReachedWhoReachedBack() {
        Feature<Object> f = Specs.feature(TIES + "kind: reciprocity}");
        assertThat(f.read(f.empty(), T0)).as("no one reached: no value").isNull();
        Object s = fold(f, List.of(sent(T0, "ann"), followed(T0, "bob"), received(T0, "ann"), received(T0, "zed")));
        assertThat(f.read(s, T0 + 400 * DAY)).isEqualTo(0.5);
    }

    @Test
    void counterpartsAreTrimmedAndCountedOncePerEvent() {
        Feature<Object> f = Specs.feature(TIES + "kind: tie_strength}");
        Object s = fold(f, List.of(sent(T0, List.of(" ann", "ann ", "bob")), sent(T0, " "), sent(T0, 42L)));
        assertThat(f.read(s, T0)).isEqualTo(Map.of("ann", 3.0, "bob", 3.0, "42", 3.0));
        assertThat(((Ties) f).counterparts(received(T0, List.of("x ", " x")))).containsExactly("x");
        assertThat(((Ties) f).identifierType()).isEqualTo("user_id");
    }

    @Test
    void unitingTwoKeysOfOnePersonEqualsHavingFoldedEveryEventUnderOne() {
        Feature<Object> f = Specs.feature(TIES + "kind: tie_strength}");
        Feature<Object> degree = Specs.feature(TIES + "kind: degree, window: 7d, direction: both}");
        List<Event> split = List.of(sent(T0, "ann@a"), received(T0 + DAY, "ann@b"), followed(T0 + 2 * DAY, "bob"));
        List<Event> whole = List.of(sent(T0, "ann@b"), received(T0 + DAY, "ann@b"), followed(T0 + 2 * DAY, "bob"));
        for (Feature<Object> g : List.of(f, degree)) {
            Object united = ((Ties) g).unite(fold(g, split), "ann@b", List.of("ann@a", "ann@b", "nobody"));
            assertThat(encode(g, united)).as(g.kind()).isEqualTo(encode(g, fold(g, whole)));
        }
        Object intoNew = ((Ties) f).unite(fold(f, split), "ann", Set.of("ann@a", "ann@b"));
        assertThat(f.read(intoNew, T0 + 2 * DAY)).isEqualTo(Map.of("ann", 3 * 0.25 + 2 * 0.5, "bob", 1.0));
    }

    @Test
    void aPersonWithAHundredThousandCounterpartsKeepsOnlyCapacityOfThem() {
        Feature<Object> f = Specs.feature(TIES + "kind: tie_strength, topK: 10, capacity: 50}");
        List<Event> bulk = TestEvents.byTime(TestEvents.social(365 * DAY, 100_000).events(new SplittableRandom(7), 100_000));
        Object s = f.empty();
        int largest = 0;
        for (int i = 0; i < bulk.size(); i++) {
            if (FeatureContractTest.matches(f, bulk.get(i))) {
                s = f.update(s, bulk.get(i));
            }
            if (i % 5_000 == 4_999) {
                largest = Math.max(largest, encode(f, s).length);
            }
        }
        assertThat(((Relations.State) s).size()).isEqualTo(50);
        // per counterpart: a key of up to 7 bytes + length, flags, and per side a double and a time
        assertThat(largest).isLessThanOrEqualTo(50 * (8 + 1 + 2 * (8 + 7)) + 8);
        assertThat((Map<?, ?>) f.read(s, T0 + 365 * DAY)).hasSize(10);
    }

    @Test
    void theStrongestTiesSurviveEvictionOfManyWeakOnes() {
        Feature<Object> f = Specs.feature(TIES + "kind: tie_strength, topK: 3, capacity: 10}");
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            events.add(followed(T0 + i * 60_000L, "stranger" + i));
            if (i % 10 == 0) {
                events.add(sent(T0 + i * 60_000L, List.of("ann", "bob", "cy")));
            }
        }
        assertThat(new ArrayList<Object>(((Map<?, ?>) f.read(fold(f, events), T0 + DAY)).keySet()))
                .containsExactly("ann", "bob", "cy");
    }

    @Test
    void misdeclaredRelationsNameTheirPath() {
        assertThatThrownBy(() -> Specs.feature("{kind: degree, counterpart: to, window: 7d}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith("features[3].weights: is required");
        assertThatThrownBy(() -> Specs.feature("{kind: tie_strength, counterpart: to, weights: {Message Sent: -1}}"))
                .hasMessage("features[3].weights.\"Message Sent\": must be positive, got -1.0");
        assertThatThrownBy(() -> Specs.feature("{kind: tie_strength, counterpart: to, weights: {Message Sent: 1},"
                + " inbound: {Message Sent: 1}}"))
                .hasMessageStartingWith("features[3].inbound.\"Message Sent\": is also in weights");
        assertThatThrownBy(() -> Specs.feature("{kind: tie_strength, counterpart: to, weights: {Message Sent: 1},"
                + " events: [Message Sent]}"))
                .hasMessageStartingWith("features[3].events: relations take their events from weights");
        assertThatThrownBy(() -> Specs.feature("{kind: strong_ties, counterpart: to, weights: {Message Sent: 1}}"))
                .hasMessage("features[3].threshold: is required");
        assertThatThrownBy(() -> Specs.feature("{kind: degree, counterpart: to, weights: {Message Sent: 1}}"))
                .hasMessage("features[3].window: is required");
        assertThatThrownBy(() -> Specs.feature("{kind: tie_strength, counterpart: to, weights: {Message Sent: 1},"
                + " threshold: 2}"))
                .as("a parameter of another relation kind is left unread").hasMessageStartingWith("features[3].threshold: unknown key");
        assertThat(Specs.feature(TIES + "kind: degree, window: 1d}").events())
                .isEqualTo(Set.of("User Followed", "Message Sent", "Follower Gained", "Message Received"));
    }
}
