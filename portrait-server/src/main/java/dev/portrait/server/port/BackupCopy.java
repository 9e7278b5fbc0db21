package dev.portrait.server.port;

import java.time.Instant;
import java.util.Objects;

/**
 * What a backup copied ({@link AdminPort#backup}).
 *
 * @param to          the backup's directory
 * @param takenAt     when the checkpoint was cut
 * @param forgets     the store's forget count in the backup: a restore forgets again every later one
 * @param logSequence the last event log position the backup holds: every event acknowledged before it was taken
 * @param files       files under {@code to}
 * @param bytes       their size (table files are hard links on the data directory's file system)
 */
public record BackupCopy(String to, Instant takenAt, long forgets, long logSequence, int files, long bytes) {
    public BackupCopy {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(takenAt, "takenAt");
    }
}
