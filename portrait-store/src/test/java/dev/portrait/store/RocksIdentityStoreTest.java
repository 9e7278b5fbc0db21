package dev.portrait.store;

import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.IdentityGraph;
import dev.portrait.core.identity.IdentityStore;
import dev.portrait.core.identity.IdentityStoreContractTest;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.identity.Resolution;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The RocksDB store's identities pass the core's contract, check the graph's preconditions as the
 * reference store does, and persist with their write-back.
 */
class RocksIdentityStoreTest extends IdentityStoreContractTest {
    private static final Identifier USER = new Identifier("user_id", "u1");

    @TempDir
    Path dir;
    private final List<PortraitStore> opened = new ArrayList<>();
    private int next;

    @Override
    protected IdentityStore newStore() {
        PortraitStore s = PortraitStore.open(dir.resolve("s" + next++), StoreOptions.defaults());
        opened.add(s);
        return s.identities();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(PortraitStore::close);
    }

    @Test
    void brokenPreconditionsFailLoudlyInsteadOfCorruptingTheIndexes() {
        store.createProfile("p1", 0);
        store.createProfile("p2", 0);
        store.attach("p1", USER, 0);

        assertThatThrownBy(() -> store.createProfile("p1", 0)).hasMessage("profile p1 already exists");
        assertThatThrownBy(() -> store.attach("p2", USER, 0)).hasMessageContaining("held by profile p1");
        assertThatThrownBy(() -> store.attach("p3", new Identifier("t", "v"), 0)).hasMessage("no profile p3");
        assertThatThrownBy(() -> store.detach("p2", USER)).hasMessageContaining("does not hold");
        assertThatThrownBy(() -> store.deleteProfile("p1")).hasMessageContaining("still holds 1 identifiers");
        assertThatThrownBy(() -> store.createProfile("", 0)).hasMessageContaining("profile id must not be empty");
        assertThat(store.profileOf(USER)).hasValue("p1");
    }

    @Test
    void identitiesWrittenBackSurviveAReopenAndPendingOnesDoNot() {
        Path d = dir.resolve("reopen");
        try (PortraitStore s = PortraitStore.open(d, StoreOptions.defaults())) {
            s.identities().createProfile("p1", 5);
            s.identities().attach("p1", USER, 6);
            s.profiles().writeBack(Map.of(), 0);
            s.identities().attach("p1", new Identifier("email", "pending@example.com"), 7);
        }
        try (PortraitStore s = PortraitStore.open(d, StoreOptions.defaults())) {
            assertThat(s.identities().profileOf(USER)).hasValue("p1");
            assertThat(s.identities().createdAt("p1")).hasValue(5L);
            assertThat(s.identities().identifiersOf("p1")).containsExactly(new AttachedIdentifier(USER, 6));
            assertThat(s.identities().profileOf(new Identifier("email", "pending@example.com"))).isEmpty();
        }
    }

    @Test
    void theGraphResolvesTheSameOverTheStoreAsOverTheReferenceStore() {
        PortraitStore s = PortraitStore.open(dir.resolve("graph"), StoreOptions.defaults());
        opened.add(s);
        IdentityGraph durable = new IdentityGraph(IdentityGraph.defaultRules(), s.identities());
        IdentityGraph reference = new IdentityGraph(IdentityGraph.defaultRules(), new InMemoryIdentityStore());
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        for (int i = 0; i < 400; i++) {
            String user = random.nextInt(3) == 0 ? null : "u" + random.nextInt(30);
            String anon = user != null && random.nextBoolean() ? null : "a" + random.nextInt(60);
            dev.portrait.core.event.Event e = new dev.portrait.core.event.Event(
                    dev.portrait.core.event.EventType.TRACK, "m" + i, user, anon, "Viewed", null, null, null,
                    Map.of(), Map.of(), Map.of(), java.time.Instant.ofEpochMilli(1_000_000L + i * 1000L), null, null,
                    null, Map.of());
            Resolution a = durable.resolve(e);
            Resolution b = reference.resolve(e);
            assertThat(a).as("event %d (seed 42)", i).isEqualTo(b);
            if (i % 50 == 49) {
                s.profiles().writeBack(Map.of(), 0);
            }
        }
    }
}
