package dev.portrait.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link PortraitStore#backup} copied: where, when (epoch ms), the forget count and the log position
 * the checkpoint holds, and the files and bytes under the target (table files are hard links when the
 * target is on the data directory's file system, so the bytes are not all new on disk).
 */
public record BackupReport(Path target, long takenAt, long forgets, long logSequence, int files, long bytes) {
    public BackupReport {
        Objects.requireNonNull(target, "target");
        if (forgets < 0 || logSequence < 0 || files < 0 || bytes < 0) {
            throw new IllegalArgumentException("a backup's counts are not negative: forgets " + forgets + ", log "
                    + logSequence + ", files " + files + ", bytes " + bytes);
        }
    }
}
