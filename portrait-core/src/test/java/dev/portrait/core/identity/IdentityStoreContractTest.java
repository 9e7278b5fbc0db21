package dev.portrait.core.identity;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link IdentityStore} must do. Each implementation's test extends this class; runtimes'
 * stores (RocksDB, Flink state) are meant to pass it too. Public so that other modules' stores extend it
 * from their own packages (portrait-store's, through the core's test jar).
 */
public abstract class IdentityStoreContractTest {
    private static final Identifier USER = new Identifier("user_id", "u1");
    private static final Identifier EMAIL = new Identifier("email", "ada@example.com");

    protected IdentityStore store;

    protected abstract IdentityStore newStore();

    @BeforeEach
    void freshStore() {
        store = newStore();
    }

    @Test
    void anEmptyStoreKnowsNoIdentifierAndNoProfile() {
        assertThat(store.profileOf(USER)).isEmpty();
        assertThat(store.identifiersOf("p1")).isEmpty();
        assertThat(store.createdAt("p1")).isEmpty();
        assertThat(store.exists("p1")).isFalse();
    }

    @Test
    void aCreatedProfileExistsWithItsCreationTime() {
        store.createProfile("p1", -42);

        assertThat(store.exists("p1")).isTrue();
        assertThat(store.createdAt("p1")).hasValue(-42L);
        assertThat(store.identifiersOf("p1")).isEmpty();
    }

    @Test
    void anAttachedIdentifierLeadsToItsProfileAndIsListedWithItsTime() {
        store.createProfile("p1", 0);
        store.attach("p1", USER, 10);
        store.attach("p1", EMAIL, 5);

        assertThat(store.profileOf(USER)).hasValue("p1");
        assertThat(store.profileOf(EMAIL)).hasValue("p1");
        assertThat(store.identifiersOf("p1")).containsExactlyInAnyOrder(new AttachedIdentifier(USER, 10),
                new AttachedIdentifier(EMAIL, 5));
    }

    @Test
    void aDetachedIdentifierLeadsNowhereAndCanBeAttachedElsewhere() {
        store.createProfile("p1", 0);
        store.createProfile("p2", 0);
        store.attach("p1", USER, 10);

        store.detach("p1", USER);
        assertThat(store.profileOf(USER)).isEmpty();
        assertThat(store.identifiersOf("p1")).isEmpty();

        store.attach("p2", USER, 20);
        assertThat(store.profileOf(USER)).hasValue("p2");
        assertThat(store.identifiersOf("p2")).containsExactly(new AttachedIdentifier(USER, 20));
    }

    @Test
    void aDeletedProfileIsGoneAndItsIdCanBeCreatedAgain() {
        store.createProfile("p1", 1);
        store.deleteProfile("p1");

        assertThat(store.exists("p1")).isFalse();
        assertThat(store.createdAt("p1")).isEmpty();

        store.createProfile("p1", 2);
        assertThat(store.createdAt("p1")).hasValue(2L);
    }

    @Test
    void profilesAreKeptApart() {
        store.createProfile("p1", 1);
        store.createProfile("p2", 2);
        store.attach("p1", USER, 1);
        store.attach("p2", EMAIL, 2);

        assertThat(store.identifiersOf("p1")).extracting(AttachedIdentifier::identifier).containsExactly(USER);
        assertThat(store.identifiersOf("p2")).extracting(AttachedIdentifier::identifier).containsExactly(EMAIL);
        assertThat(store.createdAt("p2")).hasValue(2L);
    }
}
