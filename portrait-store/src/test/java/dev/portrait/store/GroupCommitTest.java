package dev.portrait.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static dev.portrait.store.TestEvents.T0;
import static dev.portrait.store.TestEvents.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One ingest group is one atomic write: log records, dedup ids, quarantined events, keys and counters. */
class GroupCommitTest {
    @TempDir
    Path dir;

    private static QuarantineRecord rejected(String body) {
        return new QuarantineRecord(body.getBytes(StandardCharsets.UTF_8), "missing_identity", "no id", "$", T0);
    }

    @Test
    void aGroupAnswersEachRecordWithItsSequenceOrDuplicateAndEachRejectionWithItsId() {
        try (PortraitStore store = PortraitStore.inMemory(StoreOptions.defaults())) {
            store.events().appendIfNew(List.of(record("old", "u1", T0)));

            CommittedGroup g = store.commitGroup(
                    List.of(record("m1", "u1", T0), record("old", "u2", T0 + 1), record("m2", "u2", T0 + 2)),
                    List.of(rejected("{\"a\":1}"), rejected("{\"b\":2}")));

            assertThat(g.sequences()).containsExactly(2, EventLog.DUPLICATE, 3);
            assertThat(g.quarantineIds()).containsExactly(1, 2);
            assertThat(store.events().lastSequence()).isEqualTo(3);
            assertThat(store.quarantine().count()).isEqualTo(2);
        }
    }

    @Test
    void aGroupIsWrittenWithOneWrite() {
        FailingTables tables = new FailingTables();
        try (PortraitStore store = EmbeddedStore.over(tables, StoreOptions.defaults())) {
            int before = tables.writes;
            store.commitGroup(List.of(record("m1", "u1", T0), record("m2", "u2", T0)), List.of(rejected("{}")));
            assertThat(tables.writes - before).isEqualTo(1);
        }
    }

    @Test
    void aFailedWriteLeavesNeitherTheRecordsNorTheQuarantinedEventsAndARetryWritesBothOnce() {
        FailingTables tables = new FailingTables();
        try (PortraitStore store = EmbeddedStore.over(tables, StoreOptions.defaults())) {
            List<EventRecord> records = List.of(record("m1", "u1", T0), record("m2", "new-user", T0));
            List<QuarantineRecord> quarantined = List.of(rejected("{\"x\":1}"));

            tables.failWrites = true;
            assertThatThrownBy(() -> store.commitGroup(records, quarantined))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo("store_io"));
            // nothing was written, but the numbers it took are used up: a write that fails after it landed
            // (an fsync) must never have its sequences handed out again, and the store cannot tell the two apart
            assertThat(store.events().read(1, 10)).isEmpty();
            assertThat(store.quarantine().count()).isZero();

            tables.failWrites = false;
            CommittedGroup g = store.commitGroup(records, quarantined);
            assertThat(g.sequences()).containsExactly(3, 4);
            assertThat(g.quarantineIds()).containsExactly(2);
            assertThat(store.events().read(1, 10)).hasSize(2).noneMatch(LogEntry::forgotten)
                    .extracting(LogEntry::sequence).containsExactly(3L, 4L);
            assertThat(store.quarantine().count()).isEqualTo(1);
            // The dedup ids went in with the records: the same group again is all duplicates.
            assertThat(store.commitGroup(records, List.of()).sequences())
                    .containsExactly(EventLog.DUPLICATE, EventLog.DUPLICATE);
        }
    }

    @Test
    void aCommittedGroupIsThereAfterReopening() {
        try (PortraitStore store = PortraitStore.open(dir, StoreOptions.defaults())) {
            store.commitGroup(List.of(record("m1", "u1", T0)), List.of(rejected("{}")));
        }
        try (PortraitStore store = PortraitStore.open(dir, StoreOptions.defaults())) {
            assertThat(store.events().read(1, 10)).hasSize(1);
            assertThat(store.quarantine().count()).isEqualTo(1);
            CommittedGroup next = store.commitGroup(List.of(record("m2", "u1", T0)), List.of(rejected("{}")));
            assertThat(next.sequences()).containsExactly(2);
            assertThat(next.quarantineIds()).containsExactly(2);
        }
    }

    @Test
    void anEmptyGroupWritesNothing() {
        FailingTables tables = new FailingTables();
        try (PortraitStore store = EmbeddedStore.over(tables, StoreOptions.defaults())) {
            int before = tables.writes;
            CommittedGroup g = store.commitGroup(List.of(), List.of());
            assertThat(g.sequences()).isEmpty();
            assertThat(g.quarantineIds()).isEmpty();
            assertThat(tables.writes).isEqualTo(before);
        }
    }
}
