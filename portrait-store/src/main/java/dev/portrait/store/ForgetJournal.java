package dev.portrait.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The forget journal: one line per forget, appended and fsynced before the forget's store write, in
 * {@code DATA/forget-journal} (mode 0600). A backup never copies it, so it outlives every backup and
 * a restore can forget again the people forgotten after the backup was taken.
 *
 * <p>It names no one: each line holds the forget's number (the store's forget count after it), its
 * time, and keyed hashes under the store's hashing keyset: the identity index keys of the person's
 * identifiers (to find their profiles in an older copy), the suppression-list hashes, the key-ring
 * owner keys of the subjects whose data keys were shredded; and the ids of the quarantined events
 * deleted (ordinal numbers the store handed out). Without the keysets none of it can be matched to
 * an identifier; with them only a guessed identifier can be confirmed, as with the suppression list.
 *
 * <p>Written before the store write, so a crash between the two leaves a line for a forget that was
 * asked for but not made: re-applying it at a restore forgets someone who asked to be forgotten,
 * the safe direction. Format, one line: {@code 1 <number> <epochMs> <owners> <suppressed> <subjects>
 * <quarantineIds>}, each list comma-separated hex (ids decimal), {@code -} when empty.
 */
final class ForgetJournal {
    /** The file's name in a data directory. */
    static final String FILE = "forget-journal";
    private static final HexFormat HEX = HexFormat.of();

    /** One forget, as the journal keeps it. */
    record Entry(long number, long at, List<byte[]> owners, List<byte[]> suppressed, List<byte[]> subjects,
                 List<Long> quarantineIds) {
        Entry {
            if (number < 1) {
                throw new IllegalArgumentException("a forget's number starts at 1, got " + number);
            }
            owners = List.copyOf(owners);
            suppressed = List.copyOf(suppressed);
            subjects = List.copyOf(subjects);
            quarantineIds = List.copyOf(quarantineIds);
        }

        String line() {
            return "1 " + number + " " + at + " " + hex(owners) + " " + hex(suppressed) + " " + hex(subjects) + " "
                    + (quarantineIds.isEmpty() ? "-" : String.join(",", quarantineIds.stream().map(String::valueOf).toList()))
                    + "\n";
        }

        static Entry parse(String line, Path file, int lineNumber) {
            String[] f = line.strip().split(" ");
            if (f.length != 7 || !f[0].equals("1")) {
                throw new StoreException("store_format", "line " + lineNumber + " of the forget journal " + file
                        + " is not a version-1 journal line", file.toString());
            }
            try {
                List<Long> ids = new ArrayList<>();
                if (!f[6].equals("-")) {
                    for (String id : f[6].split(",")) {
                        ids.add(Long.parseLong(id));
                    }
                }
                return new Entry(Long.parseLong(f[1]), Long.parseLong(f[2]), unhex(f[3]), unhex(f[4]), unhex(f[5]), ids);
            } catch (IllegalArgumentException e) {
                throw new StoreException("store_format", "line " + lineNumber + " of the forget journal " + file
                        + " is damaged: " + e.getMessage(), file.toString(), e);
            }
        }

        private static String hex(List<byte[]> values) {
            return values.isEmpty() ? "-" : String.join(",", values.stream().map(HEX::formatHex).toList());
        }

        private static List<byte[]> unhex(String field) {
            if (field.equals("-")) {
                return List.of();
            }
            List<byte[]> out = new ArrayList<>();
            for (String h : field.split(",")) {
                out.add(HEX.parseHex(h));
            }
            return out;
        }
    }

    private final Path file;

    ForgetJournal(Path file) {
        this.file = Objects.requireNonNull(file, "journal file");
    }

    Path file() {
        return file;
    }

    /** Appends one entry and forces it to disk before returning. */
    synchronized void append(Entry entry) {
        try {
            if (!Files.exists(file)) {
                try {
                    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(file); // no POSIX modes on this file system
                }
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer bytes = ByteBuffer.wrap(entry.line().getBytes(StandardCharsets.US_ASCII));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
        } catch (IOException e) {
            throw new StoreException("store_io", "cannot append to the forget journal " + file + ": " + e.getMessage(),
                    file.toString(), e);
        }
    }

    /** Every entry, oldest first; none when the file does not exist. A torn last line (a crash mid-append) is skipped. */
    static List<Entry> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new StoreException("store_io", "cannot read the forget journal " + file + ": " + e.getMessage(),
                    file.toString(), e);
        }
        String[] lines = text.split("\n", -1);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            boolean last = i == lines.length - 1;
            if (lines[i].isBlank() || last) {
                continue; // the text after the last newline is empty, or a line whose append never finished
            }
            entries.add(Entry.parse(lines[i], file, i + 1));
        }
        return entries;
    }
}
