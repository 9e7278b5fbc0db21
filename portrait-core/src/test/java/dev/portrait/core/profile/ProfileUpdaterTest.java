package dev.portrait.core.profile;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.feature.Feature;
import dev.portrait.core.segment.SegmentTransition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static java.time.Duration.ofDays;
import static java.time.Duration.ofHours;
import static java.time.Duration.ofMinutes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ProfileUpdaterTest {
    private static final ProfileDefinition DEFINITION = DefinitionLoader.defaultEcommerce();
    private final ProfileUpdater updater = new ProfileUpdater(DEFINITION);
    private final ProfileCodec codec = new ProfileCodec(updater);
    private final TestEvents events = new TestEvents();

    private Profile fold(Profile p, List<Event> stream) {
        for (Event e : stream) {
            p = updater.applyInPlace(p, e).profile();
        }
        return p;
    }

    @Test
    void viewsAndOrdersShowInWindowsInterestsAndSegments() {
        Profile p = updater.newProfile("p1");
        List<UpdateResult> results = new ArrayList<>();
        results.add(updater.apply(p, events.view("u1", ofMinutes(0), "sku1", "shoes", "acme", 50)));
        p = results.get(0).profile();
        p = updater.apply(p, events.view("u1", ofMinutes(5), "sku2", "shoes", "zeta", 70)).profile();
        p = updater.apply(p, events.view("u1", ofMinutes(9), "sku3", "bags", "acme", 90)).profile();
        UpdateResult ordered = updater.apply(p, events.order("u1", ofMinutes(20), 600));
        p = ordered.profile();

        long now = p.clock();
        Map<String, Object> f = updater.featureValues(p, now);
        assertThat(f.get("views_1h")).isEqualTo(3L);
        assertThat(f.get("views_30d")).isEqualTo(3L);
        assertThat(f.get("orders_24h")).isEqualTo(1L);
        assertThat(f.get("revenue_30d")).isEqualTo(600.0);
        assertThat(f.get("distinct_products_viewed")).isEqualTo(3L);
        @SuppressWarnings("unchecked")
        Map<String, Double> interest = (Map<String, Double>) f.get("interest_category");
        // shoes: two views 20 and 15 minutes before now; bags: one view 11 minutes before; half-life 7 days
        double h = ofDays(7).toMillis();
        assertThat(interest.get("shoes")).isCloseTo(Math.pow(2, -ofMinutes(20).toMillis() / h)
                + Math.pow(2, -ofMinutes(15).toMillis() / h), within(1e-9));
        assertThat(interest.keySet()).startsWith("shoes");
        assertThat(updater.segmentNames(p)).contains("high_value", "new_user", "active_viewer")
                .doesNotContain("cart_abandoner", "churn_risk");
        assertThat(results.get(0).transitions()).extracting(SegmentTransition::segment)
                .contains("new_user", "active_viewer");
        assertThat(ordered.transitions()).extracting(SegmentTransition::segment, SegmentTransition::entered)
                .contains(org.assertj.core.groups.Tuple.tuple("high_value", true));
        assertThat(ordered.changes()).extracting(Change::field)
                .contains("features.orders_24h", "features.revenue_30d", "features.order_value_ewma")
                .doesNotContain("features.views_24h");
        Change orders = ordered.changes().stream().filter(c -> c.field().equals("features.orders_24h")).findFirst()
                .orElseThrow();
        assertThat(orders.oldValue()).isEqualTo(0L);
        assertThat(orders.newValue()).isEqualTo(1L);
        assertThat(orders.messageId()).isEqualTo(ordered.transitions().get(0).cause());
    }

    @Test
    void aChangeToACollectionFeatureListsOnlyTheEntriesTheEventTouched() {
        Profile p = fold(updater.newProfile("p1"), List.of(events.view("u1", ofMinutes(0), "a", "shoes", "x", 1),
                events.view("u1", ofMinutes(1), "b", "hats", "y", 1)));
        UpdateResult r = updater.apply(p, events.view("u1", ofMinutes(2), "c", "shoes", "y", 1));
        Change interest = r.changes().stream().filter(c -> c.field().equals("features.interest_category")).findFirst()
                .orElseThrow();
        assertThat(((Map<?, ?>) interest.oldValue()).keySet()).isEqualTo(java.util.Set.of("shoes"));
        assertThat(((Map<?, ?>) interest.newValue()).keySet()).isEqualTo(java.util.Set.of("shoes"));
        @SuppressWarnings("unchecked")
        Map<String, Double> full = (Map<String, Double>) updater.featureValues(r.profile(), r.profile().clock())
                .get("interest_category");
        assertThat((Double) ((Map<?, ?>) interest.newValue()).get("shoes")).isEqualTo(full.get("shoes"));
        @SuppressWarnings("unchecked")
        Change recent = r.changes().stream().filter(c -> c.field().equals("features.recently_viewed")).findFirst()
                .orElseThrow();
        assertThat((List<?>) recent.oldValue()).isEmpty();
        assertThat((List<Object>) recent.newValue()).containsExactly((Object) Map.of("item", "c",
                "at", TestEvents.T0.plus(ofMinutes(2)).toEpochMilli()));
    }

    @Test
    void applyDoesNotChangeTheProfileItWasGiven() {
        Profile p = fold(updater.newProfile("p1"), List.of(events.view("u1", ofMinutes(0), "a", "shoes", "x", 1)));
        byte[] before = codec.encode(p);
        updater.apply(p, events.order("u1", ofMinutes(3), 20));
        assertThat(codec.encode(p)).isEqualTo(before);
    }

    @Test
    void anActiveViewerLeavesTheSegmentWhenTheWindowSlidesWithNoNewEvent() {
        Profile p = fold(updater.newProfile("p1"), List.of(events.view("u1", ofMinutes(0), "a", "shoes", "x", 1)));
        int active = updater.segments().indexOf("active_viewer");
        assertThat(p.inSegment(active)).isTrue();
        long viewedAt = TestEvents.T0.toEpochMilli();
        assertThat(p.nextCheck()).isGreaterThan(viewedAt).isLessThanOrEqualTo(viewedAt + ofHours(25).toMillis());

        assertThat(updater.advance(p, viewedAt + ofHours(23).toMillis()).transitions())
                .noneMatch(t -> t.segment().equals("active_viewer"));
        long t = viewedAt + ofHours(23).toMillis();
        List<SegmentTransition> exits = new ArrayList<>();
        while (exits.stream().noneMatch(x -> x.segment().equals("active_viewer")) && t < viewedAt + ofDays(3).toMillis()) {
            t = Math.max(t + 1, p.nextCheck());
            exits.addAll(updater.advance(p, t).transitions());
        }
        SegmentTransition exit = exits.stream().filter(x -> x.segment().equals("active_viewer")).findFirst().orElseThrow();
        assertThat(exit.entered()).isFalse();
        assertThat(exit.cause()).isEqualTo("time");
        // exact to the tile: the 24h window counts whole 1h tiles, so the view leaves between 24h and 25h later
        assertThat(exit.time() - viewedAt).isBetween(ofHours(24).toMillis(), ofHours(25).toMillis());
        assertThat(p.inSegment(active)).isFalse();
    }

    @Test
    void aReplayWithoutTimersEndsInTheSameMembershipsAsALiveRunWithTimers() {
        List<Event> stream = List.of(events.view("u1", ofMinutes(0), "a", "shoes", "x", 1),
                events.identify("u1", ofDays(3), "server", "plan", "pro"));
        Profile live = updater.newProfile("p1");
        updater.applyInPlace(live, stream.get(0));
        updater.advance(live, TestEvents.T0.plus(ofDays(2)).toEpochMilli());
        updater.applyInPlace(live, stream.get(1));
        Profile replayed = fold(updater.newProfile("p1"), stream);
        assertThat(updater.segmentNames(replayed)).isEqualTo(updater.segmentNames(live)).doesNotContain("active_viewer");
    }

    @Test
    void replayingTheSameEventsTwiceGivesByteIdenticalProfiles() {
        for (long seed = 1; seed <= 20; seed++) {
            List<Event> stream = randomStream(new SplittableRandom(seed), 300);
            byte[] first = codec.encode(fold(updater.newProfile("p"), stream));
            byte[] second = codec.encode(fold(updater.newProfile("p"), stream));
            assertThat(second).as("seed=%d", seed).isEqualTo(first);
        }
    }

    @Test
    void aProfileSurvivesItsBinaryFormByteForByte() {
        for (long seed = 1; seed <= 20; seed++) {
            Profile p = fold(updater.newProfile("p"), randomStream(new SplittableRandom(seed), 200));
            byte[] bytes = codec.encode(p);
            Profile back = codec.decode(bytes);
            assertThat(codec.encode(back)).as("seed=%d", seed).isEqualTo(bytes);
            assertThat(updater.featureValues(back, p.clock())).as("seed=%d", seed)
                    .isEqualTo(updater.featureValues(p, p.clock()));
            assertThat(back.traits()).isEqualTo(p.traits());
            assertThat(updater.segmentNames(back)).isEqualTo(updater.segmentNames(p));
        }
    }

    @Test
    void mergingTwoProfilesEqualsFoldingBothStreamsIntoOneForOrderFreeFeatures() {
        for (long seed = 1; seed <= 30; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            List<Event> stream = randomStream(random, 200);
            List<Event> a = new ArrayList<>();
            List<Event> b = new ArrayList<>();
            for (Event e : stream) {
                (random.nextBoolean() ? a : b).add(e);
            }
            Profile whole = fold(updater.newProfile("w"), stream);
            UpdateResult merged = updater.merge(fold(updater.newProfile("w"), a), fold(updater.newProfile("l"), b));
            long now = whole.clock();
            Map<String, Object> expected = updater.featureValues(whole, now);
            Map<String, Object> actual = updater.featureValues(merged.profile(), now);
            for (Feature<?> f : DEFINITION.features()) {
                if (f.orderFree()) {
                    assertValueClose("seed=" + seed + " feature=" + f.name(), actual.get(f.name()), expected.get(f.name()));
                }
            }
            assertThat(merged.profile().traits()).as("seed=%d", seed).isEqualTo(whole.traits());
            assertThat(merged.profile().version()).isEqualTo(whole.version());
        }
    }

    @Test
    void traitsFollowTheirConflictPolicyWhateverTheArrivalOrder() {
        List<Event> stream = List.of(
                events.identify("u1", ofMinutes(1), "browser", "plan", "free", "signup_channel", "ads", "city", "Paris"),
                events.identify("u1", ofMinutes(2), "backoffice", "plan", "enterprise", "signup_channel", "seo"),
                events.identify("u1", ofMinutes(3), "server", "plan", "pro", "city", "Lyon"));
        for (List<Event> order : List.of(stream, List.of(stream.get(2), stream.get(0), stream.get(1)),
                List.of(stream.get(1), stream.get(2), stream.get(0)))) {
            Profile p = fold(updater.newProfile("p"), order);
            assertThat(p.traits().get("plan").value()).as("source priority: backoffice first").isEqualTo("enterprise");
            assertThat(p.traits().get("plan").source()).isEqualTo("backoffice");
            assertThat(p.traits().get("signup_channel").value()).as("first wins").isEqualTo("ads");
            assertThat(p.traits().get("city").value()).as("latest wins").isEqualTo("Lyon");
        }
    }

    @Test
    void aLateEventCountsInItsOwnTileButNeverMovesTheProfileBack() {
        Profile p = fold(updater.newProfile("p"), List.of(events.view("u1", ofHours(30), "a", "shoes", "x", 1)));
        long clock = p.clock();
        UpdateResult late = updater.apply(p, events.view("u1", ofHours(1), "b", "bags", "x", 1));
        assertThat(late.profile().clock()).isEqualTo(clock);
        Map<String, Object> f = updater.featureValues(late.profile(), clock);
        assertThat(f.get("views_24h")).isEqualTo(1L);
        assertThat(f.get("views_7d")).isEqualTo(2L);
    }

    private static void assertValueClose(String what, Object actual, Object expected) {
        if (expected instanceof Double e && actual instanceof Double a) {
            assertThat(a).as(what).isCloseTo(e, within(Math.abs(e) * 1e-9 + 1e-12));
        } else if (expected instanceof Map<?, ?> em && actual instanceof Map<?, ?> am) {
            assertThat(am.keySet()).as(what).isEqualTo(em.keySet());
            for (Object k : em.keySet()) {
                assertValueClose(what + "[" + k + "]", am.get(k), em.get(k));
            }
        } else {
            assertThat(actual).as(what).isEqualTo(expected);
        }
    }

    private List<Event> randomStream(SplittableRandom r, int n) {
        List<Event> out = new ArrayList<>();
        String[] categories = {"shoes", "bags", "hats", "coats"};
        String[] brands = {"acme", "zeta", "nova"};
        Duration at = Duration.ZERO;
        for (int i = 0; i < n; i++) {
            at = at.plusMinutes(r.nextInt(0, 600));
            int kind = r.nextInt(10);
            if (kind < 6) {
                out.add(events.view("u1", at, "sku" + r.nextInt(40), categories[r.nextInt(4)], brands[r.nextInt(3)],
                        r.nextInt(1, 200)));
            } else if (kind < 8) {
                out.add(events.track("u1", "Product Added", at, "product_id", "sku" + r.nextInt(40), "price", 5.0,
                        "category", categories[r.nextInt(4)], "quantity", 1L));
            } else if (kind < 9) {
                out.add(events.order("u1", at, r.nextInt(1, 500)));
            } else {
                out.add(events.identify("u1", at, r.nextBoolean() ? "server" : "browser", "plan",
                        r.nextBoolean() ? "pro" : "free", "city", "c" + r.nextInt(3)));
            }
        }
        return out;
    }
}
