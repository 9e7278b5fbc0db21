package dev.portrait.core.identity;

import dev.portrait.core.definition.IdentityRule;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random event streams over a small id space, so that ids collide, caps bite and merges chain. Each
 * property runs over many seeds; a failure names its seed and the rule set, and
 * {@code check(seed, ...)} replays exactly that case.
 */
class IdentityGraphPropertyTest {
    private static final int SEEDS = 100;
    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;

    /** Small caps so that every one of them is reached within a few dozen events. */
    private static final List<IdentityRule> TIGHT = List.of(
            new IdentityRule("user_id", List.of("userId"), true, 1, 0, null, IdentityRule.DEFAULT_BLOCKED, 0),
            new IdentityRule("email", List.of("traits.email", "context.traits.email"), true, 2, 0, null,
                    IdentityRule.DEFAULT_BLOCKED, 1),
            new IdentityRule("device_id", List.of("context.device.id"), false, 2, 0, null, IdentityRule.DEFAULT_BLOCKED, 2),
            new IdentityRule("anonymous_id", List.of("anonymousId"), true, 5, 2, Duration.ofHours(1),
                    IdentityRule.DEFAULT_BLOCKED, 3));

    private static final Map<String, List<IdentityRule>> RULE_SETS = Map.of(
            "tight", TIGHT, "default", IdentityGraph.defaultRules());

    private interface Property {
        void check(long seed, List<IdentityRule> rules);
    }

    private static void forAllSeeds(Property property) {
        for (Map.Entry<String, List<IdentityRule>> rules : new TreeMap<>(RULE_SETS).entrySet()) {
            for (long seed = 0; seed < SEEDS; seed++) {
                try {
                    property.check(seed, rules.getValue());
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("seed " + seed + " with the " + rules.getKey() + " rules: " + e.getMessage(), e);
                }
            }
        }
    }

