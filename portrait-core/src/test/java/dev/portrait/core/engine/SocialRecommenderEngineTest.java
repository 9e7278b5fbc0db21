package dev.portrait.core.engine;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.model.RecentItem;
import dev.portrait.core.model.Recommendation;
import dev.portrait.core.model.Recommender;
import dev.portrait.core.model.ServedRecommendations;
import dev.portrait.core.profile.Profile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.portrait.core.engine.EngineEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** "People like you follow": declared under models.recommender.social, served from the ties' own profiles. */
class SocialRecommenderEngineTest {
    private static final String DEFINITION = """
            name: social
            events:
              Post Viewed: {properties: {post_id: {type: string}}}
              Message Sent: {properties: {target_user_id: {type: string}}}
            identity:
              user_id: {from: [userId], merge: true, maxPerProfile: 1}
            features:
              - {name: recently_viewed, kind: last_n, events: [Post Viewed], property: post_id, n: 20}
              - {name: ties, kind: tie_strength, counterpart: target_user_id, weights: {Message Sent: 1}, halfLife: 14d}
              - {name: contacts, kind: degree, counterpart: target_user_id, weights: {Message Sent: 1}, window: 7d}
            models:
              recommender:
                interactions: {Post Viewed: 1}
                item: post_id
                recent: recently_viewed
                social: {ties: ties, weight: 0.5, maxTies: 2}
            experiments:
              key: a-secret-of-sixteen-or-more
              list:
                - name: social_off
                  varies: recommender
                  variants:
                    control: {weight: 1}
                    off: {weight: 1, settings: {socialWeight: 0}}
            """;

    private final ProfileDefinition definition = DefinitionLoader.parse(DEFINITION, "social.yaml");
    private final ProfileEngine engine = new ProfileEngine(definition);
    private final InMemoryIdentityStore identities = new InMemoryIdentityStore();
    private final Map<String, Profile> stored = new HashMap<>();
    private final ProfileTable profiles = ProfileTable.inMemory(stored);
    private final EngineEvents events = new EngineEvents();

    private EngineStep apply(Event e) {
        EngineStep step = engine.apply(e, identities, profiles);
        engine.sharedModels().absorb(step.modelUpdates());
        return step;
    }

    private Profile profileOf(String user) {
        return stored.get(identities.profileOf(new Identifier("user_id", user)).orElseThrow());
    }

    /** What a runtime does: each tie resolved through identity, its recent items read from its profile. */
    private Recommender.TieItems fromProfiles(long now, List<String> asked) {
        return tie -> {
            asked.add(tie);
            return identities.profileOf(new Identifier(engine.models().tieIdentifierType(), tie))
                    .map(stored::get).map(p -> engine.models().recentItems(p, now)).orElse(null);
        };
    }

    @Test
    void anAnswerRecommendsWhatTheStrongestTiesViewedAndNamesTheTie() {
        for (int i = 0; i < 20; i++) { // a catalogue, so the item statistics have popular posts
            apply(events.track("Post Viewed").by("c" + i).at(T0 + i).with("post_id", "popular-" + (i % 3)).build());
        }
        apply(events.track("Post Viewed").by("bob").at(T0 + 100).with("post_id", "bobs-find").build());
        apply(events.track("Post Viewed").by("cy").at(T0 + 100).with("post_id", "cys-find").build());
        apply(events.track("Post Viewed").by("dee").at(T0 + 100).with("post_id", "dees-find").build());
        java.util.Set<Integer> variantsSeen = new java.util.TreeSet<>();
        for (String person : List.of("ann", "amy", "abe", "al", "ada", "avi", "aya", "axel")) {
            // each talks most with bob, then cy, once with dee: maxTies 2 leaves dee out
            for (int k = 0; k < 3; k++) {
                apply(events.track("Message Sent").by(person).at(T0 + 200 + k).with("target_user_id", "bob").build());
            }
            for (int k = 0; k < 2; k++) {
                apply(events.track("Message Sent").by(person).at(T0 + 210 + k).with("target_user_id", "cy").build());
            }
            apply(events.track("Message Sent").by(person).at(T0 + 220).with("target_user_id", "dee").build());
            apply(events.track("Message Sent").by(person).at(T0 + 230).with("target_user_id", "nobody-yet").build());

            Profile p = profileOf(person);
            long now = T0 + 1_000;
            assertThat(engine.models().tieIdentifierType()).isEqualTo("user_id");
            assertThat(engine.models().tiesToRead(p, now)).containsExactly("bob", "cy");
            List<String> asked = new ArrayList<>();
            ServedRecommendations served = engine.serve(p, 5, "feed", now, 1, engine.sharedModels(),
                    fromProfiles(now, asked));
            int variant = engine.experimentVariant("social_off", p.profileId());
            variantsSeen.add(variant);
            List<String> items = served.items().stream().map(Recommendation::item).toList();
            if (variant == 0) {
                assertThat(asked).containsExactly("bob", "cy");
                assertThat(items.subList(0, 2)).containsExactly("bobs-find", "cys-find");
                assertThat(served.items().get(0).reason()).isEqualTo("people like you follow: bob");
                assertThat(served.items().get(1).reason()).isEqualTo("people like you follow: cy");
                assertThat(items).doesNotContain("dees-find");
            } else {
                assertThat(asked).as("the variant turns the social part off").isEmpty();
                assertThat(served.items()).extracting(Recommendation::reason).allMatch(r -> !r.startsWith("people like"));
                assertThat(items.subList(0, 3)).as("popularity first, as without ties")
                        .containsOnly("popular-0", "popular-1", "popular-2");
            }
            // without a lookup, the social part finds nothing: the answer of the plain recommender
            assertThat(engine.models().recommend(p, 5, now, engine.sharedModels()))
                    .extracting(Recommendation::reason).allMatch(r -> !r.startsWith("people like"));
        }
        assertThat(variantsSeen).as("both variants served").containsExactly(0, 1);
    }

