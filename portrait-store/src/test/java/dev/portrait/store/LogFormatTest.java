package dev.portrait.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.portrait.store.TestEvents.T0;
import static dev.portrait.store.TestEvents.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Data directories written with event log format 1 are refused, never misread; format 2 keeps its dictionary. */
class LogFormatTest {
    @TempDir
    Path dir;

    @Test
    void aDataDirectoryWrittenWithLogFormat1IsRefusedWithWhatToDo() throws Exception {
        try (PortraitStore s = PortraitStore.open(dir, StoreOptions.defaults())) {
            s.events().append(List.of(record("m1", "u1", T0)));
        }
        // What format 1 left on disk: meta format = 1, one record per event keyed by its sequence, the value
        // version[1]=1 crc32c[4] receivedAt[8] keyId[16] AES-GCM(JSON) (the bytes after the header need not be
        // sound: the directory must be refused before any record is read).
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (Table t : Table.values()) {
            descriptors.add(new ColumnFamilyDescriptor(t.cfNameBytes));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions();
             RocksDB db = RocksDB.open(options, dir.resolve("db").toString(), descriptors, handles);
             WriteOptions sync = new WriteOptions().setSync(true)) {
            ColumnFamilyHandle events = handles.get(Table.EVENTS.ordinal() + 1);
            ColumnFamilyHandle meta = handles.get(Table.META.ordinal() + 1);
            byte[] v1 = new byte[1 + 4 + 8 + 16 + 60];
            v1[0] = 1;
            KeyLayout.putLong(v1, 5, T0);
            db.delete(events, KeyLayout.longKey(1));
            db.put(events, sync, KeyLayout.longKey(1), v1);
            db.put(meta, sync, EmbeddedStore.META_FORMAT.getBytes(StandardCharsets.UTF_8), KeyLayout.longKey(1));
            handles.forEach(ColumnFamilyHandle::close);
        }

        assertThatThrownBy(() -> PortraitStore.open(dir, StoreOptions.defaults()))
                .isInstanceOfSatisfying(StoreException.class, e -> {
                    assertThat(e.code()).isEqualTo("store_format");
                    assertThat(e.path()).isEqualTo("meta/format");
                })
                .hasMessageContaining("event log format 1")
                .hasMessageContaining("portrait import");
    }

    @Test
    void aNewDataDirectoryKeepsACopyOfTheCompressionDictionaryItsLogIsWrittenWith() {
        try (PortraitStore s = PortraitStore.open(dir, StoreOptions.defaults())) {
            s.events().append(List.of(record("m1", "u1", T0)));
        }
        try (PortraitStore s = PortraitStore.open(dir, StoreOptions.defaults())) {
            EmbeddedStore store = (EmbeddedStore) s;
            byte[] copy = store.tables.get(Table.META, (EmbeddedStore.META_DICTIONARY_PREFIX
                    + dev.portrait.store.log.EventCompression.CURRENT_DICTIONARY).getBytes(StandardCharsets.UTF_8));
            assertThat(copy).isEqualTo(dev.portrait.store.log.EventCompression.dictionary(
                    dev.portrait.store.log.EventCompression.CURRENT_DICTIONARY));
            assertThat(s.events().read(1, 1).get(0).decode().messageId()).isEqualTo("m1");
        }
    }
}
