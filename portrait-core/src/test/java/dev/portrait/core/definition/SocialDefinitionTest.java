package dev.portrait.core.definition;

import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;
import dev.portrait.core.feature.Feature;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.profile.Profile;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped social/content definition loads, uses the relation kinds, and its segments follow the ties. */
class SocialDefinitionTest {
    private static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;
    private int messages;

    private Event track(String user, String name, long at, Map<String, Object> properties) {
        return new Event(EventType.TRACK, "m" + (++messages), user, null, name, null, null, null, properties,
                Map.of(), Map.of(), Instant.ofEpochMilli(at), null, null, null, Map.of());
    }

    @Test
    void theShippedSocialDefinitionLoadsWithEveryRelationKind() {
        ProfileDefinition social = DefinitionLoader.defaultSocial();
        assertThat(social.name()).isEqualTo("default-social");
        assertThat(social.features()).extracting(Feature::kind)
                .contains("tie_strength", "strong_ties", "degree", "reciprocity", "decayed_scores", "last_n");
        assertThat(social.segments()).extracting(SegmentSpec::name).contains("well_connected", "isolated");
        assertThat(DefinitionLoader.defaultSocialText()).startsWith("# Portrait's example profile definition for a social");
        assertThat(social.fingerprint()).isNotEqualTo(DefinitionLoader.defaultEcommerce().fingerprint());
    }

    @Test
    void aPersonWhoTalksOftenWithFivePeopleIsWellConnectedAndLeavesWhenTheTiesFade() {
        ProfileEngine engine = new ProfileEngine(DefinitionLoader.defaultSocial());
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        ProfileTable profiles = ProfileTable.inMemory();
        Profile ann = null;
        for (String friend : List.of("bob", "cy", "dee", "eve", "fay")) {
            for (int k = 0; k < 3; k++) {
                ann = engine.apply(track("ann", "Message Sent", T0 + k * 60_000L, Map.of("target_user_id", friend)),
                        identities, profiles).profile();
                ann = engine.apply(track("ann", "Message Received", T0 + k * 60_000L + 1, Map.of("source_user_id", friend)),
                        identities, profiles).profile();
            }
        }
        ann = engine.apply(track("ann", "User Followed", T0 + DAY, Map.of("target_user_id", "star")), identities, profiles)
                .profile();
        Map<String, Object> values = engine.updater().featureValues(ann, T0 + DAY);
        // each friend: 3 messages each way, weight 2, one day old at half-life 14d: 12 * 2^(-1/14) = 11.43
        assertThat(new java.util.ArrayList<Object>(((Map<?, ?>) values.get("ties")).keySet())).hasSize(6).contains("star");
        assertThat(values).containsEntry("strong_ties", 5L).containsEntry("contacts_7d", 5L)
                .containsEntry("follows_30d", 1L).containsEntry("reciprocity_30d", 1.0);
        assertThat(engine.updater().segmentNames(ann)).contains("well_connected").doesNotContain("isolated");
        // below 10 once 12 * 2^(-t/14d) < 10, about 3.68 days after the messages: the timers find the moment
        long left = -1;
        for (long check = ann.nextCheck(); left < 0 && check < T0 + 30 * DAY; check = ann.nextCheck()) {
            for (var t : engine.advance(ann, check).transitions()) {
                if (t.segment().equals("well_connected") && !t.entered()) {
                    left = t.time();
                }
            }
        }
        double crossing = T0 + 14 * DAY * Math.log(1.2) / Math.log(2);
        assertThat((double) left).as("left well_connected at").isBetween(crossing - 60_000, crossing + 180_000);
    }
}
