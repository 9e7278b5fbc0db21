package dev.portrait.core.identity;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryIdentityStoreTest extends IdentityStoreContractTest {
    private static final Identifier USER = new Identifier("user_id", "u1");

    @Override
    protected IdentityStore newStore() {
        return new InMemoryIdentityStore();
    }

    @Test
    void identifiersAreListedByAttachTimeThenIdentifier() {
        store.createProfile("p1", 0);
        store.attach("p1", new Identifier("user_id", "b"), 5);
        store.attach("p1", new Identifier("email", "z"), 5);
        store.attach("p1", new Identifier("user_id", "a"), 1);

        assertThat(store.identifiersOf("p1")).extracting(AttachedIdentifier::identifier).containsExactly(
                new Identifier("user_id", "a"), new Identifier("email", "z"), new Identifier("user_id", "b"));
    }

    @Test
    void profileIdsAreListedInOrder() {
        InMemoryIdentityStore s = new InMemoryIdentityStore();
        s.createProfile("p_b", 0);
        s.createProfile("p_a", 0);

        assertThat(s.profileIds()).containsExactly("p_a", "p_b");
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
}