    @Test
    void afterEveryEventEachIdentifierLeadsToOneExistingProfileAndNoCapIsExceeded() {
        Map<String, Integer> seenCodes = new TreeMap<>();
        forAllSeeds((seed, rules) -> {
            InMemoryIdentityStore store = new InMemoryIdentityStore();
            IdentityGraph graph = new IdentityGraph(rules, store);
            Set<Identifier> seen = new HashSet<>();
            Map<Identifier, String> attachedBy = new HashMap<>();
            for (Event e : stream(new SplittableRandom(seed), 80)) {
                Resolution r = graph.resolve(e);
                seen.addAll(mentioned(e));
                r.attached().forEach(i -> attachedBy.put(i, r.profileId()));
                r.notices().forEach(notice -> seenCodes.merge(notice.code(), 1, Integer::sum));
                seenCodes.merge("merge", r.merges().size(), Integer::sum);
                checkResolution(store, e, r);
                checkGraph(store, store.profileIds(), rules, seen, attachedBy);
            }
        });
        // The streams must reach every situation the invariants are about, or they prove little.
        for (String code : List.of("merge", IdentityNotice.MERGE_REFUSED, IdentityNotice.CAP_PER_PROFILE,
                IdentityNotice.CAP_PER_WINDOW, IdentityNotice.CONFLICTING_IDENTIFIER, IdentityNotice.BLOCKED_IDENTIFIER,
                IdentityNotice.NO_IDENTIFIER)) {
            assertThat(seenCodes.getOrDefault(code, 0)).as("%s in %s", code, seenCodes).isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void replayingAStreamGivesTheSameProfilesAndMergesWhateverTheStore() {
        forAllSeeds((seed, rules) -> {
            List<Event> events = stream(new SplittableRandom(seed), 80);
            InMemoryIdentityStore first = new InMemoryIdentityStore();
            InMemoryIdentityStore again = new InMemoryIdentityStore();
            ScrambledIdentityStore other = new ScrambledIdentityStore();

            List<Resolution> firstRun = run(new IdentityGraph(rules, first), events);

            assertThat(run(new IdentityGraph(rules, again), events)).isEqualTo(firstRun);
            assertThat(run(new IdentityGraph(rules, other), events)).isEqualTo(firstRun);
            assertThat(snapshot(again, again.profileIds())).isEqualTo(snapshot(first, first.profileIds()));
            assertThat(snapshot(other, other.profileIds())).isEqualTo(snapshot(first, first.profileIds()));
        });
    }

    @Test
    void reversingMergesNewestFirstRestoresTheGraphAsItWasBeforeThem() {
        int[] merges = {0};
        forAllSeeds((seed, rules) -> {
            SplittableRandom random = new SplittableRandom(seed);
            InMemoryIdentityStore store = new InMemoryIdentityStore();
            IdentityGraph graph = new IdentityGraph(rules, store);
            List<Event> prefix = stream(random, 40);
            run(graph, prefix);
            Map<String, ProfileState> before = snapshot(store, store.profileIds());
            long time = prefix.get(prefix.size() - 1).time();

            // Events made only of identifiers the graph already holds can merge, but attach and create nothing.
            List<IdentityMerge> log = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Event e = knownIdentifiersEvent(random, store, "k" + i, time + i * MINUTE);
                if (e == null) {
                    continue;
                }
                Resolution r = graph.resolve(e);
                assertThat(r.created()).as("created by %s", e).isFalse();
                assertThat(r.attached()).as("attached by %s", e).isEmpty();
                log.addAll(r.merges());
            }
            merges[0] += log.size();
            for (int i = log.size() - 1; i >= 0; i--) {
                graph.reverse(log.get(i));
            }

            assertThat(snapshot(store, store.profileIds())).isEqualTo(before);
        });
        assertThat(merges[0]).as("merges made by the known-identifier events").isGreaterThan(SEEDS); // about 2 per stream in practice
    }

    @Test
    void reversingEveryMergeOfAStreamBringsBackEveryProfileItCreated() {
        forAllSeeds((seed, rules) -> {
            InMemoryIdentityStore store = new InMemoryIdentityStore();
            IdentityGraph graph = new IdentityGraph(rules, store);
            List<Event> events = stream(new SplittableRandom(seed), 80);
            List<Resolution> resolutions = run(graph, events);
            Set<Identifier> seen = new HashSet<>();
            Map<Identifier, String> attachedBy = new HashMap<>();
            Set<String> created = new HashSet<>();
            List<IdentityMerge> log = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                Resolution r = resolutions.get(i);
                seen.addAll(mentioned(events.get(i)));
                r.attached().forEach(id -> attachedBy.put(id, r.profileId()));
                if (r.created()) {
                    created.add(r.profileId());
                }
                log.addAll(r.merges());
            }

            for (int i = log.size() - 1; i >= 0; i--) {
                IdentityMerge m = log.get(i);
                graph.reverse(m);
                assertThat(store.createdAt(m.loser())).hasValue(m.loserCreatedAt());
                assertThat(m.moved()).allSatisfy(a -> assertThat(store.profileOf(a.identifier())).hasValue(m.loser()));
            }

            assertThat(store.profileIds()).containsExactlyInAnyOrderElementsOf(created);
            checkGraph(store, store.profileIds(), rules, seen, attachedBy);
            // With every merge undone, each identifier is back on the profile that first attached it.
            attachedBy.forEach((id, p) -> assertThat(store.profileOf(id)).as("%s", id).hasValue(p));
        });
    }

    private static List<Resolution> run(IdentityGraph graph, List<Event> events) {
        List<Resolution> out = new ArrayList<>(events.size());
        for (Event e : events) {
            out.add(graph.resolve(e));
        }
        return out;
    }

