package dev.portrait.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.portrait.store.TestEvents.T0;
import static dev.portrait.store.TestEvents.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A damaged log block is reported as {@code corrupt_log} naming its first sequence. The damage is done
 * through a raw RocksDB handle on the closed store's files, as a disk or an operator would.
 */
class LogCorruptionTest {
    @TempDir
    Path dir;

    private void withRawEvents(RawEdit edit) throws Exception {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (Table t : Table.values()) {
            descriptors.add(new ColumnFamilyDescriptor(t.cfNameBytes));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions();
             RocksDB db = RocksDB.open(options, dir.resolve("db").toString(), descriptors, handles);
             WriteOptions sync = new WriteOptions().setSync(true)) {
            edit.apply(db, handles.get(Table.EVENTS.ordinal() + 1), sync);
            handles.forEach(ColumnFamilyHandle::close);
        }
    }

    interface RawEdit {
        void apply(RocksDB db, ColumnFamilyHandle events, WriteOptions sync) throws Exception;
    }

    private void writeThree() {
        try (PortraitStore s = PortraitStore.open(dir, StoreOptions.defaults())) {
            // Three groups, so three blocks: keys 1, 2 and 3.
            s.events().append(List.of(record("m1", "u1", T0)));
            s.events().append(List.of(record("m2", "u2", T0)));
            s.events().append(List.of(record("m3", "u3", T0)));
        }
    }

    @Test
    void aFlippedByteInARecordFailsItsChecksumAndNamesTheSequence() throws Exception {
        writeThree();
        for (int offset : new int[] {0, 7, 30, -1}) {
            withRawEvents((db, events, sync) -> {
                byte[] key = KeyLayout.longKey(2);
                byte[] value = db.get(events, key);
                int at = offset < 0 ? value.length - 1 : offset;
                value[at] ^= 0x10;
                db.put(events, sync, key, value);
            });
            try (PortraitStore s = PortraitStore.open(dir, StoreOptions.defaults())) {
                assertThat(s.events().read(1, 1)).hasSize(1);
                assertThatThrownBy(() -> s.events().read(1, 10))
                        .as("byte %d flipped", offset)
                        .isInstanceOfSatisfying(StoreException.class, e -> {
                            assertThat(e.code()).isEqualTo("corrupt_log");
                            assertThat(e.path()).isEqualTo("events/2");
                        })
                        .hasMessageContaining("event log block at sequence 2 ");
                assertThat(s.events().read(3, 10)).hasSize(1);
                LogCursor replay = s.events().replay(1);
                replay.next();
                assertThatThrownBy(replay::hasNext).hasMessageContaining("sequence 2");
            }
            // Undo, so the next offset starts from a sound record.
            withRawEvents((db, events, sync) -> {
                byte[] key = KeyLayout.longKey(2);
                byte[] value = db.get(events, key);
                value[offset < 0 ? value.length - 1 : offset] ^= 0x10;
                db.put(events, sync, key, value);
            });
        }
        try (PortraitStore s = PortraitStore.open(dir, StoreOptions.defaults())) {
            assertThat(s.events().read(1, 10)).hasSize(3);
        }
    }

    @Test
    void aRecordMovedToAnotherPositionFailsAuthenticationEvenWithAValidChecksum() throws Exception {
        writeThree();
        withRawEvents((db, events, sync) -> db.put(events, sync, KeyLayout.longKey(2), db.get(events, KeyLayout.longKey(3))));

        try (PortraitStore s = PortraitStore.open(dir, StoreOptions.defaults())) {
            assertThatThrownBy(() -> s.events().read(2, 1))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.code()).isEqualTo("corrupt_log"))
                    .hasMessageContaining("block at sequence 2 passes its CRC32C but fails AES-GCM authentication");
        }
    }

    @Test
    void aDamagedBlockFailsAsAWholeWhileTheBlocksAroundItReadAndReplayStopsAtIt() throws Exception {
        try (PortraitStore s = PortraitStore.open(dir, StoreOptions.defaults())) {
            s.events().append(List.of(record("m1", "u1", T0), record("m2", "u2", T0)));
            s.events().append(List.of(record("m3", "u1", T0), record("m4", "u3", T0), record("m5", "u1", T0)));
            s.events().append(List.of(record("m6", "u2", T0)));
        }
        withRawEvents((db, events, sync) -> {
            byte[] key = KeyLayout.longKey(3);
            byte[] value = db.get(events, key);
            value[value.length / 2] ^= 0x01;
            db.put(events, sync, key, value);
        });
        try (PortraitStore s = PortraitStore.open(dir, StoreOptions.defaults())) {
            assertThat(s.events().read(1, 2)).extracting(LogEntry::sequence).containsExactly(1L, 2L);
            assertThatThrownBy(() -> s.events().read(4, 1))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.path()).isEqualTo("events/3"));
            assertThat(s.events().read(6, 10)).extracting(LogEntry::sequence).containsExactly(6L);
            LogCursor replay = s.events().replay(1);
            assertThat(replay.next().sequence()).isEqualTo(1);
            assertThat(replay.next().sequence()).isEqualTo(2);
            assertThatThrownBy(replay::hasNext).hasMessageContaining("block at sequence 3");
        }
    }
}
