package dev.portrait.core.profile;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.EngineStep;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.IdentityGraph;
import dev.portrait.core.identity.IdentityMerge;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.identity.Resolution;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The identity graph and the updater together, as a runtime uses them: merge, then reverse. */
class IdentityMergeOfProfilesTest {
    private static final ProfileDefinition DEFINITION = DefinitionLoader.defaultEcommerce();
    private final ProfileEngine engine = new ProfileEngine(DEFINITION);
    private final ProfileUpdater updater = engine.updater();
    private final ProfileCodec codec = engine.codec();
    private final InMemoryIdentityStore store = new InMemoryIdentityStore();
    private final IdentityGraph graph = engine.identityGraph(store);
    private final Map<String, Profile> profiles = new HashMap<>();
    private int next;

    private Event event(EventType type, String user, String anon, String name, Duration at, Map<String, Object> props) {
        return new Event(type, "m" + (++next), user, anon, name, null, null, null,
                type == EventType.TRACK ? props : Map.of(), type == EventType.IDENTIFY ? props : Map.of(), Map.of(),
                TestEvents.T0.plus(at), null, null, null, Map.of());
    }

    /** What a runtime does per event: one engine step, keeping what undoes each merge. */
    private Resolution ingest(Event e, Map<String, MergeLogEntry> log) {
        EngineStep step = engine.apply(e, store, ProfileTable.inMemory(profiles));
        for (EngineStep.Merge m : step.merges()) {
            log.put(m.identity().loser(), m.undo());
        }
        return step.resolution();
    }

    @Test
    void anonymousBrowsingThenIdentifyEndsInOneProfileAndReversingTheMergeRestoresBoth() {
        Map<String, MergeLogEntry> log = new HashMap<>();
        Map<String, Object> view = Map.of("product_id", "sku1", "category", "shoes", "price", 10.0);
        ingest(event(EventType.TRACK, "alice", null, "Product Viewed", Duration.ZERO, view), log);
        ingest(event(EventType.TRACK, null, "anon-1", "Product Viewed", Duration.ofMinutes(5), view), log);
        ingest(event(EventType.TRACK, null, "anon-1", "Product Viewed", Duration.ofMinutes(6), view), log);
        assertThat(profiles).hasSize(2);
        String aliceId = store.profileOf(new Identifier("user_id", "alice")).orElseThrow();
        String anonId = store.profileOf(new Identifier("anonymous_id", "anon-1")).orElseThrow();
        byte[] aliceBefore = codec.encode(profiles.get(aliceId));
        byte[] anonBefore = codec.encode(profiles.get(anonId));

        Resolution r = ingest(event(EventType.IDENTIFY, "alice", "anon-1", null, Duration.ofMinutes(7),
                Map.of("email", "alice@example.com")), log);

        assertThat(r.merges()).hasSize(1);
        assertThat(profiles).containsOnlyKeys(aliceId);
        Profile merged = profiles.get(aliceId);
        assertThat(updater.featureValues(merged, merged.clock()).get("views_1h")).isEqualTo(3L);
        assertThat(merged.traits().get("email").value()).isEqualTo("alice@example.com");

        MergeLogEntry entry = MergeLogEntry.fromBytes(log.get(anonId).toBytes());
        assertThat(entry).isEqualTo(log.get(anonId));
        graph.reverse(entry.identity());
        Profile[] restored = entry.reverse(codec);
        assertThat(codec.encode(restored[0])).isEqualTo(aliceBefore);
        assertThat(codec.encode(restored[1])).isEqualTo(anonBefore);
        assertThat(store.profileOf(new Identifier("anonymous_id", "anon-1"))).contains(anonId);
        assertThat(store.profileOf(new Identifier("user_id", "alice"))).contains(aliceId);
    }
}
