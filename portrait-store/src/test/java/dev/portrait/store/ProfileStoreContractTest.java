package dev.portrait.store;

import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.IdentityStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.portrait.store.TestEvents.T0;
import static dev.portrait.store.TestEvents.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every store's profiles, write-back and applied position must do. */
abstract class ProfileStoreContractTest {
    protected PortraitStore store;
    protected ProfileStore profiles;

    /** A fresh, empty store on each call. */
    protected abstract PortraitStore newStore(StoreOptions options);

    @BeforeEach
    void openStore() {
        store = newStore(StoreOptions.defaults());
        profiles = store.profiles();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private void appendEvents(int n) {
        List<EventRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(record("m" + store.events().lastSequence() + "-" + i, "u" + i, T0));
        }
        store.events().append(records);
    }

    @Test
    void anUnknownProfileIsNullAndTheAppliedPositionStartsAtZero() {
        assertThat(profiles.get("p1")).isNull();
        assertThat(profiles.appliedSequence()).isZero();
        assertThat(profiles.ids(null, 10)).isEmpty();
    }

    @Test
    void aWriteBackStoresProfilesAndTheirLogPositionTogether() {
        appendEvents(5);

        profiles.writeBack(Map.of("p1", bytes("one"), "p2", bytes("two")), 5);

        assertThat(profiles.get("p1")).isEqualTo(bytes("one"));
        assertThat(profiles.get("p2")).isEqualTo(bytes("two"));
        assertThat(profiles.appliedSequence()).isEqualTo(5);
    }

    @Test
    void aLaterWriteBackReplacesAProfile() {
        appendEvents(2);
        profiles.writeBack(Map.of("p1", bytes("one")), 1);
        profiles.writeBack(Map.of("p1", bytes("one, updated")), 2);

        assertThat(profiles.get("p1")).isEqualTo(bytes("one, updated"));
    }

