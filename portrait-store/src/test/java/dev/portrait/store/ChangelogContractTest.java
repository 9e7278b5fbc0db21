package dev.portrait.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.portrait.store.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every store's changelog and merge log must do. */
abstract class ChangelogContractTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    protected PortraitStore store;
    protected Changelog changelog;

    /** A fresh, empty store on each call. */
    protected abstract PortraitStore newStore(StoreOptions options);

    @BeforeEach
    void openStore() {
        store = newStore(StoreOptions.defaults());
        changelog = store.changelog();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static ChangeRecord change(long sequence, long time, String field, String oldJson, String newJson) {
        return new ChangeRecord(sequence, time, field, json(oldJson), json(newJson), "m" + sequence);
    }

    @Test
    void changesReadBackNewestFirstWithEveryField() {
        changelog.append("p1", List.of(change(1, T0, "traits.plan", "null", "\"free\"")));
        changelog.append("p1", List.of(change(2, T0 + 1, "traits.plan", "\"free\"", "\"pro\""),
                change(2, T0 + 1, "features.orders", "0", "1")));

        List<ChangeRecord> items = changelog.list("p1", null, 10).items();

        assertThat(items).containsExactly(change(2, T0 + 1, "features.orders", "0", "1"),
                change(2, T0 + 1, "traits.plan", "\"free\"", "\"pro\""), change(1, T0, "traits.plan", "null", "\"free\""));
        assertThat(items.get(2).oldJson()).isEqualTo("null");
        assertThat(items.get(0).messageId()).isEqualTo("m2");
    }

    @Test
    void aMissingOldValueIsJsonNull() {
        changelog.append("p1", List.of(new ChangeRecord(1, T0, "traits.plan", null, json("1"), "m1")));

        assertThat(changelog.list("p1", null, 1).items().get(0).oldJson()).isEqualTo("null");
    }

    @Test
    void changesArePagedNewestFirstByCursor() {
        List<ChangeRecord> all = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            all.add(change(i, T0 + i, "features.views", Integer.toString(i - 1), Integer.toString(i)));
        }
        changelog.append("p1", all);

        Page<ChangeRecord> first = changelog.list("p1", null, 3);
        Page<ChangeRecord> second = changelog.list("p1", first.nextCursor(), 3);
        Page<ChangeRecord> third = changelog.list("p1", second.nextCursor(), 3);

        assertThat(first.items()).extracting(ChangeRecord::sequence).containsExactly(7L, 6L, 5L);
        assertThat(second.items()).extracting(ChangeRecord::sequence).containsExactly(4L, 3L, 2L);
        assertThat(third.items()).extracting(ChangeRecord::sequence).containsExactly(1L);
        assertThat(third.nextCursor()).isNull();
        assertThat(changelog.list("p1", null, 7).nextCursor()).isNull();
    }

    @Test
    void profilesWhoseIdsArePrefixesOfEachOtherAreKeptApart() {
        changelog.append("p1", List.of(change(1, T0, "features.a", "0", "1")));
        changelog.append("p12", List.of(change(2, T0, "features.b", "0", "1")));

        assertThat(changelog.list("p1", null, 10).items()).extracting(ChangeRecord::field).containsExactly("features.a");
        assertThat(changelog.list("p12", null, 10).items()).extracting(ChangeRecord::field).containsExactly("features.b");

        changelog.deleteProfile("p1");

        assertThat(changelog.list("p1", null, 10).items()).isEmpty();
        assertThat(changelog.list("p12", null, 10).items()).hasSize(1);
    }

    @Test
    void aCursorThisStoreDidNotHandOutIsRefused() {
        assertThatThrownBy(() -> changelog.list("p1", "-3", 10))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo("bad_cursor"));
    }

    @Test
    void pagesCutThroughTheChangesOfOneWriteBackWithoutLosingOrRepeatingAny() {
        changelog.append("p1", List.of(change(1, T0, "features.a", "0", "1"), change(1, T0, "features.b", "0", "1"),
                change(2, T0 + 1, "features.a", "1", "2")));
        changelog.append("p1", List.of(change(3, T0 + 2, "features.b", "1", "2"), change(4, T0 + 3, "features.a", "2", "3")));

        List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<ChangeRecord> page = changelog.list("p1", cursor, 2);
            page.items().forEach(c -> seen.add(c.sequence() + c.field() + "=" + c.newJson()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);

        assertThat(seen).containsExactly("4features.a=3", "3features.b=2", "2features.a=2", "1features.b=1",
                "1features.a=1");
        assertThat(pages).isEqualTo(3);
        assertThat(changelog.list("p1", null, 5).nextCursor()).isNull();
    }

    @Test
    void purgingDeletesChangesOlderThanTheRetentionByEventTime() {
        changelog.append("p1", List.of(change(1, T0, "features.a", "0", "1"), change(2, T0 + 80 * DAY, "features.a", "1", "2")));
        changelog.append("p2", List.of(change(3, T0 - DAY, "features.a", "0", "1")));

        long purged = changelog.purgeExpired(T0 + 90 * DAY + 1);

        assertThat(purged).isEqualTo(2);
        assertThat(changelog.list("p1", null, 10).items()).extracting(ChangeRecord::sequence).containsExactly(2L);
        assertThat(changelog.list("p2", null, 10).items()).isEmpty();
    }

    @Test
    void mergeLogEntriesListOldestFirstPerProfileAndAreDeletedWithIt() {
        MergeLog merges = store.merges();
        merges.append("p1", json("first"));
        merges.append("p2", json("other"));
        merges.append("p1", json("second"));

        assertThat(merges.list("p1")).containsExactly(json("first"), json("second"));
        assertThat(merges.list("p2")).containsExactly(json("other"));

        merges.deleteProfile("p1");

        assertThat(merges.list("p1")).isEmpty();
        assertThat(merges.list("p2")).hasSize(1);
    }
}
