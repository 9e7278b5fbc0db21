package dev.portrait.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * What one {@link PortraitStore#commitGroup} wrote.
 *
 * @param sequences     per log record in the order given, its sequence or {@link EventLog#DUPLICATE}
 * @param quarantineIds per quarantine record in the order given, its id in the {@link Quarantine}
 */
public record CommittedGroup(long[] sequences, long[] quarantineIds) {
    public CommittedGroup {
        Objects.requireNonNull(sequences, "sequences");
        Objects.requireNonNull(quarantineIds, "quarantineIds");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CommittedGroup g && Arrays.equals(sequences, g.sequences)
                && Arrays.equals(quarantineIds, g.quarantineIds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(sequences) + Arrays.hashCode(quarantineIds);
    }

    @Override
    public String toString() {
        return "CommittedGroup[sequences=" + Arrays.toString(sequences) + ", quarantineIds="
                + Arrays.toString(quarantineIds) + "]";
    }
}
