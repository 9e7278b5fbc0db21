package dev.portrait.server.runtime;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.MergeView;
import dev.portrait.server.port.ReversedMerge;
import dev.portrait.store.LogCursor;
import dev.portrait.store.LogEntry;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Reversing a merge gives each person the profile a fresh engine builds from their own events alone: two
 * people with seeded streams, a merge (an event carrying both their ids), more events to the merged
 * profile (some naming one person, some the other, some both), then the reversal, checked against a
 * brute-force reference per person.
 */
class MergeReversalTest {
    /** The runtime's clock stays before every event, so no timer falls due and the histories hold events only. */
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String[] PRODUCTS = {"p1", "p2", "p3", "p4", "p5", "p6"};
    private static final String[] CATEGORIES = {"shoes", "books", "garden"};

    private final ProfileDefinition definition = DefinitionLoader.defaultEcommerce();
    private PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults());
    private EmbeddedRuntime runtime;
    private long time = NOW.toEpochMilli();
    private int next;
    /** Which person each message belongs to, by the rule the reversal must follow. */
    private final Map<String, String> ownerOf = new HashMap<>();

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
        store.close();
    }

    private void start() {
        runtime = EmbeddedRuntime.start(store, definition, Clock.fixed(NOW, ZoneOffset.UTC),
                new RuntimeOptions(10_000, Duration.ofMillis(20), 2_000, 500, 1_000_000, Duration.ZERO),
                IngestCounters.NONE);
    }

    private IncomingEvent event(Random random, String owner, String userId, String anonymousId) {
        time += 1_000 + random.nextInt(60_000);
        Map<String, Object> json = new LinkedHashMap<>();
        String messageId = "m" + (++next);
        json.put("messageId", messageId);
        if (userId != null) {
            json.put("userId", userId);
        }
        if (anonymousId != null) {
            json.put("anonymousId", anonymousId);
        }
        if (random.nextInt(5) == 0) {
            json.put("type", "identify");
            json.put("traits", Map.of("plan", random.nextBoolean() ? "free" : "pro", "age", 20 + random.nextInt(40)));
        } else {
            json.put("type", "track");
            json.put("event", random.nextInt(4) == 0 ? "Product Added" : "Product Viewed");
            json.put("properties", Map.of("product_id", PRODUCTS[random.nextInt(PRODUCTS.length)],
                    "category", CATEGORIES[random.nextInt(CATEGORIES.length)], "price", random.nextInt(200)));
        }
        json.put("timestamp", Instant.ofEpochMilli(time).toString());
        ownerOf.put(messageId, owner);
        try {
            return new IncomingEvent(json, EventCodec.mapper().writeValueAsBytes(json), Instant.ofEpochMilli(time), 0);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void ingest(List<IncomingEvent> events) {
        for (IncomingEvent e : events) { // one at a time, so the log keeps the order they were made in
            runtime.ingest(List.of(e));
        }
        runtime.flush();
    }

    /** Each person's profile as a fresh engine builds it from only their events, in log order. */
    private Map<String, Profile> reference() {
        ProfileEngine fresh = new ProfileEngine(definition, ProfileUpdater.ChangeTracking.OFF, store.profileIdKey());
        Map<String, InMemoryIdentityStore> identities = new HashMap<>();
        Map<String, ProfileTable> tables = new HashMap<>();
        Map<String, Profile> out = new HashMap<>();
        LogCursor cursor = store.events().replay(1);
        while (cursor.hasNext()) {
            LogEntry entry = cursor.next();
            Event e = entry.decode();
            String person = ownerOf.get(e.messageId());
            // a world of its own per person: nobody else's identifiers can pull their events anywhere
            Profile p = fresh.apply(e, identities.computeIfAbsent(person, k -> new InMemoryIdentityStore()),
                    tables.computeIfAbsent(person, k -> ProfileTable.inMemory())).profile();
            out.put(person, p);
        }
        return out;
    }

    private Profile live(String idType, String id) {
        return runtime.worker().call(() -> {
            String pid = runtime.worker().identities().profileOf(new dev.portrait.core.identity.Identifier(idType, id))
                    .orElse(null);
            return pid == null ? null : runtime.worker().load(pid);
        });
    }

    private byte[] bytes(Profile p) {
        return runtime.worker().engine().codec().encode(p);
    }

    @Test
    void reversingAMergeGivesEachPersonWhatTheirOwnEventsFoldTo() {
        Long one = Long.getLong("seed");
        List<Long> seeds = one != null ? List.of(one) : List.of(20261203L, 1L, 42L, 777L, 31337L);
        for (long seed : seeds) {
            if (runtime != null) { // a fresh store and runtime per seed
                runtime.close();
                runtime = null;
                store.close();
                store = PortraitStore.inMemory(StoreOptions.defaults());
                ownerOf.clear();
                time = NOW.toEpochMilli();
                next = 0;
            }
            reverseOnce(seed);
        }
    }

    /** Ada is known by an anonymous id, Bob by a user id: the two identifier types the default rules merge. */
    private static String[] idOf(String person) {
        return person.equals("ada") ? new String[] {"anonymous_id", "anon-ada"} : new String[] {"user_id", "user-bob"};
    }

    private Profile live(String person) {
        String[] id = idOf(person);
        return live(id[0], id[1]);
    }

    private void reverseOnce(long seed) {
        Random random = new Random(seed);
        try {
            start();
            List<IncomingEvent> events = new ArrayList<>();
            String first = null;
            for (int i = 0; i < 20 + random.nextInt(20); i++) {
                boolean ada = random.nextBoolean();
                first = first == null ? (ada ? "ada" : "bob") : first;
                events.add(ada ? event(random, "ada", null, "anon-ada") : event(random, "bob", "user-bob", null));
            }
            // the older profile wins; an event naming both stays with it, the cause of the merge included
            String winner = first;
            String loser = winner.equals("ada") ? "bob" : "ada";
            events.add(event(random, "cyd", "user-cyd", null)); // a bystander the reversal must not touch
            events.add(event(random, winner, "user-bob", "anon-ada")); // the merge
            for (int i = 0; i < 20 + random.nextInt(20); i++) {
                int pick = random.nextInt(5);
                events.add(pick < 2 ? event(random, "ada", null, "anon-ada")
                        : pick < 4 ? event(random, "bob", "user-bob", null)
                        : event(random, winner, "user-bob", "anon-ada"));
            }
            ingest(events);

            String[] w = idOf(winner);
            assertThat(live(loser).profileId()).isEqualTo(live(winner).profileId());
            List<MergeView> merges = runtime.merges(w[0], w[1]).orElseThrow();
            assertThat(merges).hasSize(1);
            MergeView merge = merges.get(0);
            assertThat(merge.reversible()).isTrue();
            assertThat(merge.identifiers()).extracting(MergeView.Identity::value).containsExactly(idOf(loser)[1]);
            byte[] cydBefore = bytes(live("user_id", "user-cyd"));

            ReversedMerge reversed = runtime.reverseMerge(w[0], w[1], merge.mergeId(), "test");

            Map<String, Profile> expected = reference();
            Profile won = live(winner);
            Profile lost = live(loser);
            assertThat(lost.profileId()).isEqualTo(merge.mergeId()).isEqualTo(reversed.loser())
                    .isNotEqualTo(won.profileId());
            assertThat(won.profileId()).isEqualTo(reversed.winner());
            assertSameBytes(winner + "'s profile", bytes(won), bytes(expected.get(winner)));
            assertSameBytes(loser + "'s profile", bytes(lost), bytes(expected.get(loser)));
            assertSameBytes("cyd's profile", bytes(live("user_id", "user-cyd")), cydBefore);
            // the histories (which /changes and ?at= replay) list each person's own events and no merge
            assertThat(historyOwners(won.profileId())).containsOnly(winner);
            assertThat(historyOwners(lost.profileId())).containsOnly(loser);
            long losersLater = ownerOf.entrySet().stream().filter(e -> e.getValue().equals(loser)
                    && Integer.parseInt(e.getKey().substring(1)) > Integer.parseInt(merge.causeMessageId().substring(1)))
                    .count();
            assertThat(reversed.eventsToLoser()).isEqualTo((int) losersLater);
            assertThat(runtime.merges(w[0], w[1]).orElseThrow()).isEmpty();

            // readers see it at once, and the segment bitmaps agree with each profile
            for (Profile p : List.of(won, lost)) {
                String person = p == won ? winner : loser;
                assertThat(runtime.profile(idOf(person)[0], idOf(person)[1], null).orElseThrow().profileId())
                        .isEqualTo(p.profileId());
                for (var s : runtime.segments()) {
                    assertThat(members(s.name()).contains(p.profileId())).as(person + " in " + s.name())
                            .isEqualTo(p.inSegment(segmentIndex(s.name())));
                }
            }

            // durable: a restart on the same store reads both back, and the merge cannot be reversed twice
            byte[] wonBytes = bytes(won);
            byte[] lostBytes = bytes(lost);
            runtime.close();
            start();
            assertSameBytes(winner + " after a restart", bytes(live(winner)), wonBytes);
            assertSameBytes(loser + " after a restart", bytes(live(loser)), lostBytes);
            assertThatThrownBy(() -> runtime.reverseMerge(w[0], w[1], merge.mergeId(), "test"))
                    .isInstanceOfSatisfying(PortraitException.class, e -> assertThat(e.code()).isEqualTo("merge_not_found"));
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + " (rerun with -Dseed=" + seed + "): " + e.getMessage(), e);
        }
    }

    @Test
    void onlyTheLatestMergeCanBeReversedAndThenTheOneBefore() {
        Random random = new Random(7);
        start();
        ingest(List.of(event(random, "ada", null, "anon-ada"), event(random, "bob", "user-bob", null),
                event(random, "cyd", null, "anon-cyd"), event(random, "ada", "user-bob", "anon-ada")));
        ingest(List.of(event(random, "ada", "user-bob", "anon-cyd")));
        List<MergeView> merges = runtime.merges("anonymous_id", "anon-ada").orElseThrow();
        assertThat(merges).hasSize(2);
        assertThat(merges).extracting(MergeView::reversible).containsExactly(false, true);

        assertThatThrownBy(() -> runtime.reverseMerge("anonymous_id", "anon-ada", merges.get(0).mergeId(), "test"))
                .isInstanceOfSatisfying(PortraitException.class, e -> {
                    assertThat(e.code()).isEqualTo("merge_not_latest");
                    assertThat(e.getMessage()).contains("reverse " + merges.get(1).mergeId() + " first");
                });
        assertThatThrownBy(() -> runtime.reverseMerge("anonymous_id", "anon-ada", "p_0000000000000000", "test"))
                .isInstanceOfSatisfying(PortraitException.class, e -> assertThat(e.code()).isEqualTo("merge_not_found"));
        assertThat(runtime.reverseMerge("anonymous_id", "nobody", merges.get(1).mergeId(), "test")).isNull();

        runtime.reverseMerge("anonymous_id", "anon-ada", merges.get(1).mergeId(), "test");
        assertThat(runtime.merges("anonymous_id", "anon-ada").orElseThrow()).extracting(MergeView::reversible)
                .containsExactly(true);
        runtime.reverseMerge("anonymous_id", "anon-ada", merges.get(0).mergeId(), "test");

        String ada = live("anonymous_id", "anon-ada").profileId();
        String bob = live("user_id", "user-bob").profileId();
        String cyd = live("anonymous_id", "anon-cyd").profileId();
        assertThat(List.of(ada, bob, cyd)).doesNotHaveDuplicates();
        assertThat(runtime.audit().recent()).filteredOn(e -> e.action().equals("merge_reversed")).hasSize(2)
                .allSatisfy(e -> assertThat(e.detail()).contains("winner=" + ada));
    }

    /** Byte arrays hundreds long: say which differ and where, not print both. */
    private static void assertSameBytes(String what, byte[] actual, byte[] expected) {
        assertThat(java.util.Arrays.mismatch(actual, expected)).as(what + ": first differing byte (of " + actual.length
                + " and " + expected.length + ")").isEqualTo(-1);
    }

    /** Whose events a profile's stored history lists (a merge entry counts as "merge"). */
    private List<String> historyOwners(String profileId) {
        List<String> out = new ArrayList<>();
        for (dev.portrait.store.HistoryEntry h : store.history().entries(profileId)) {
            if (h instanceof dev.portrait.store.HistoryEntry.Event e) {
                out.add(ownerOf.get(store.events().read(e.sequence(), 1).get(0).decode().messageId()));
            } else if (h instanceof dev.portrait.store.HistoryEntry.Merge) {
                out.add("merge");
            }
        }
        return out;
    }

    @Test
    void aMergeWhoseMovedIdentifierBelongsToAForgottenPersonIsRefusedAndNothingChanges() {
        Random random = new Random(11);
        start();
        // bob is older, so he wins and anon-ada moves; xavier's event names anon-ada too, but a profile holds
        // one user_id, so it is refused there and goes to xavier's own profile
        ingest(List.of(event(random, "bob", "user-bob", null), event(random, "ada", null, "anon-ada"),
                event(random, "bob", "user-bob", "anon-ada"), event(random, "xavier", "user-xavier", "anon-ada")));
        String bob = live("user_id", "user-bob").profileId();
        assertThat(live("user_id", "user-xavier").profileId()).isNotEqualTo(bob);
        MergeView merge = runtime.merges("user_id", "user-bob").orElseThrow().get(0);
        assertThat(merge.identifiers()).extracting(MergeView.Identity::value).containsExactly("anon-ada");
        // forgetting xavier reaches every identifier his events carried: anon-ada is suppressed
        assertThat(runtime.startForget("user_id", "user-xavier", "test")).isNotNull();
        byte[] before = bytes(live("user_id", "user-bob"));

        assertThatThrownBy(() -> runtime.reverseMerge("user_id", "user-bob", merge.mergeId(), "test"))
                .isInstanceOfSatisfying(PortraitException.class, e -> {
                    assertThat(e.code()).isEqualTo("merge_not_reversible");
                    assertThat(e.getMessage()).contains("forgotten");
                });
        assertSameBytes("bob, untouched", bytes(live("user_id", "user-bob")), before);
        assertThat(runtime.merges("user_id", "user-bob").orElseThrow()).hasSize(1);
    }

    private int segmentIndex(String name) {
        var segments = runtime.worker().updater().segments();
        for (int s = 0; s < segments.size(); s++) {
            if (segments.name(s).equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private List<String> members(String segment) {
        List<String> out = new ArrayList<>();
        String cursor = null;
        do {
            var page = runtime.segmentMembers(segment, cursor, 1000);
            out.addAll(page.items());
            cursor = page.next();
        } while (cursor != null);
        return out;
    }
}
