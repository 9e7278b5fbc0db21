package dev.portrait.store;

import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.profile.Profile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.portrait.store.TwoPeople.ADA_ANON_1;
import static dev.portrait.store.TwoPeople.ADA_ANON_2;
import static dev.portrait.store.TwoPeople.ADA_EMAIL;
import static dev.portrait.store.TwoPeople.ADA_USER;
import static dev.portrait.store.TwoPeople.BOB_EMAIL;
import static dev.portrait.store.TwoPeople.BOB_USER;
import static org.assertj.core.api.Assertions.assertThat;

/** What forgetting a person must do in every store (DESIGN invariant 7, short of the byte scan). */
abstract class ForgetContractTest {
    protected PortraitStore store;
    protected TwoPeople people;

    /** A fresh, empty store on each call. */
    protected abstract PortraitStore newStore(StoreOptions options);

    @BeforeEach
    void openStore() {
        store = newStore(StoreOptions.defaults());
        people = new TwoPeople(store).live();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void bothPeopleAreThereBeforeForgetting() {
        assertThat(people.ada).isNotNull().isNotEqualTo(people.bob);
        assertThat(store.identities().identifiersOf(people.ada)).extracting(a -> a.identifier().value())
                .containsExactlyInAnyOrder(ADA_USER, ADA_EMAIL, ADA_ANON_1, ADA_ANON_2);
        assertThat(store.merges().list(people.ada)).hasSize(1);
        Profile ada = people.pipeline.codec.decode(store.profiles().get(people.ada));
        assertThat(ada.traits().get("email").value()).isEqualTo(ADA_EMAIL);
        assertThat(store.changelog().list(people.ada, null, 100).items()).isNotEmpty();
        assertThat(store.quarantine().count()).isEqualTo(4);
    }

    @Test
    void forgettingAPersonRemovesTheirHistoryAndTheHistoryOfEveryProfileTheyAbsorbed() {
        List<HistoryEntry> before = store.history().entries(people.ada);
        List<String> losers = before.stream().filter(e -> e instanceof HistoryEntry.Merge)
                .map(e -> ((HistoryEntry.Merge) e).loserId()).toList();
        assertThat(losers).hasSize(1);
        assertThat(store.history().entries(losers.get(0))).isNotEmpty();

        people.forgetAda();

        assertThat(store.history().entries(people.ada)).isEmpty();
        assertThat(store.history().entries(losers.get(0))).isEmpty();
        assertThat(store.history().entries(people.bob)).isNotEmpty();
    }

    @Test
    void forgettingAPersonRemovesTheirProfileIdentitiesHistoryAndEvents() {
        ForgetReport report = people.forgetAda();

        assertThat(report).isEqualTo(new ForgetReport(true, 4, 4, 2));
        assertThat(store.profiles().get(people.ada)).isNull();
        assertThat(store.profiles().ids(null, 10)).containsExactly(people.bob);
        for (String value : List.of(ADA_USER, ADA_ANON_1, ADA_ANON_2)) {
            assertThat(store.identities().profileOf(new Identifier(value.startsWith("anon") ? "anonymous_id" : "user_id",
                    value))).isEmpty();
        }
        assertThat(store.identities().profileOf(new Identifier("email", ADA_EMAIL))).isEmpty();
        assertThat(store.identities().identifiersOf(people.ada)).isEmpty();
        assertThat(store.identities().exists(people.ada)).isFalse();
        assertThat(store.changelog().list(people.ada, null, 100).items()).isEmpty();
        assertThat(store.merges().list(people.ada)).isEmpty();
        List<LogEntry> log = store.events().read(1, 100);
        assertThat(log).hasSize(8);
        assertThat(log).filteredOn(LogEntry::forgotten).hasSize(5);
        assertThat(log).filteredOn(e -> !e.forgotten()).extracting(e -> e.decode().messageId())
                .containsExactly("bob-1", "bob-2", "bob-3");
    }

    @Test
    void forgettingAPersonLeavesEveryoneElseWhole() {
        people.forgetAda();

        Profile bob = people.pipeline.codec.decode(store.profiles().get(people.bob));
        assertThat(bob.traits().get("email").value()).isEqualTo(BOB_EMAIL);
        assertThat(store.identities().profileOf(new Identifier("user_id", BOB_USER))).hasValue(people.bob);
        assertThat(store.identities().identifiersOf(people.bob)).extracting(AttachedIdentifier::identifier)
                .contains(new Identifier("email", BOB_EMAIL));
        assertThat(store.changelog().list(people.bob, null, 100).items()).isNotEmpty();
        assertThat(store.quarantine().list(null, 10).items())
                .extracting(q -> new String(q.rawEvent(), StandardCharsets.UTF_8))
                .containsExactly("{\"userId\":\"" + BOB_USER + "\",\"type\":\"trak\"}", TwoPeople.NEUTRAL_QUARANTINE);
        assertThat(store.quarantine().countByCode()).containsEntry("unknown_type", 1L).containsEntry("malformed_json", 1L);
    }

    @Test
    void aRebuildFromTheLogAfterForgettingDoesNotBringThePersonBack() {
        people.forgetAda();

        store.clearDerivedState();
        MiniPipeline rebuild = new MiniPipeline(store);
        long forgotten = rebuild.replay();
        rebuild.writeBack();

        assertThat(forgotten).isEqualTo(5);
        assertThat(store.profiles().ids(null, 10)).containsExactly(people.bob);
        assertThat(store.identities().profileOf(new Identifier("email", ADA_EMAIL))).isEmpty();
        assertThat(store.identities().profileOf(new Identifier("user_id", ADA_USER))).isEmpty();
        assertThat(store.identities().profileOf(new Identifier("email", BOB_EMAIL))).hasValue(people.bob);
        assertThat(store.profiles().appliedSequence()).isEqualTo(8);
    }

    @Test
    void identityWritesNotYetWrittenBackAreForgottenToo() {
        people.pipeline.ingest(List.of(TestEvents.identify("ada-6", ADA_USER, "anon-ada-3-new", TestEvents.T0 + 40,
                "email", "ada.second.7f3e@analytical-engine.example")), TestEvents.T0 + 40);
        assertThat(store.identities().profileOf(new Identifier("anonymous_id", "anon-ada-3-new"))).hasValue(people.ada);

        ForgetReport report = people.forgetAda();
        store.writeBack().commit(store.events().lastSequence());

        assertThat(report.identifiers()).isEqualTo(6);
        assertThat(store.identities().profileOf(new Identifier("anonymous_id", "anon-ada-3-new"))).isEmpty();
        assertThat(store.identities().profileOf(new Identifier("email", "ada.second.7f3e@analytical-engine.example")))
                .isEmpty();
        assertThat(store.events().read(9, 1).get(0).forgotten()).isTrue();
    }

    @Test
    void forgettingSomeoneTwiceFindsNothingTheSecondTime() {
        people.forgetAda();

        ForgetReport again = store.forgetProfile(people.ada, List.of(EventRecord.userSubject(ADA_USER)));

        assertThat(again).isEqualTo(new ForgetReport(false, 0, 0, 0));
    }
}