    @Test
    void theAppliedPositionNeitherGoesBackNorPassesTheEndOfTheLog() {
        appendEvents(3);
        profiles.writeBack(Map.of(), 2);

        assertThatThrownBy(() -> profiles.writeBack(Map.of("p1", bytes("x")), 1))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo("applied_sequence"))
                .hasMessageContaining("log position 1").hasMessageContaining("stored position 2");
        assertThatThrownBy(() -> profiles.writeBack(Map.of(), 4)).hasMessageContaining("end of the log 3");
        assertThat(profiles.get("p1")).isNull();
        assertThat(profiles.appliedSequence()).isEqualTo(2);
    }

    @Test
    void profileIdsAreListedInOrderAndPaged() {
        appendEvents(1);
        Map<String, byte[]> all = new LinkedHashMap<>();
        for (String id : List.of("p_b", "p_a", "p_c", "p_a1")) {
            all.put(id, bytes(id));
        }
        profiles.writeBack(all, 1);

        assertThat(profiles.ids(null, 2)).containsExactly("p_a", "p_a1");
        assertThat(profiles.ids("p_a1", 2)).containsExactly("p_b", "p_c");
        assertThat(profiles.ids("p_c", 2)).isEmpty();
    }

    @Test
    void aDeletedProfileIsGone() {
        appendEvents(1);
        profiles.writeBack(Map.of("p1", bytes("one"), "p2", bytes("two")), 1);

        profiles.delete("p1");

        assertThat(profiles.get("p1")).isNull();
        assertThat(profiles.ids(null, 10)).containsExactly("p2");
    }

    @Test
    void aWriteBackCarriesChangesMergesDeletionsAndIdentitiesWithTheProfiles() {
        appendEvents(4);
        IdentityStore ids = store.identities();
        ids.createProfile("p1", T0);
        ids.attach("p1", new Identifier("email", "ada@example.com"), T0);
        profiles.writeBack(Map.of("p9", bytes("loser")), 1);

        store.writeBack()
                .putProfile("p1", bytes("winner"))
                .deleteProfile("p9")
                .appendChanges("p1", List.of(new ChangeRecord(4, T0, "traits.email", null, bytes("\"ada@example.com\""), "m3")))
                .appendMerge("p1", bytes("merge of p9"))
                .commit(4);

        assertThat(profiles.get("p1")).isEqualTo(bytes("winner"));
        assertThat(profiles.get("p9")).isNull();
        assertThat(store.changelog().list("p1", null, 10).items()).extracting(ChangeRecord::newJson)
                .containsExactly("\"ada@example.com\"");
        assertThat(store.merges().list("p1")).containsExactly(bytes("merge of p9"));
        assertThat(ids.profileOf(new Identifier("email", "ada@example.com"))).hasValue("p1");
        assertThat(profiles.appliedSequence()).isEqualTo(4);
    }

    @Test
    void aWriteBackReplacesAProfilesMergeLogAndHistoryAndLaterAppendsExtendThem() {
        appendEvents(6);
        store.writeBack()
                .appendMerge("p1", bytes("merge of p8"))
                .appendMerge("p1", bytes("merge of p9"))
                .appendHistory("p1", new HistoryBuffer().event(1).merge(2, "p8").event(2).merge(3, "p9").event(3).event(4))
                .appendHistory("p2", new HistoryBuffer().event(5))
                .commit(5);

        // a reversed merge of p9: it and the event that went back to p9 leave p1's records
        store.writeBack()
                .replaceMerges("p1", List.of(bytes("merge of p8")))
                .replaceHistory("p1", new HistoryBuffer().event(1).merge(2, "p8").event(2).event(3))
                .appendHistory("p1", new HistoryBuffer().event(6))
                .appendHistory("p9", new HistoryBuffer().event(4))
                .commit(6);

        assertThat(store.merges().list("p1")).containsExactly(bytes("merge of p8"));
        assertThat(store.history().entries("p1")).containsExactly(new HistoryEntry.Event(1),
                new HistoryEntry.Merge(2, "p8"), new HistoryEntry.Event(2), new HistoryEntry.Event(3),
                new HistoryEntry.Event(6));
        assertThat(store.history().entries("p9")).containsExactly(new HistoryEntry.Event(4));
        assertThat(store.history().entries("p2")).containsExactly(new HistoryEntry.Event(5));

        store.writeBack().replaceMerges("p1", List.of()).replaceHistory("p1", new HistoryBuffer()).commit(6);
        assertThat(store.merges().list("p1")).isEmpty();
        assertThat(store.history().entries("p1")).isEmpty();
    }

    @Test
    void aWriteBackIsUsedOnce() {
        appendEvents(1);
        WriteBack wb = store.writeBack().putProfile("p1", bytes("x"));
        wb.commit(1);

        assertThatThrownBy(() -> wb.commit(1)).hasMessageContaining("already committed");
    }

    @Test
    void identityWritesAreVisibleAtOnceAndStayAfterTheirWriteBack() {
        appendEvents(1);
        IdentityStore ids = store.identities();
        Identifier user = new Identifier("user_id", "u1");
        ids.createProfile("p1", 10);
        ids.attach("p1", user, 11);
        assertThat(ids.profileOf(user)).hasValue("p1");

        profiles.writeBack(Map.of(), 1);
        ids.createProfile("p2", 20);
        ids.detach("p1", user);
        ids.attach("p2", user, 21);

        assertThat(ids.profileOf(user)).hasValue("p2");
        assertThat(ids.identifiersOf("p1")).isEmpty();
        assertThat(ids.identifiersOf("p2")).containsExactly(new AttachedIdentifier(user, 21));
        profiles.writeBack(Map.of(), 1);
        assertThat(ids.profileOf(user)).hasValue("p2");
        assertThat(ids.identifiersOf("p1")).isEmpty();
        assertThat(ids.createdAt("p1")).hasValue(10L);
    }

    @Test
    void clearingDerivedStateKeepsTheLogAndTheQuarantineOnly() {
        appendEvents(3);
        store.identities().createProfile("p1", T0);
        store.identities().attach("p1", new Identifier("user_id", "u1"), T0);
        store.writeBack().putProfile("p1", bytes("one"))
                .appendChanges("p1", List.of(new ChangeRecord(1, T0, "features.views", bytes("0"), bytes("1"), "m1")))
                .appendMerge("p1", bytes("merge")).commit(3);
        store.identities().createProfile("p2", T0);
        store.quarantine().add(bytes("{bad"), "malformed_json", "not JSON", "$", T0);

        store.clearDerivedState();

        assertThat(profiles.get("p1")).isNull();
        assertThat(profiles.ids(null, 10)).isEmpty();
        assertThat(profiles.appliedSequence()).isZero();
        assertThat(store.identities().profileOf(new Identifier("user_id", "u1"))).isEmpty();
        assertThat(store.identities().exists("p1")).isFalse();
        assertThat(store.identities().exists("p2")).isFalse();
        assertThat(store.changelog().list("p1", null, 10).items()).isEmpty();
        assertThat(store.merges().list("p1")).isEmpty();
        assertThat(store.events().read(1, 10)).hasSize(3).noneMatch(LogEntry::forgotten);
        assertThat(store.quarantine().count()).isEqualTo(1);
        // A rebuild writes the same ids again from position 0.
        profiles.writeBack(Map.of("p1", bytes("rebuilt")), 3);
        assertThat(profiles.get("p1")).isEqualTo(bytes("rebuilt"));
    }
}
