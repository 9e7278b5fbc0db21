package dev.portrait.core.engine;

import dev.portrait.core.account.AccountView;
import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.model.SharedModels;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static dev.portrait.core.engine.EngineEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AccountsTest {
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    static final String TEAMS = """
            name: teams
            events:
              Page Read: {}
              Order Completed:
                properties:
                  revenue: {type: number}
            features:
              - {name: groups, kind: memberships, capacity: 10}
              - {name: reads, kind: count}
            accounts:
              membership: groups
              activeWindow: 7d
              revenue: {events: [Order Completed], property: revenue, window: 30d}
              segments:
                - {name: big_spender, when: "account.revenue >= 500.0"}
                - {name: enterprise, when: "account.traits.plan == 'enterprise' && account.members >= 3"}
                - {name: dormant, when: "account.members > 0 && account.active_members == 0"}
            """;

    private final EngineEvents events = new EngineEvents();

    /** One engine over an in-memory identity store and profile table, its accounts fed step by step. */
    private static final class Run {
        final ProfileEngine engine;
        final InMemoryIdentityStore identities = new InMemoryIdentityStore();
        final Map<String, Profile> profiles = new HashMap<>();
        final ProfileTable table = ProfileTable.inMemory(profiles);

        Run(ProfileDefinition definition) {
            engine = new ProfileEngine(definition);
        }

        EngineStep apply(Event e) {
            EngineStep step = engine.apply(e, identities, table);
            engine.sharedModels().absorb(step.modelUpdates());
            return step;
        }

        AccountView account(String groupId, long now) {
            return engine.sharedModels().accounts().view(groupId, now);
        }
    }

    @Test
    void groupAggregatesEqualARecountOfASyntheticStreamWithMerges() {
        for (long seed = 1; seed <= 12; seed++) {
            checkRecount(seed);
        }
    }

    /**
     * People join 0–2 of a few groups by user id; half of them browse anonymously first and log in
     * later (identity merges their anonymous profile with the user's, which may already be a member).
     * The recount applies the documented rule by hand: an event counts for an account when the
     * profile it lands in holds the membership, i.e. the person joined before it and the event is
     * their user's (or came after the login that joined the two).
     */
    private void checkRecount(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int people = 60;
        int groupCount = 6;
        long span = 60 * DAY;
        record Planned(long time, int person, String kind, String group, double revenue) {
        }
        List<Planned> plan = new ArrayList<>();
        long[] login = new long[people];
        for (int p = 0; p < people; p++) {
            login[p] = random.nextBoolean() ? T0 + random.nextLong(span) : Long.MIN_VALUE;
            if (login[p] != Long.MIN_VALUE) {
                plan.add(new Planned(login[p], p, "login", null, 0));
            }
            int joins = random.nextInt(3);
            for (int j = 0; j < joins; j++) {
                plan.add(new Planned(T0 + random.nextLong(span), p, "join", "g" + random.nextInt(groupCount), 0));
            }
            int n = random.nextInt(5, 25);
            for (int i = 0; i < n; i++) {
                boolean order = random.nextInt(5) == 0;
                plan.add(new Planned(T0 + random.nextLong(span), p, order ? "order" : "read", null,
                        order ? random.nextInt(1, 200) + 0.25 : 0));
            }
        }
        plan.sort((a, b) -> Long.compare(a.time(), b.time()));
        // late arrivals: a few events swap places with a neighbour, so the log is not in time order
        for (int i = 1; i < plan.size(); i++) {
            if (random.nextInt(10) == 0) {
                Planned x = plan.get(i);
                plan.set(i, plan.get(i - 1));
                plan.set(i - 1, x);
            }
        }

        Run run = new Run(DefinitionLoader.parse(TEAMS, "teams.yaml"));
        // the recount's own state: per person the groups joined so far; per account the expected values
        List<Set<String>> joined = new ArrayList<>();
        for (int p = 0; p < people; p++) {
            joined.add(new HashSet<>());
        }
        boolean[] loggedIn = new boolean[people];
        Map<String, Map<Integer, Long>> lastActive = new TreeMap<>();
        Map<String, List<long[]>> revenueEvents = new TreeMap<>(); // [day, cents*4]
        Map<String, Object[]> plans = new TreeMap<>();             // [time, value] of the latest plan trait
        long newest = Long.MIN_VALUE;
        for (Planned e : plan) {
            newest = Math.max(newest, e.time());
            String user = "u" + e.person();
            String anon = "a" + e.person();
            boolean byUser;
            Event event;
            switch (e.kind()) {
                case "login" -> {
                    event = events.identify().by(user).anon(anon).at(e.time()).build();
                    loggedIn[e.person()] = true;
                    byUser = true;
                }
                case "join" -> {
                    String planTrait = random.nextBoolean() ? "enterprise" : "team";
                    event = events.group(e.group()).by(user).at(e.time()).with("plan", planTrait).build();
                    joined.get(e.person()).add(e.group());
                    Object[] current = plans.get(e.group());
                    if (current == null || (long) current[0] <= e.time()) {
                        plans.put(e.group(), new Object[]{e.time(), planTrait});
                    }
                    byUser = true;
                }
                default -> {
                    byUser = loggedIn[e.person()] || random.nextBoolean();
                    EngineEvents.Builder b = events.track(e.kind().equals("order") ? "Order Completed" : "Page Read")
                            .at(e.time());
                    b = byUser ? (loggedIn[e.person()] ? b.by(user).anon(anon) : b.by(user)) : b.anon(anon);
                    if (e.kind().equals("order")) {
                        b = b.with("revenue", e.revenue());
                    }
                    event = b.build();
                }
            }
            if (byUser || loggedIn[e.person()]) {
                for (String g : joined.get(e.person())) {
                    lastActive.computeIfAbsent(g, k -> new HashMap<>()).merge(e.person(), e.time(), Math::max);
                    if (e.revenue() != 0) {
                        revenueEvents.computeIfAbsent(g, k -> new ArrayList<>())
                                .add(new long[]{Math.floorDiv(e.time(), DAY), Math.round(e.revenue() * 4)});
                    }
                }
            }
            run.apply(event);
        }

        for (long now : new long[]{newest, newest + 3 * DAY, newest + 20 * DAY}) {
            for (int g = 0; g < groupCount; g++) {
                String group = "g" + g;
                AccountView view = run.account(group, now);
                Map<Integer, Long> members = lastActive.getOrDefault(group, Map.of());
                if (members.isEmpty()) {
                    assertThat(view).as("seed %d: %s has no members", seed, group).isNull();
                    continue;
                }
                long since = now - 7 * DAY;
                long today = Math.floorDiv(now, DAY);
                long active = members.values().stream().filter(t -> t > since).count();
                double revenue = revenueEvents.getOrDefault(group, List.of()).stream()
                        .filter(r -> r[0] > today - 30 && r[0] <= today).mapToLong(r -> r[1]).sum() / 4.0;
                assertThat(view.members()).as("seed %d: members of %s", seed, group).isEqualTo(members.size());
                assertThat(view.activeMembers()).as("seed %d: active members of %s at %d", seed, group, now)
                        .isEqualTo((int) active);
                assertThat(view.revenue()).as("seed %d: revenue of %s at %d", seed, group, now)
                        .isCloseTo(revenue, within(1e-6));
                assertThat(view.traits()).as("seed %d: traits of %s", seed, group)
                        .containsEntry("plan", plans.get(group)[1]);
            }
        }
    }

    @Test
    void twoProfilesOfOnePersonInOneAccountBecomeOneMemberWhenIdentityMergesThem() {
        Run run = new Run(DefinitionLoader.parse(TEAMS, "teams.yaml"));
        run.apply(events.group("acme").by("u1").at(T0).with("plan", "team").build());
        run.apply(events.group("acme").anon("a1").at(T0 + HOUR).build());
        assertThat(run.account("acme", T0 + HOUR).members()).isEqualTo(2);

        EngineStep login = run.apply(events.identify().by("u1").anon("a1").at(T0 + 2 * HOUR).build());

        assertThat(login.merges()).hasSize(1);
        AccountView acme = run.account("acme", T0 + 2 * HOUR);
        assertThat(acme.members()).isEqualTo(1);
        assertThat(run.engine.sharedModels().accounts().hasMember("acme", login.profileId())).isTrue();
    }

    @Test
    void aPersonsProfileShowsTheGroupsTheyBelongTo() {
        Run run = new Run(DefinitionLoader.parse(TEAMS, "teams.yaml"));
        run.apply(events.group("acme").by("u1").at(T0).build());
        EngineStep step = run.apply(events.group("globex").by("u1").at(T0 + HOUR).build());

        Map<String, Object> features = ProfileView.of(step.profile(), List.of(), run.engine.updater(), T0 + HOUR).features();
        assertThat(features.get("groups")).isEqualTo(List.of(
                Map.of("item", "globex", "at", T0 + HOUR), Map.of("item", "acme", "at", T0)));
    }

    @Test
    void anEventFoldsIntoThePersonAndIntoEachOfTheirAccounts() {
        Run run = new Run(DefinitionLoader.parse(TEAMS, "teams.yaml"));
        run.apply(events.group("acme").by("u1").at(T0).build());
        run.apply(events.group("globex").by("u1").at(T0).build());
        run.apply(events.track("Order Completed").by("u1").at(T0 + DAY).with("revenue", 120.5).build());
        run.apply(events.track("Order Completed").by("u2").at(T0 + DAY).with("revenue", 99.0).build()); // no group

        assertThat(run.account("acme", T0 + DAY).revenue()).isEqualTo(120.5);
        assertThat(run.account("globex", T0 + DAY).revenue()).isEqualTo(120.5);
        assertThat(run.account("acme", T0 + 31 * DAY).revenue()).as("out of the 30-day window").isZero();
        assertThat(run.account("acme", T0 + 8 * DAY).activeMembers()).as("no event within 7 days").isZero();
    }

    @Test
    void accountSegmentsReadTheAggregatesAndTheGroupsTraits() {
        Run run = new Run(DefinitionLoader.parse(TEAMS, "teams.yaml"));
        for (String u : List.of("u1", "u2", "u3")) {
            run.apply(events.group("acme").by(u).at(T0).with("plan", "enterprise").build());
        }
        run.apply(events.track("Order Completed").by("u1").at(T0 + HOUR).with("revenue", 600.0).build());
        run.apply(events.group("solo").by("u4").at(T0).with("plan", "enterprise").build());

        assertThat(run.account("acme", T0 + HOUR).segments()).containsExactly("big_spender", "enterprise");
        assertThat(run.account("solo", T0 + HOUR).segments()).isEmpty();
        assertThat(run.account("solo", T0 + 10 * DAY).segments()).containsExactly("dormant");
    }

    @Test
    void accountsComeBackFromTheModelsCheckpoint() {
        ProfileDefinition def = DefinitionLoader.parse(TEAMS, "teams.yaml");
        Run run = new Run(def);
        run.apply(events.group("acme").by("u1").at(T0).with("plan", "team").with("seats", 12L).build());
        run.apply(events.track("Order Completed").by("u1").at(T0 + HOUR).with("revenue", 10.0).build());
        byte[] checkpoint = run.engine.sharedModels().encode();

        SharedModels restored = new ProfileEngine(def).sharedModels();
        assertThat(restored.restore(checkpoint)).isTrue();

        assertThat(restored.accounts().view("acme", T0 + HOUR)).isEqualTo(run.account("acme", T0 + HOUR));
        assertThat(restored.encode()).isEqualTo(checkpoint);
    }

    @Test
    void aForgottenPersonLeavesTheirAccounts() {
        Run run = new Run(DefinitionLoader.parse(TEAMS, "teams.yaml"));
        EngineStep step = run.apply(events.group("acme").by("u1").at(T0).build());
        run.apply(events.group("acme").by("u2").at(T0).build());

        run.engine.sharedModels().absorb(run.engine.forget(step.profile()));

        assertThat(run.engine.sharedModels().accounts().hasMember("acme", step.profileId())).isFalse();
        assertThat(run.account("acme", T0).members()).isEqualTo(1);
    }

    @Test
    void anAccountsSectionMustNameAMembershipsFeature() {
        String bad = TEAMS.replace("membership: groups", "membership: reads");
        assertThatThrownBy(() -> DefinitionLoader.parse(bad, "bad.yaml"))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith("accounts.membership: \"reads\" is not a feature of kind memberships");
    }

    @Test
    void anAccountSegmentIsTypeCheckedWhenTheDefinitionLoads() {
        String bad = TEAMS.replace("account.revenue >= 500.0", "account.revenue >= 'a lot'");
        assertThatThrownBy(() -> DefinitionLoader.parse(bad, "bad.yaml"))
                .isInstanceOf(DefinitionException.class)
                .hasMessageStartingWith("accounts.segments[0].when: does not compile");
    }
}
