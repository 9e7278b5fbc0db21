package dev.portrait.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.portrait.store.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every store's quarantine must do. */
abstract class QuarantineContractTest {
    private static final long DAY = Duration.ofDays(1).toMillis();
    protected PortraitStore store;
    protected Quarantine quarantine;

    /** A fresh, empty store on each call. */
    protected abstract PortraitStore newStore(StoreOptions options);

    @BeforeEach
    void openStore() {
        store = newStore(StoreOptions.defaults());
        quarantine = store.quarantine();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static byte[] raw(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aQuarantinedEventReadsBackWithItsReason() {
        long id = quarantine.add(raw("{\"type\":\"track\""), "malformed_json", "not valid JSON at line 1", "$", T0);

        Page<QuarantinedEvent> page = quarantine.list(null, 10);

        assertThat(page.items()).hasSize(1);
        QuarantinedEvent q = page.items().get(0);
        assertThat(q.id()).isEqualTo(id);
        assertThat(q.rawEvent()).isEqualTo(raw("{\"type\":\"track\""));
        assertThat(q.code()).isEqualTo("malformed_json");
        assertThat(q.message()).isEqualTo("not valid JSON at line 1");
        assertThat(q.path()).isEqualTo("$");
        assertThat(q.receivedAt()).isEqualTo(T0);
        assertThat(page.hasMore()).isFalse();
    }

    @Test
    void aMissingPathStaysMissing() {
        quarantine.add(raw("x"), "too_large", "event is 40000 bytes", null, T0);

        assertThat(quarantine.list(null, 1).items().get(0).path()).isNull();
    }

    @Test
    void eventsAreListedOldestFirstAndPagedByCursor() {
        List<QuarantineRecord> records = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            records.add(new QuarantineRecord(raw("e" + i), "c" + (i % 2), "m", null, T0 + i));
        }
        long[] ids = quarantine.addAll(records);

        Page<QuarantinedEvent> first = quarantine.list(null, 3);
        Page<QuarantinedEvent> second = quarantine.list(first.nextCursor(), 3);
        Page<QuarantinedEvent> third = quarantine.list(second.nextCursor(), 3);

        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(first.items()).extracting(q -> new String(q.rawEvent(), StandardCharsets.UTF_8))
                .containsExactly("e0", "e1", "e2");
        assertThat(second.items()).extracting(QuarantinedEvent::id).containsExactly(ids[3], ids[4], ids[5]);
        assertThat(third.items()).extracting(QuarantinedEvent::id).containsExactly(ids[6]);
        assertThat(third.hasMore()).isFalse();
    }

    @Test
    void aPageThatEndsExactlyAtTheLastEventHasNoNextCursor() {
        quarantine.addAll(List.of(new QuarantineRecord(raw("a"), "c", "m", null, T0),
                new QuarantineRecord(raw("b"), "c", "m", null, T0)));

        assertThat(quarantine.list(null, 2).nextCursor()).isNull();
    }

    @Test
    void aCursorThisStoreDidNotHandOutIsRefused() {
        assertThatThrownBy(() -> quarantine.list("abc", 10))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo("bad_cursor"))
                .hasMessageContaining("\"abc\"");
        assertThatThrownBy(() -> quarantine.list(null, 0)).hasMessageContaining("asked for 0");
    }

    @Test
    void removedEventsAreGoneAndTheCountsFollow() {
        long[] ids = quarantine.addAll(List.of(new QuarantineRecord(raw("a"), "malformed_json", "m", null, T0),
                new QuarantineRecord(raw("b"), "missing_identity", "m", null, T0),
                new QuarantineRecord(raw("c"), "malformed_json", "m", null, T0)));
        assertThat(quarantine.countByCode()).isEqualTo(Map.of("malformed_json", 2L, "missing_identity", 1L));

        int removed = quarantine.remove(List.of(ids[0], ids[1], 999L));

        assertThat(removed).isEqualTo(2);
        assertThat(quarantine.list(null, 10).items()).extracting(QuarantinedEvent::id).containsExactly(ids[2]);
        assertThat(quarantine.countByCode()).isEqualTo(Map.of("malformed_json", 1L));
        assertThat(quarantine.count()).isEqualTo(1);
        assertThat(quarantine.remove(List.of(ids[0]))).isZero();
    }

    @Test
    void idsKeepGrowingAfterRemovals() {
        long first = quarantine.add(raw("a"), "c", "m", null, T0);
        quarantine.remove(List.of(first));

        assertThat(quarantine.add(raw("b"), "c", "m", null, T0)).isGreaterThan(first);
    }

    @Test
    void purgingDeletesOnlyEventsOlderThanTheRetention() {
        quarantine.addAll(List.of(new QuarantineRecord(raw("old"), "c", "m", null, T0),
                new QuarantineRecord(raw("young"), "c", "m", null, T0 + 20 * DAY),
                new QuarantineRecord(raw("older"), "d", "m", null, T0 - DAY)));

        long purged = quarantine.purgeExpired(T0 + 30 * DAY + 1);

        assertThat(purged).isEqualTo(2);
        assertThat(quarantine.list(null, 10).items()).extracting(q -> new String(q.rawEvent(), StandardCharsets.UTF_8))
                .containsExactly("young");
        assertThat(quarantine.countByCode()).isEqualTo(Map.of("c", 1L));
    }
}
