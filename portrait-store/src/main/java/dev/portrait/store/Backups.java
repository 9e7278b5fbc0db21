package dev.portrait.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Backups of a data directory and restoring them, so that restoring never brings back a forgotten person.
 *
 * <p><b>What a backup holds.</b> {@link PortraitStore#backup} writes {@code TARGET/db} (a RocksDB
 * checkpoint), {@code TARGET/keysets} (copied as they are: encrypted keysets stay encrypted, so the
 * backup needs the same master key), every other plain file of the data directory (the definition the
 * profiles were built with), and {@code TARGET/BACKUP}: when it was taken, the store's forget count and
 * log position at the checkpoint. It never holds the forget journal.
 *
 * <p><b>Why the journal stays outside.</b> A backup is a copy of the past: restoring one taken before a
 * person was forgotten would bring them back. Every forget is journalled ({@link ForgetJournal}: keyed
 * hashes, never an identifier) in {@code DATA/forget-journal}, which no backup copies. {@link #restore}
 * reads that journal (or the one given), puts the backup in place and forgets again, in the restored
 * store, every entry numbered after the backup's forget count: the person's profiles, their subjects'
 * data keys (their events become unreadable), their quarantined events, and their identifiers go back
 * onto the suppression list. It then compacts, so what was forgotten again leaves the files.
 *
 * <p>Forgets are matched by number, not by clock: the checkpoint and the count are read under the
 * store's write locks, so "after the backup" is exact whatever the clocks said. A suppression lifted
 * after the backup is lifted no more after a restore (restore brings back the backup's list, and the
 * journal re-suppresses on re-apply): the conservative direction; lift it again.
 */
public final class Backups {
    /** The file naming a directory as a Portrait backup. */
    public static final String MARKER = "BACKUP";

    private Backups() {
    }

    /** What a restore did. */
    public record RestoreReport(Path data, long takenAt, long backupForgets, int journalEntries, int reapplied,
                                int profilesForgotten, int files, long bytes, Path journal) {
        public RestoreReport {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(journal, "journal");
        }
    }

    /** Refuses a target that exists and is not empty, else creates it (0700). */
    static void prepareTarget(Path target) {
        try {
            if (Files.exists(target)) {
                if (!Files.isDirectory(target)) {
                    throw new StoreException("backup_target", "the backup target " + target + " is a file, not a directory",
                            target.toString());
                }
                try (Stream<Path> entries = Files.list(target)) {
                    if (entries.findAny().isPresent()) {
                        throw new StoreException("backup_target", "the backup target " + target
                                + " exists and is not empty; give a new or empty directory", target.toString());
                    }
                }
            } else {
                Files.createDirectories(target);
            }
            privateDirectory(target);
        } catch (IOException e) {
            throw new StoreException("store_io", "cannot create the backup target " + target + ": " + e.getMessage(),
                    target.toString(), e);
        }
    }

    /** After the checkpoint: the keysets, the other files, the marker. */
    static BackupReport finish(Path dataDir, Path target, long forgets, long sequence, long takenAt) {
        try {
            copyTree(dataDir.resolve(MasterKeys.DIR), target.resolve(MasterKeys.DIR));
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dataDir)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (Files.isRegularFile(f) && !name.equals(ForgetJournal.FILE) && !name.equals(MARKER)) {
                        Files.copy(f, target.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            Properties marker = new Properties();
            marker.setProperty("format", "1");
            marker.setProperty("takenAt", Long.toString(takenAt));
            marker.setProperty("forgets", Long.toString(forgets));
            marker.setProperty("logSequence", Long.toString(sequence));
            Path markerFile = target.resolve(MARKER);
            try (var out = Files.newBufferedWriter(markerFile, StandardCharsets.UTF_8)) {
                marker.store(out, "Portrait backup: restore with `portrait restore --from " + target + " --data DIR`");
            }
            long[] size = size(target);
            return new BackupReport(target, takenAt, forgets, sequence, (int) size[0], size[1]);
        } catch (IOException e) {
            throw new StoreException("store_io", "cannot finish the backup in " + target + ": " + e.getMessage(),
                    target.toString(), e);
        }
    }

    /**
     * Restores the backup in {@code from} into {@code data} and forgets again everyone the journal says
     * was forgotten after it.
     *
     * @param journal the forget journal to re-apply; null: {@code data/forget-journal}. When it is elsewhere,
     *                it is copied to {@code data/forget-journal} so the restored directory keeps it
     * @param force   replace a data directory that is not empty (everything but its forget journal)
     * @throws StoreException {@code restore_refused} when {@code data} is in use, or not empty without
     *                        {@code force}; {@code backup_invalid} when {@code from} is not a backup
     */
    public static RestoreReport restore(Path from, Path data, Path journal, boolean force, StoreOptions options,
                                        MasterKey masterKey) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(data, "data");
        Properties marker = readMarker(from);
        long backupForgets = Long.parseLong(marker.getProperty("forgets", "0"));
        long takenAt = Long.parseLong(marker.getProperty("takenAt", "0"));
        Path ownJournal = data.resolve(ForgetJournal.FILE);
        Path journalFile = journal == null ? ownJournal : journal;
        if (journal != null && !Files.isRegularFile(journal)) {
            throw new StoreException("restore_refused", "--journal " + journal + " is not a file", journal.toString());
        }
        // Read before anything is touched: a damaged journal stops the restore while the directory is intact.
        List<ForgetJournal.Entry> entries = ForgetJournal.read(journalFile);
        try {
            if (Files.exists(data) && !Files.isDirectory(data)) {
                throw new StoreException("restore_refused", data + " is a file, not a data directory", data.toString());
            }
            refuseInUse(data);
            List<Path> present = new ArrayList<>();
            if (Files.isDirectory(data)) {
                try (Stream<Path> list = Files.list(data)) {
                    list.filter(p -> !p.getFileName().toString().equals(ForgetJournal.FILE)).forEach(present::add);
                }
            }
            if (!present.isEmpty() && !force) {
                throw new StoreException("restore_refused", "the data directory " + data + " is not empty; restoring "
                        + "replaces everything in it but its forget journal: pass --force to do that", data.toString());
            }
            for (Path p : present) {
                deleteTree(p);
            }
            Files.createDirectories(data);
            privateDirectory(data);
            copyTree(from, data, p -> !p.getFileName().toString().equals(MARKER)
                    && !p.getFileName().toString().equals(ForgetJournal.FILE));
            if (journal != null && (!Files.exists(ownJournal) || !Files.isSameFile(journal, ownJournal))) {
                Files.copy(journal, ownJournal, StandardCopyOption.REPLACE_EXISTING);
                privateFile(ownJournal);
            }
        } catch (IOException e) {
            throw new StoreException("store_io", "cannot restore " + from + " into " + data + ": " + e.getMessage(),
                    data.toString(), e);
        }
        int reapplied = 0;
        int profiles = 0;
        try (PortraitStore store = PortraitStore.open(data, options, masterKey)) {
            EmbeddedStore embedded = (EmbeddedStore) store;
            for (ForgetJournal.Entry e : entries) {
                if (e.number() > backupForgets) {
                    profiles += embedded.reapply(e);
                    reapplied++;
                }
            }
            if (reapplied > 0) {
                store.compact();
            }
        }
        long[] size = size(data);
        return new RestoreReport(data, takenAt, backupForgets, entries.size(), reapplied, profiles, (int) size[0],
                size[1], journalFile);
    }

    /** The backup's marker, or {@code backup_invalid}. */
    static Properties readMarker(Path from) {
        Path file = from.resolve(MARKER);
        if (!Files.isRegularFile(file) || !Files.isDirectory(from.resolve(EmbeddedStore.DB_DIR))) {
            throw new StoreException("backup_invalid", from + " is not a Portrait backup (it has no " + MARKER
                    + " file and db/ directory; make one with `portrait backup`)", from.toString());
        }
        Properties marker = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            marker.load(in);
        } catch (IOException e) {
            throw new StoreException("store_io", "cannot read " + file + ": " + e.getMessage(), file.toString(), e);
        }
        if (!"1".equals(marker.getProperty("format"))) {
            throw new StoreException("backup_invalid", file + " is a backup of format " + marker.getProperty("format")
                    + "; this version reads format 1", file.toString());
        }
        return marker;
    }

    /**
     * Refuses a data directory another process (a running server) holds open: RocksDB's own lock, taken by
     * opening the tables alone (no keysets needed) and letting go at once.
     */
    private static void refuseInUse(Path data) {
        Path db = data.resolve(EmbeddedStore.DB_DIR);
        if (!Files.exists(db.resolve("CURRENT"))) {
            return;
        }
        try {
            RocksTables.open(db).close();
        } catch (StoreException e) {
            if (e.code().equals("store_locked")) {
                throw new StoreException("restore_refused", "the data directory " + data + " is in use (a server has it "
                        + "open); stop it before restoring into it", data.toString(), e);
            }
            throw e;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        copyTree(from, to, p -> true);
    }

    private static void copyTree(Path from, Path to, java.util.function.Predicate<Path> topLevel) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getParent() != null && dir.getParent().equals(from) && !topLevel.test(dir)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Path d = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(d);
                privateDirectory(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (file.getParent().equals(from) && !topLevel.test(file)) {
                    return FileVisitResult.CONTINUE;
                }
                Path f = to.resolve(from.relativize(file).toString());
                Files.copy(file, f, StandardCopyOption.REPLACE_EXISTING);
                privateFile(f);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Files and bytes under a directory. */
    private static long[] size(Path dir) {
        long[] size = {0, 0};
        try (Stream<Path> all = Files.walk(dir)) {
            all.filter(Files::isRegularFile).forEach(f -> {
                size[0]++;
                try {
                    size[1] += Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new StoreException("store_io", "cannot measure " + dir + ": " + e.getMessage(), dir.toString(), e);
        }
        return size;
    }

    private static void privateDirectory(Path dir) throws IOException {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // no POSIX modes on this file system
        }
    }

    private static void privateFile(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // no POSIX modes on this file system
        }
    }
}
