package dev.portrait.bench;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a stopped server's data directory holds, per column family: keys, logical bytes (keys plus
 * values, counted by a full scan) and the size of its table files on disk. The profile count is the
 * exact number of keys in {@code profiles}, so bytes per profile are a division away. Opens the
 * database read-only; run it only on a directory no server has open.
 *
 * <pre>
 * java -cp portrait-bench/target/benchmarks.jar \
 *     dev.portrait.bench.StoreSizeReport DATA_DIR
 * </pre>
 */
public final class StoreSizeReport {
    private StoreSizeReport() {
    }

    public static void main(String[] args) throws RocksDBException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: StoreSizeReport DATA_DIR");
        }
        RocksDB.loadLibrary();
        String db = Path.of(args[0]).resolve("db").toString();
        List<byte[]> names;
        try (Options options = new Options()) {
            names = RocksDB.listColumnFamilies(options, db);
        }
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (byte[] n : names) {
            descriptors.add(new ColumnFamilyDescriptor(n));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        long profiles = -1;
        long events = -1;
        long totalSst = 0;
        try (DBOptions options = new DBOptions();
             RocksDB rocks = RocksDB.openReadOnly(options, db, descriptors, handles)) {
            System.out.printf("%-12s %14s %16s %16s%n", "table", "keys", "key+value bytes", "sst bytes");
            for (int i = 0; i < handles.size(); i++) {
                ColumnFamilyHandle h = handles.get(i);
                String name = new String(names.get(i), StandardCharsets.UTF_8);
                long keys = 0;
                long bytes = 0;
                try (RocksIterator it = rocks.newIterator(h)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        keys++;
                        bytes += it.key().length + it.value().length;
                    }
                }
                long sst = rocks.getLongProperty(h, "rocksdb.total-sst-files-size");
                totalSst += sst;
                System.out.printf("%-12s %,14d %,16d %,16d%n", name, keys, bytes, sst);
                if (name.equals("profiles")) {
                    profiles = keys;
                } else if (name.equals("events")) {
                    events = keys;
                }
            }
            handles.forEach(ColumnFamilyHandle::close);
        }
        System.out.printf("profiles %,d; events in the log %,d; all table files %,d bytes%n", profiles, events, totalSst);
        System.out.printf("RESULT profiles=%d events=%d sst_bytes=%d%n", profiles, events, totalSst);
    }
}