    @Test
    void theSocialPartIsCheckedWhereItIsDeclared() {
        assertThatThrownBy(() -> parse("social: {ties: ties, weight: 0.5, maxTies: 2}", "social: {ties: contacts}"))
                .hasMessageContaining("models.recommender.social.ties: \"contacts\" is a degree feature; it must be a "
                        + "tie_strength");
        assertThatThrownBy(() -> parse("social: {ties: ties, weight: 0.5, maxTies: 2}", "social: {ties: friends}"))
                .hasMessageContaining("models.recommender.social.ties: \"friends\" is not a feature");
        assertThatThrownBy(() -> parse("social: {ties: ties, weight: 0.5, maxTies: 2}", "social: {weight: 0.5}"))
                .hasMessageContaining("models.recommender.social.ties: is required");
        assertThatThrownBy(() -> parse("weight: 0.5, maxTies: 2", "weight: -1, maxTies: 2"))
                .hasMessageContaining("models.recommender.social.weight");
        assertThatThrownBy(() -> parse("maxTies: 2}", "maxTies: 0}"))
                .hasMessageContaining("models.recommender.social.maxTies");
        assertThatThrownBy(() -> parse("maxTies: 2}", "maxTies: 2, ties2: x}"))
                .hasMessageContaining("models.recommender.social.ties2");
        assertThatThrownBy(() -> parse("social: {ties: ties, weight: 0.5, maxTies: 2}", "social: [ties]"))
                .hasMessageContaining("models.recommender.social");
        assertThatThrownBy(() -> parse("    recent: recently_viewed\n", ""))
                .hasMessageContaining("models.recommender.social: needs models.recommender.recent");
        assertThatThrownBy(() -> parse("user_id: {from: [userId], merge: true, maxPerProfile: 1}",
                "email: {from: [traits.email], merge: true, maxPerProfile: 1}"))
                .hasMessageContaining("models.recommender.social.ties: \"ties\" names counterparts by user_id, which no "
                        + "identity rule declares");
        assertThatThrownBy(() -> parse("socialWeight: 0}", "socialWeight: -0.5}"))
                .hasMessageContaining("experiments.list[0].variants.off.settings.socialWeight");
        assertThat(parse("social: {ties: ties, weight: 0.5, maxTies: 2}", "social: {ties: ties}").models().recommender()
                .social()).satisfies(s -> {
                    assertThat(s.weight()).isEqualTo(0.5);
                    assertThat(s.maxTies()).isEqualTo(10);
                });
    }

    private static ProfileDefinition parse(String from, String to) {
        assertThat(DEFINITION).contains(from);
        return DefinitionLoader.parse(DEFINITION.replace(from, to), "social.yaml");
    }

    @Test
    void withoutASocialSectionNoTiesAreReadAndAnswersAreTheRecommendersOwn() {
        ProfileEngine plain = new ProfileEngine(DefinitionLoader.parse(DEFINITION.replace(
                "    social: {ties: ties, weight: 0.5, maxTies: 2}\n", "").replace("socialWeight: 0", "neighbours: 3"),
                "plain.yaml"));
        Profile p = plain.apply(events.track("Message Sent").by("ann").at(T0).with("target_user_id", "bob").build(),
                new InMemoryIdentityStore(), ProfileTable.inMemory()).profile();
        assertThat(plain.models().tieIdentifierType()).isNull();
        assertThat(plain.models().tiesToRead(p, T0)).isEmpty();
        List<RecentItem> none = List.of();
        assertThat(plain.models().recentItems(p, T0)).isEqualTo(none);
    }
}