    private static void checkResolution(IdentityStore store, Event e, Resolution r) {
        if (!r.identified()) {
            assertThat(r.notices()).extracting(IdentityNotice::code).contains(IdentityNotice.NO_IDENTIFIER);
            return;
        }
        assertThat(store.exists(r.profileId())).as("profile of %s exists", e.messageId()).isTrue();
        assertThat(r.attached()).allSatisfy(i -> assertThat(store.profileOf(i)).hasValue(r.profileId()));
        assertThat(r.merges()).allSatisfy(m -> {
            assertThat(store.exists(m.loser())).isFalse();
            assertThat(m.causeMessageId()).isEqualTo(e.messageId());
            assertThat(m.time()).isEqualTo(e.time());
        });
    }

    /**
     * The graph's invariants, checked against the whole store. Plain checks rather than AssertJ: this
     * runs after every event of every stream, and AssertJ's per-assertion cost would dominate the test.
     */
    private static void checkGraph(IdentityStore store, List<String> profiles, List<IdentityRule> rules,
                                   Set<Identifier> seen, Map<Identifier, String> attachedBy) {
        Map<String, IdentityRule> byType = new HashMap<>();
        rules.forEach(r -> byType.put(r.type(), r));
        Set<Identifier> listed = new HashSet<>();
        for (String p : profiles) {
            List<AttachedIdentifier> ids = store.identifiersOf(p);
            require(store.createdAt(p).isPresent(), () -> "profile " + p + " has no creation time");
            require(!ids.isEmpty(), () -> "profile " + p + " holds no identifier, so nothing leads to it");
            Map<String, Integer> perType = new HashMap<>();
            Map<String, Integer> perWindow = new HashMap<>();
            for (AttachedIdentifier a : ids) {
                Identifier i = a.identifier();
                require(listed.add(i), () -> i + " is listed by two profiles");
                require(store.profileOf(i).equals(java.util.Optional.of(p)),
                        () -> i + " is listed by " + p + " but leads to " + store.profileOf(i));
                IdentityRule rule = byType.get(i.type());
                perType.merge(i.type(), 1, Integer::sum);
                // The window cap bounds what each profile gained itself; merged-in identifiers keep their times.
                if (rule.maxPerWindow() > 0 && p.equals(attachedBy.get(i))) {
                    perWindow.merge(i.type() + "@" + Math.floorDiv(a.attachedAt(), rule.window().toMillis()), 1,
                            Integer::sum);
                }
            }
            perType.forEach((type, n) -> require(n <= byType.get(type).maxPerProfile(),
                    () -> p + " holds " + n + " " + type + " values, cap " + byType.get(type).maxPerProfile()));
            perWindow.forEach((key, n) -> {
                int cap = byType.get(key.substring(0, key.indexOf('@'))).maxPerWindow();
                require(n <= cap, () -> p + " gained " + n + " values in window " + key + ", cap " + cap);
            });
        }
        for (Identifier i : seen) {
            store.profileOf(i).ifPresent(p -> require(listed.contains(i),
                    () -> i + " leads to " + p + ", which does not list it or does not exist"));
        }
    }

    private static void require(boolean condition, java.util.function.Supplier<String> failure) {
        if (!condition) {
            throw new AssertionError(failure.get());
        }
    }

    record ProfileState(long createdAt, List<AttachedIdentifier> identifiers) {
    }

    private static Map<String, ProfileState> snapshot(IdentityStore store, List<String> profiles) {
        Map<String, ProfileState> out = new TreeMap<>();
        for (String p : profiles) {
            List<AttachedIdentifier> ids = new ArrayList<>(store.identifiersOf(p));
            ids.sort(AttachedIdentifier.ORDER);
            out.put(p, new ProfileState(store.createdAt(p).orElseThrow(), ids));
        }
        return out;
    }

    // ---- generators ----

    private static final String[] BLOCKED = {"null", "0", " ", "unknown", "  NULL "};

    private static String pick(SplittableRandom r, String prefix, int n) {
        return r.nextInt(25) == 0 ? BLOCKED[r.nextInt(BLOCKED.length)] : prefix + r.nextInt(n);
    }

