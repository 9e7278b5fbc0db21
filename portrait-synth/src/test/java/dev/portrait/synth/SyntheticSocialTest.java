package dev.portrait.synth;

import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.profile.Profile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticSocialTest {
    private static final SyntheticSocial.Shape SMALL = SyntheticSocial.Shape.defaults(11).withPeople(400, 8).withDays(21);

    @Test
    void theSameShapeGivesTheSameEventsInTimeOrder() {
        SyntheticSocial a = SyntheticSocial.of(SMALL);
        SyntheticSocial b = SyntheticSocial.of(SMALL);
        long previous = Long.MIN_VALUE;
        int n = 0;
        while (a.hasNext()) {
            SyntheticEvent x = a.next();
            assertThat(new String(x.toJsonLine())).isEqualTo(new String(b.next().toJsonLine()));
            assertThat(a.clock().toEpochMilli()).isGreaterThanOrEqualTo(previous);
            previous = a.clock().toEpochMilli();
            n++;
        }
        assertThat(b.hasNext()).isFalse();
        assertThat(n).as("events in 21 days of 400 people").isBetween(50_000, 200_000);
    }

    @Test
    void followsStayInTheCommunityAsOftenAsHomophilySaysAndCloseFriendsAreMutual() {
        SyntheticSocial s = SyntheticSocial.of(SyntheticSocial.Shape.defaults(3));
        long inside = 0;
        long all = 0;
        for (int p : s.people()) {
            Set<String> friends = s.closeFriends(p);
            assertThat(friends.size()).as("person %d's close friends", p).isBetween(3, 5);
            for (String f : friends) {
                int q = Integer.parseInt(f.substring("member-".length()));
                assertThat(s.community(q)).isEqualTo(s.community(p));
                assertThat(s.closeFriends(q)).contains(SyntheticSocial.userId(p));
            }
            for (String f : s.follows(p)) {
                int q = Integer.parseInt(f.substring("member-".length()));
                if (!friends.contains(f)) {
                    all++;
                    inside += s.community(q) == s.community(p) ? 1 : 0;
                }
            }
        }
        double share = (double) inside / all;
        // homophily 0.8 plus the 1-in-20 chance that a follow drawn from anyone lands at home
        assertThat(share).as("share of follows inside the community").isBetween(0.78, 0.86);
    }

    @Test
    void theStrongestTiesTheEngineFindsAreThePlantedCloseFriends() {
        ProfileDefinition social = DefinitionLoader.defaultSocial();
        Cleaner cleaner = new Cleaner(social);
        ProfileEngine engine = new ProfileEngine(social);
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        Map<String, Profile> profiles = new HashMap<>();
        ProfileTable table = ProfileTable.inMemory(profiles);
        SyntheticSocial stream = SyntheticSocial.of(SMALL);
        while (stream.hasNext()) {
            SyntheticEvent s = stream.next();
            CleanResult r = cleaner.clean(s.json(), stream.clock());
            assertThat(r).as("%s", s.json()).isInstanceOf(CleanResult.Accepted.class);
            engine.apply(((CleanResult.Accepted) r).event(), identities, table);
        }
        long now = stream.clock().toEpochMilli();
        int featureIndex = social.featureIndex("ties");
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (int p : stream.people()) {
            Set<String> planted = stream.closeFriends(p);
            Profile profile = profiles.get(identities.profileOf(new Identifier("user_id", SyntheticSocial.userId(p))).orElseThrow());
            Map<?, ?> ties = (Map<?, ?>) engine.updater().featureValues(profile, now).get("ties");
            Set<Object> strongest = new LinkedHashSet<>();
            for (Object k : ties.keySet()) {
                if (strongest.size() < planted.size()) {
                    strongest.add(k);
                }
            }
            checked++;
            if (!strongest.equals(new LinkedHashSet<Object>(planted))) {
                wrong.add(SyntheticSocial.userId(p) + ": found " + strongest + ", planted " + planted + ", all " + ties);
            }
        }
        assertThat(featureIndex).isNotNegative();
        assertThat(checked).isEqualTo(SMALL.people());
        assertThat(wrong).as("people whose strongest ties are not their planted close friends").isEmpty();
    }

    /** The share of person-days on which someone viewed a post one of their close friends viewed the day before. */
    private static double echoedDays(SyntheticSocial.Shape shape) {
        SyntheticSocial stream = SyntheticSocial.of(shape);
        Map<String, Set<String>> yesterday = new HashMap<>();
        Map<String, Set<String>> today = new HashMap<>();
        long dayOf = -1;
        long days = 0;
        long echoed = 0;
        while (stream.hasNext()) {
            SyntheticEvent e = stream.next();
            long day = stream.clock().toEpochMilli() / 86_400_000L;
            if (day != dayOf) {
                if (dayOf >= 0) {
                    for (int p : stream.people()) {
                        Set<String> mine = today.getOrDefault(SyntheticSocial.userId(p), Set.of());
                        boolean hit = false;
                        for (String f : stream.closeFriends(p)) {
                            for (String post : yesterday.getOrDefault(f, Set.of())) {
                                hit |= mine.contains(post);
                            }
                        }
                        days++;
                        echoed += hit ? 1 : 0;
                    }
                }
                yesterday = today;
                today = new HashMap<>();
                dayOf = day;
            }
            if ("Post Viewed".equals(e.json().get("event"))) {
                Map<?, ?> properties = (Map<?, ?>) e.json().get("properties");
                today.computeIfAbsent(e.personId(), k -> new java.util.HashSet<>()).add((String) properties.get("post_id"));
            }
        }
        return (double) echoed / days;
    }

    @Test
    void withEchoAPersonOftenViewsWhatACloseFriendViewedTheDayBeforeAndRarelyWithout() {
        SyntheticSocial.Shape shape = SMALL.withDays(8);
        double with = echoedDays(shape.withEcho(0.5));
        double without = echoedDays(shape.withEcho(0));
        // the echo is drawn on half the days and lands when the friend viewed anything (2 days in 3); by chance, rarely
        assertThat(with).as("echoed share with echo 0.5").isBetween(0.25, 0.6);
        assertThat(without).as("echoed share without echo").isLessThan(0.1);
    }
}