    /** Events over 4 users, 10 anonymous ids, 4 emails and 3 devices, with time jumping back and forth. */
    static List<Event> stream(SplittableRandom r, int n) {
        List<Event> out = new ArrayList<>(n);
        long time = 1_700_000_000_000L;
        for (int i = 0; i < n; i++) {
            // Mostly minutes apart (so hourly window caps bite), sometimes hours, sometimes out of order.
            time += r.nextInt(8) == 0 ? r.nextLong(-30 * MINUTE, 6 * HOUR) : r.nextLong(-5 * MINUTE, 15 * MINUTE);
            int kind = r.nextInt(10);
            EventType type = kind < 5 ? EventType.TRACK : kind < 8 ? EventType.IDENTIFY
                    : kind == 8 ? EventType.ALIAS : EventType.PAGE;
            EventBuilder b = EventBuilder.of(type, "m" + i).at(time);
            String user = type == EventType.ALIAS || r.nextInt(10) < 4 ? pick(r, "u", 4) : null;
            String anon = r.nextInt(4) < 3 || user == null ? pick(r, "a", 10) : null;
            b.user(user).anon(anon);
            if (type == EventType.ALIAS) {
                b.previous(r.nextBoolean() ? pick(r, "a", 10) : pick(r, "u", 4));
            }
            if (r.nextInt(10) < (type == EventType.IDENTIFY ? 5 : 1)) {
                b.email(pick(r, "e", 4) + "@example.com");
            } else if (r.nextInt(20) == 0) {
                b.contextEmail(pick(r, "e", 4) + "@example.com");
            }
            if (r.nextInt(10) < 3) {
                b.device(pick(r, "d", 3));
            }
            out.add(b.build());
        }
        return out;
    }

    /** Every identifier an event could name, as the graph would read it. */
    private static Set<Identifier> mentioned(Event e) {
        Set<Identifier> out = new HashSet<>();
        add(out, "user_id", e.userId());
        add(out, "anonymous_id", e.anonymousId());
        add(out, "user_id", e.previousId());
        add(out, "anonymous_id", e.previousId());
        Object email = e.traits().get("email");
        add(out, "email", email instanceof String s ? s : null);
        if (e.context().get("traits") instanceof Map<?, ?> t && t.get("email") instanceof String s) {
            add(out, "email", s);
        }
        if (e.context().get("device") instanceof Map<?, ?> d && d.get("id") instanceof String s) {
            add(out, "device_id", s);
        }
        return out;
    }

    private static void add(Set<Identifier> out, String type, String value) {
        if (value != null && !value.isBlank()) {
            out.add(new Identifier(type, value.strip()));
        }
    }

    /** An event made of two to four identifiers the store already holds, or null if it holds no user or visitor. */
    private static Event knownIdentifiersEvent(SplittableRandom r, InMemoryIdentityStore store, String messageId,
                                               long time) {
        Map<String, List<String>> byType = new TreeMap<>();
        for (String p : store.profileIds()) {
            for (AttachedIdentifier a : store.identifiersOf(p)) {
                byType.computeIfAbsent(a.identifier().type(), t -> new ArrayList<>()).add(a.identifier().value());
            }
        }
        Function<String, String> any = type -> {
            List<String> values = byType.getOrDefault(type, List.of());
            return values.isEmpty() ? null : values.get(r.nextInt(values.size()));
        };
        String user = r.nextBoolean() ? any.apply("user_id") : null;
        String anon = any.apply("anonymous_id");
        if (user == null && anon == null) {
            user = any.apply("user_id");
            if (user == null) {
                return null;
            }
        }
        EventBuilder b = EventBuilder.identify(messageId).at(time).user(user).anon(anon);
        String email = r.nextBoolean() ? any.apply("email") : null;
        if (email != null) {
            b.email(email);
        }
        String device = r.nextInt(3) == 0 ? any.apply("device_id") : null;
        if (device != null) {
            b.device(device);
        }
        return b.build();
    }
}
